"""Parsing only; rules live in services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.challenges.models import (
    CloseReason,
    Confidentiality,
    Frequency,
    Kind,
    Language,
)
from loket.lib.formfields import form_field
from loket.organisations.models import (
    InnovationType,
    Organisation,
    OrganisationType,
    Region,
    SizeClass,
)

if TYPE_CHECKING:
    from loket.accounts.models import User


def _split(value: str) -> list[str]:
    parts = [p.strip() for chunk in (value or "").splitlines() for p in chunk.split(",")]
    return [p for p in parts if p]


class ChallengeForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Post for"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    teaser = forms.CharField(
        label=_("Public teaser"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visible to everyone who may see the item. Say what you look for, not how."),
    )
    details = forms.CharField(
        label=_("Protected details"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Only opens to organisations whose interest you accept (and, if you ask, after both "
            "sides accepted the NDA)."
        ),
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        widget=forms.RadioSelect,
        initial=Confidentiality.MEMBERS,
    )
    invited = forms.CharField(
        label=_("Invited organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For 'invited only': organisation names or numbers, one per line."),
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Desired partner types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size_classes = forms.MultipleChoiceField(
        label=_("Desired size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_("Desired regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.CharField(
        label=_("Desired countries"),
        required=False,
        max_length=200,
        help_text=_("Two-letter codes separated by commas, such as BE, NL."),
    )
    innovation_types = forms.MultipleChoiceField(
        label=_("Innovation types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    call_reference = forms.CharField(label=_("Call or instrument"), required=False, max_length=200)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        user: User,
        organisations: list[Organisation],
        editing: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "organisation", forms.ChoiceField).choices = [
            (o.pk, o.name) for o in organisations
        ]
        if editing:
            del self.fields["organisation"]
        form_field(self, "innovation_types", forms.ChoiceField).choices = [
            (t.code, t.label) for t in InnovationType.objects.all()
        ]

    def clean_invited(self) -> list[Organisation]:
        names = _split(self.cleaned_data.get("invited", ""))
        found: list[Organisation] = []
        unknown: list[str] = []
        listed = Organisation.objects.listed_for(self.user)
        for name in names[:50]:
            match = (
                listed.filter(pk=int(name)).first()
                if name.isdigit()
                else listed.filter(name__iexact=name).first()
            )
            if match is None:
                unknown.append(name)
            elif match not in found:
                found.append(match)
        if unknown:
            raise forms.ValidationError(
                _("Not found in the directory: %(names)s") % {"names": ", ".join(unknown[:5])}
            )
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("confidentiality") == Confidentiality.INVITED and not data.get("invited"):
            self.add_error("invited", _("Name at least one organisation to invite."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "teaser": data["teaser"],
            "details": data["details"],
            "confidentiality": data["confidentiality"],
            "partner_types": data["partner_types"],
            "size_classes": data["size_classes"],
            "regions": data["regions"],
            "countries": _split(data["countries"]),
            "tags": _split(data["tags"]),
            "languages": data["languages"],
            "call_reference": data["call_reference"],
            "deadline": data["deadline"],
        }

    @staticmethod
    def initial_for(challenge: Any) -> dict[str, Any]:
        return {
            "kind": challenge.kind,
            "title": challenge.title,
            "teaser": challenge.teaser,
            "details": challenge.details,
            "confidentiality": challenge.confidentiality,
            "invited": "\n".join(o.name for o in challenge.invited_organisations.all()),
            "partner_types": challenge.partner_types,
            "size_classes": challenge.size_classes,
            "regions": challenge.regions,
            "countries": ", ".join(challenge.countries),
            "innovation_types": [t.code for t in challenge.innovation_types.all()],
            "tags": ", ".join(challenge.tags),
            "languages": challenge.languages,
            "call_reference": challenge.call_reference,
            "deadline": challenge.deadline,
            "version": challenge.version,
        }


class InterestForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    message = forms.CharField(
        label=_("Short message to the poster"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ChoiceField).choices = [
            (o.pk, o.name) for o in organisations
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    nda_language = forms.ChoiceField(
        label=_("Require a mutual NDA"),
        required=False,
        choices=[("", _("No NDA")), ("nl", _("Yes, Dutch text")), ("en", _("Yes, English text"))],
    )


class NdaAcceptForm(forms.Form):
    text_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I have read this NDA and accept it for my organisation"))


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("PDF, DOCX, PNG or JPEG, at most 10 MB. Opens only with the details."),
    )

    def __init__(self, *args: Any, max_bytes: int = 0, too_large: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if max_bytes:
            # loket.js refuses a larger file before it is sent (the server refuses it as well).
            self.fields["file"].widget.attrs.update(
                {"data-max-bytes": str(max_bytes), "data-too-large": too_large}
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModerationForm(ReasonForm):
    action = forms.ChoiceField(
        choices=[("hide", _("Hide")), ("unhide", _("Show again"))], widget=forms.HiddenInput
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you close this item?"),
        choices=[(v, label) for v, label in CloseReason.choices if v != CloseReason.EXPIRED],
    )
    partner = forms.TypedChoiceField(
        label=_("Partner found"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "partner", forms.ChoiceField).choices = [("", "—"), *partners]


class AlertForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    q = forms.CharField(label=_("Search words"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices], required=False)
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", "—"), *Region.choices], required=False
    )
    partner_type = forms.ChoiceField(
        label=_("Partner type"), choices=[("", "—"), *OrganisationType.choices], required=False
    )
    match_profile = forms.BooleanField(
        label=_("Items that match my organisation's profile"), required=False
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, required=False, empty_value=None
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ChoiceField).choices = [
            ("", "—"),
            *[(o.pk, o.name) for o in organisations],
        ]
