from django import forms
from django.utils.translation import gettext_lazy as _

from loket.matching.models import FeedbackVerdict
from loket.organisations.models import OrganisationType, Region, SizeClass


class MatchForm(forms.Form):
    q = forms.CharField(
        label=_("Describe your need, challenge or project idea (Dutch, English or French)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=OrganisationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sizes = forms.MultipleChoiceField(
        label=_("Size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.RegexField(
        label=_("Countries (two-letter codes, comma-separated)"),
        regex=r"^\s*([A-Za-z]{2}\s*(,\s*[A-Za-z]{2}\s*)*)?$",
        max_length=200,
        required=False,
    )
    complementary = forms.BooleanField(
        label=_("Complementary to us (competitors last)"), required=False
    )
    consortium = forms.BooleanField(
        label=_("Suggest a balanced consortium (research partner, company, user)"),
        required=False,
    )

    def country_set(self) -> set[str]:
        raw = self.cleaned_data.get("countries") or ""
        return {part.strip().upper() for part in raw.split(",") if part.strip()}


class FeedbackForm(forms.Form):
    need = forms.CharField(max_length=2000)
    organisation = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    verdict = forms.ChoiceField(choices=FeedbackVerdict.choices)
    rank = forms.IntegerField(min_value=1, max_value=999, required=False)
