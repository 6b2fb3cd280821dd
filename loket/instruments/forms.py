from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loket.instruments import rules
from loket.instruments.models import (
    BurdenReport,
    EligibilityRule,
    Instrument,
    Stage,
    TargetGroup,
)
from loket.lib.formfields import form_field
from loket.organisations.models import Organisation, OrganisationType, Region, SizeClass

PARTNER_ROWS = 4
TIMING = [
    ("", _("I don't know yet")),
    ("3", _("Within three months")),
    ("6", _("Within six months")),
    ("12", _("Within a year")),
    ("24", _("Later")),
]


class WizardForm(forms.Form):
    """Eight plain-language questions."""

    org_type = forms.ChoiceField(
        label=_("1. What kind of organisation are you?"), choices=OrganisationType.choices
    )
    size_class = forms.ChoiceField(
        label=_("2. How many people work there?"),
        choices=[("", _("Not applicable")), *SizeClass.choices],
        required=False,
    )
    stage = forms.ChoiceField(
        label=_("4. How far is your idea?"),
        choices=[("", _("I don't know")), *Stage.choices],
        required=False,
    )
    budget = forms.DecimalField(
        label=_("5. Roughly what will the project cost (EUR)?"),
        min_value=0,
        max_value=10**10,
        decimal_places=0,
        required=False,
    )
    theme = forms.CharField(
        label=_("6. In a few words, what is it about?"), max_length=200, required=False
    )
    region = forms.ChoiceField(
        label=_("7. Where are you based?"),
        choices=[("", _("Somewhere else")), *Region.choices],
        required=False,
    )
    timing = forms.ChoiceField(
        label=_("8. When do you want to start?"), choices=TIMING, required=False
    )
    own_cost_share = forms.IntegerField(
        label=_("Your share of the costs (%)"), min_value=0, max_value=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, PARTNER_ROWS + 1):
            self.fields[f"partner_{n}_type"] = forms.ChoiceField(
                label=_("Partner %(n)s: type") % {"n": n},
                choices=[("", "—"), *OrganisationType.choices],
                required=False,
            )
            self.fields[f"partner_{n}_country"] = forms.RegexField(
                label=_("country (two letters, e.g. NL)"),
                regex=r"^[A-Za-z]{2}$",
                max_length=2,
                required=False,
            )
            self.fields[f"partner_{n}_sme"] = forms.BooleanField(label=_("SME"), required=False)
            self.fields[f"partner_{n}_share"] = forms.IntegerField(
                label=_("cost share (%)"), min_value=0, max_value=100, required=False
            )

    def partner_rows(self):
        return [
            [self[f"partner_{n}_{part}"] for part in ("type", "country", "sme", "share")]
            for n in range(1, PARTNER_ROWS + 1)
        ]

    def answers(self) -> dict:
        """Plain JSON answers (saved with the result)."""
        data = self.cleaned_data
        partners = []
        for n in range(1, PARTNER_ROWS + 1):
            if data.get(f"partner_{n}_type") and data.get(f"partner_{n}_country"):
                partners.append(
                    {
                        "org_type": data[f"partner_{n}_type"],
                        "country": data[f"partner_{n}_country"].upper(),
                        "is_sme": data[f"partner_{n}_sme"]
                        if data[f"partner_{n}_type"] in {"company", "startup"}
                        else False,
                        "cost_share": data.get(f"partner_{n}_share"),
                    }
                )
        return {
            "org_type": data["org_type"],
            "size_class": data.get("size_class") or "",
            "country": "BE" if data.get("region") != "abroad" else "",
            "region": data.get("region") or "",
            "stage": data.get("stage") or "",
            "budget": float(data["budget"]) if data.get("budget") is not None else None,
            "theme": data.get("theme") or "",
            "months_until_start": int(data["timing"]) if data.get("timing") else None,
            "own_cost_share": data.get("own_cost_share"),
            "partners": partners,
        }


class BurdenReportForm(forms.ModelForm):
    """An application's burden, for one of the reporter's own organisations."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None, label=_("Organisation")
    )
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.order_by("name"), label=_("Instrument")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations
        self.single = organisations[0] if len(organisations) == 1 else None
        if self.single is not None:
            self.fields["organisation"].initial = self.single.pk
            self.fields["organisation"].required = False

    def clean_organisation(self):
        return self.cleaned_data.get("organisation") or self.single

    class Meta:
        model = BurdenReport
        fields = [
            "instrument",
            "role",
            "applied_on",
            "hours_spent",
            "documents",
            "days_to_decision",
            "comment",
        ]
        widgets = {"applied_on": forms.DateInput(attrs={"type": "date"})}


class CsvUploadForm(forms.Form):
    table = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("instruments", _("Instruments")),
            ("modalities", _("Collaboration modalities")),
            ("rules", _("Eligibility rules")),
        ],
        initial="instruments",
        required=False,
    )

    def clean_table(self) -> str:
        return self.cleaned_data.get("table") or "instruments"

    file = forms.FileField(label=_("CSV file"))


def _rendered(messages) -> list[str]:
    return [m.render(gettext) for m in messages]


class InstrumentAdminForm(forms.ModelForm):
    """Curator edits are checked like the CSV import: known target groups, sound call windows."""

    class Meta:
        model = Instrument
        fields = "__all__"  # noqa: DJ007 - the admin edits every field of the catalogue

    def clean_target_groups(self):
        groups = self.cleaned_data.get("target_groups") or []
        unknown = [g for g in groups if g not in TargetGroup.values]
        if not isinstance(groups, list) or unknown:
            raise forms.ValidationError(
                _("Unknown target groups: %(values)s.") % {"values": ", ".join(map(str, unknown))}
            )
        return groups

    def clean_call_windows(self):
        windows = self.cleaned_data.get("call_windows") or []
        problems = _rendered(rules.windows_problems(windows))
        if problems:
            raise forms.ValidationError(problems)
        return windows


class EligibilityRuleAdminForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = "__all__"  # noqa: DJ007 - the admin inline edits every field of a rule

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("kind"):
            problems = _rendered(rules.params_problems(data["kind"], data.get("params") or {}))
            if problems:
                self.add_error("params", problems)
        return data
