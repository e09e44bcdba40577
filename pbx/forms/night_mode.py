from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, normalise_phone_number
from core import validators
from core.validators import validate_ascii_digits
from core.versioning import VersionedFormMixin
from pbx.models import DestinationType, NightModeSetting
from schedules.models import HolidaySchedule, TimeSchedule

EXTENSION = re.compile(r"[0-9]{2,4}", re.ASCII)


def parse_destination(value: str) -> tuple[str, str]:
    """An extension of 2-4 digits or a phone number typed any common way -> (type, value)."""
    value = (value or "").strip()
    validate_ascii_digits(value)
    compact = re.sub(r"[\s\-().]", "", value)
    if EXTENSION.fullmatch(compact):
        return DestinationType.EXTENSION, compact
    if not compact:
        raise ValidationError(
            _("Enter where calls go: an extension such as 999 or a number such as 06 1234 5678.")
        )
    try:
        return DestinationType.EXTERNAL, normalise_phone_number(value)
    except ValidationError:
        raise ValidationError(
            _(
                "Enter an extension of 2 to 4 digits (such as 999) or a valid phone number such as 020-1234567."
            )
        ) from None


class NightModeForm(VersionedFormMixin, forms.Form):
    setting = forms.ChoiceField(
        label=_("Night mode"), choices=NightModeSetting.choices, widget=forms.RadioSelect
    )
    time_schedule: forms.ModelChoiceField[TimeSchedule] = validators.ModelChoiceField(
        label=_("Time schedule (opening hours)"),
        queryset=TimeSchedule.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("Night mode is active outside these hours."),
    )
    holiday_schedule: forms.ModelChoiceField[HolidaySchedule] = validators.ModelChoiceField(
        label=_("Holiday schedule"),
        queryset=HolidaySchedule.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Night mode is also active on these days."),
    )
    destination = forms.CharField(
        label=_("Forward calls to"),
        max_length=30,
        error_messages={
            "required": _("Enter where calls go: an extension such as 999 or a number such as 06 1234 5678.")
        },
        help_text=_("An internal extension (the company voicemail is 999) or an external number."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_field = self.fields["time_schedule"]
        holiday_field = self.fields["holiday_schedule"]
        assert isinstance(time_field, forms.ModelChoiceField) and isinstance(
            holiday_field, forms.ModelChoiceField
        )
        time_field.queryset = TimeSchedule.objects.filter(organisation=organisation)
        holiday_field.queryset = HolidaySchedule.objects.filter(organisation=organisation)

    def clean_destination(self) -> tuple[str, str]:
        return parse_destination(self.cleaned_data["destination"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("setting") == NightModeSetting.AUTO and not data.get("time_schedule"):
            self.add_error("time_schedule", _("Choose a time schedule for automatic night mode."))
        return data
