"""Forms parse and check input; the services apply the rules and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.lib.enterprise_number import is_valid_enterprise_number, normalise_enterprise_number
from loket.lib.formfields import form_field
from loket.organisations.models import (
    ContactPerson,
    InnovationType,
    MembershipRole,
    Organisation,
    OrganisationType,
)
from loket.organisations.taxonomy import INNOVATION_TYPE_LABELS, nace_choices

LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
]
MAX_TAGS = 30
MAX_TAG_LENGTH = 60


class ExpertiseTagsField(forms.CharField):
    """Comma-separated input, a list of distinct tags out."""

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        tags = [tag.strip() for tag in text.split(",") if tag.strip()]
        return list(dict.fromkeys(tags))

    def validate(self, value: list[str]) -> None:  # type: ignore[override]
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(
                _("Use at most %(max)d tags."), params={"max": MAX_TAGS}, code="too_many"
            )
        if any(len(tag) > MAX_TAG_LENGTH for tag in value):
            raise forms.ValidationError(
                _("A tag can be at most %(max)d characters long."),
                params={"max": MAX_TAG_LENGTH},
                code="too_long",
            )


class InnovationTypeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InnovationType) -> str:
        return str(INNOVATION_TYPE_LABELS.get(obj.code, obj.code))


class OrganisationForm(forms.ModelForm):
    nace_code = forms.ChoiceField(label=_("Sector (NACE)"), required=False)
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        required=False,
        max_length=20,
        help_text=_("Belgian enterprise number (KBO/BCE), e.g. 0123.456.749"),
    )
    expertise_tags = ExpertiseTagsField(
        label=_("Expertise tags"),
        required=False,
        max_length=2000,
        help_text=_("Separate tags with commas, e.g. sensors, machine learning, food safety."),
    )
    innovation_types = InnovationTypeChoiceField(
        label=_("Types of innovation you work on"),
        queryset=InnovationType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "org_type",
            "intermediary_kind",
            "size_class",
            "enterprise_number",
            "nace_code",
            "region",
            "nuts_code",
            "country",
            "city",
            "website",
            "description",
            "offers",
            "seeks",
            "expertise_tags",
            "innovation_types",
            "languages",
            "visibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "offers": forms.Textarea(attrs={"rows": 4}),
            "seeks": forms.Textarea(attrs={"rows": 4}),
            "country": forms.TextInput(attrs={"size": 2, "placeholder": "BE"}),
        }
        help_texts = {
            "country": _("Two-letter ISO code, e.g. BE."),
            "nuts_code": _("For example BE251 (Bruges). Leave empty when unknown."),
            "size_class": _("EU size class by number of employees (for companies)."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        form_field(self, "nace_code", forms.ChoiceField).choices = [("", "—"), *nace_choices()]
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("country", "BE")

    def clean_enterprise_number(self) -> str:
        value = (self.cleaned_data.get("enterprise_number") or "").strip()
        if not value:
            return ""
        if not is_valid_enterprise_number(value):
            raise forms.ValidationError(
                _(
                    "%(value)s is not a valid Belgian enterprise number "
                    "(10 digits with a mod-97 check)."
                ),
                params={"value": value},
                code="invalid_enterprise_number",
            )
        return normalise_enterprise_number(value)

    def clean_country(self) -> str:
        value = (self.cleaned_data.get("country") or "").strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise forms.ValidationError(_("Use a two-letter country code, e.g. BE."))
        return value

    def clean_nuts_code(self) -> str:
        return (self.cleaned_data.get("nuts_code") or "").strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("org_type") == OrganisationType.INTERMEDIARY and not cleaned.get(
            "intermediary_kind"
        ):
            self.add_error("intermediary_kind", _("Choose the kind of intermediary."))
        return cleaned

    def _post_clean(self) -> None:
        # Model validation (including uniqueness) runs in the service, on the real instance.
        pass

    def profile_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key in self.Meta.fields}
        data.pop("innovation_types", None)
        return data

    def innovation_type_codes(self) -> list[str]:
        return [item.code for item in self.cleaned_data.get("innovation_types") or []]


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone"]

    def _post_clean(self) -> None:
        pass


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Why is this your organisation?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_(
            "For example your role and how a curator can check it (an e-mail address at the "
            "organisation's domain helps)."
        ),
    )


class ClaimDecisionForm(forms.Form):
    """The curator's reason, asked by the admin action before approving or rejecting."""

    note = forms.CharField(
        label=_("Reason (sent to the claimant)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
