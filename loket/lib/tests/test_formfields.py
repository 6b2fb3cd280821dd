import pytest
from django import forms

from loket.lib.formfields import form_field


class _Form(forms.Form):
    kind = forms.TypedChoiceField(coerce=int, required=False)
    name = forms.CharField(required=False)


def test_form_field_returns_the_forms_own_copy():
    form = _Form()
    field = form_field(form, "kind", forms.ChoiceField)
    field.choices = [(1, "one")]
    assert form.fields["kind"].choices == [(1, "one")]
    assert _Form.base_fields["kind"].choices == []


def test_form_field_refuses_a_field_of_another_kind():
    with pytest.raises(TypeError, match="name is a CharField"):
        form_field(_Form(), "name", forms.ChoiceField)
