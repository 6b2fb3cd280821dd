"""Typed access to a form's own field copies: Form.fields holds plain Fields to the type checker."""

from typing import TypeVar

from django import forms

FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """The bound form's copy of field `name`, checked to be a `kind` (e.g. forms.ChoiceField), so
    its choices or queryset can be set per request."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}"
        )
    return field
