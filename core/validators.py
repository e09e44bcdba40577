"""Numbers people type are written in the ASCII digits 0-9, nothing else.

Python's `\\d`, `str.isdigit()`, `int()` and `Decimal()` also accept other scripts' digits
("١٢٣", "１２３"). Such a value passes a form, is stored as typed, and the PBX then rejects the
organisation's whole document, so every later change of that organisation is stuck. Every
field where a number is entered uses the checks below; services call them too.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ids import parse_id

DIGITS = re.compile(r"[0-9]+", re.ASCII)
NOT_ASCII_DIGITS = _("Type numbers with the digits 0 to 9.")


def has_foreign_digits(text: str) -> bool:
    """True when text holds a digit that is not one of 0-9 (Arabic-Indic, full-width, superscript...)."""
    return any(char.isdigit() and not ("0" <= char <= "9") for char in text)


def validate_ascii_digits(value: Any) -> None:
    """Refuses a typed number written with other digits than 0-9."""
    if isinstance(value, str) and has_foreign_digits(value):
        raise ValidationError(NOT_ASCII_DIGITS, code="digits")


def is_digits(text: str, *, min_length: int = 1, max_length: int | None = None) -> bool:
    """text is only ASCII digits, between min_length and max_length of them."""
    return DIGITS.fullmatch(text) is not None and min_length <= len(text) <= (max_length or len(text))


class AsciiDigitsMixin:
    """A form field that refuses other digits than 0-9 before parsing the value."""

    def to_python(self, value: Any) -> Any:
        validate_ascii_digits(value)
        return super().to_python(value)  # type: ignore[misc]


class IntegerField(AsciiDigitsMixin, forms.IntegerField):
    pass


class DecimalField(AsciiDigitsMixin, forms.DecimalField):
    pass


class TimeField(AsciiDigitsMixin, forms.TimeField):
    pass


class DateField(AsciiDigitsMixin, forms.DateField):
    pass


class ModelChoiceField(forms.ModelChoiceField):
    """Checks a posted id before the lookup: a 30-digit or "١٢" id is not a choice, not a server error."""

    def to_python(self, value: Any) -> Any:
        posted_id = isinstance(value, str | int) and value not in self.empty_values and not self.to_field_name
        if posted_id and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
