from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use this token, e.g. 'CRM sync'."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
