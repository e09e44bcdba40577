"""What the Telefooncentrale's edit pages (users, hunt groups, IVR menus) share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.versioning import StaleEdit
from pbx.forms.destination import DestinationValue


def show_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the fields it names; the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def refuse_stale_with_destinations(form: Any, exc: StaleEdit, stored: dict[str, Any]) -> None:
    """A stale save: the stored values next to what was typed, destinations by their label."""
    extra = []
    for name, value in list(stored.items()):
        if isinstance(value, DestinationValue):
            stored.pop(name)
            field = form.fields.get(name)
            if field is not None and value != form.cleaned_data.get(name):
                extra.append((str(field.label), value.label))
    form.refuse_stale(exc, stored=stored, extra=extra)
