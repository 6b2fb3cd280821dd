from django import forms
from django.utils.translation import gettext_lazy as _

from loket.instruments.models import Instrument
from loket.lib.formfields import form_field
from loket.organisations.models import Organisation, OrganisationType, Region
from loket.referrals.models import IntermediaryProfile, Language, Outcome, Service, TargetGroup

REGION_CHOICES = [("", _("— not specified —")), *Region.choices]


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In Dutch, English or French. Say what you need, not who you think can help."),
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none(), required=False
    )
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    visitor_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    visitor_email = forms.EmailField(label=_("Your e-mail address"), required=False)
    contact_consent = forms.BooleanField(
        label=_(
            "I agree that Loket stores my question and e-mail address and passes them to the "
            "intermediary that will answer me."
        ),
        required=False,
    )
    share_consent = forms.BooleanField(
        label=_(
            "If another intermediary is better placed, my question and its history may be handed "
            "over to it."
        ),
        required=False,
    )
    holder = forms.ModelChoiceField(
        label=_("Send my question to"),
        queryset=Organisation.objects.filter(
            org_type=OrganisationType.INTERMEDIARY,
            intermediary_profile__accepts_cases=True,
            intermediary_profile__approved=True,
            visibility="public",
        ),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            form_field(
                self, "organisation", forms.ModelChoiceField
            ).queryset = Organisation.objects.filter(memberships__user=user).exclude(
                org_type=OrganisationType.INTERMEDIARY
            )
            del self.fields["visitor_name"]
            del self.fields["visitor_email"]
            del self.fields["contact_consent"]
        else:
            del self.fields["organisation"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if "visitor_email" in self.fields:
            if not data.get("visitor_email"):
                self.add_error(
                    "visitor_email",
                    _("Leave an e-mail address so the intermediary can answer you."),
                )
            if not data.get("contact_consent"):
                self.add_error(
                    "contact_consent",
                    _("We can only pass on your question with your consent."),
                )
        return data


class MessageForm(forms.Form):
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class OptionalMessageForm(forms.Form):
    message = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)


class ReferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(
        label=_("Why this intermediary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, targets=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            form_field(self, "to_organisation", forms.ModelChoiceField).queryset = targets


class AssignForm(forms.Form):
    assignee = forms.IntegerField(required=False, min_value=1)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Link"),
        choices=[
            ("organisation", _("Organisation")),
            ("instrument", _("Instrument")),
            ("challenge", _("Challenge")),
        ],
    )
    reference = forms.CharField(
        label=_("Number (or the instrument's short address)"), max_length=100
    )


class IntermediaryProfileForm(forms.Form):
    """The intermediary's own profile; `instance` only gives the initial values."""

    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instrument_links = forms.ModelMultipleChoiceField(
        label=_("Instruments we help with"),
        queryset=Instrument.objects.current().order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instruments = forms.CharField(
        label=_("Other instruments"),
        help_text=_("Schemes the catalogue does not list."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    activities = forms.CharField(
        label=_("Activities and events"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    regions_served = forms.MultipleChoiceField(
        label=_("Regions served"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    response_days = forms.IntegerField(
        label=_("Response-time promise (working days)"), min_value=1, max_value=60
    )
    accepts_cases = forms.BooleanField(label=_("We accept questions"), required=False)
    contact_email = forms.EmailField(
        label=_("Contact e-mail address for new questions"), required=False
    )

    def __init__(
        self,
        *args,
        instance: IntermediaryProfile | None = None,
        read_only: bool = False,
        **kwargs,
    ) -> None:
        if instance is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "services": instance.services,
                "target_groups": instance.target_groups,
                "instrument_links": list(instance.instrument_links.all()) if instance.pk else [],
                "instruments": instance.instruments,
                "activities": instance.activities,
                "regions_served": instance.regions_served,
                "languages": instance.languages,
                "response_days": instance.response_days,
                "accepts_cases": instance.accepts_cases,
                "contact_email": instance.contact_email,
            }
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was the answer?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(required=False)
    mine = forms.BooleanField(required=False)
    unassigned = forms.BooleanField(required=False)
    overdue = forms.BooleanField(required=False)
    include_closed = forms.BooleanField(required=False)
    q = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, **kwargs) -> None:
        from loket.referrals.models import CaseState

        super().__init__(*args, **kwargs)
        form_field(self, "state", forms.ChoiceField).choices = [
            ("", _("All open")),
            *CaseState.choices,
        ]
