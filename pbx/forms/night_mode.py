from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core import validators
from core.versioning import VersionedFormMixin
from pbx.models import NightModeSetting
from pbx.services.night_mode import parse_destination
from schedules.models import HolidaySchedule, TimeSchedule


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
        # Parsing only; the rules (and the rule that automatic needs a time schedule) are the
        # service's, whose ValidationError the view shows on the field it names.
        return parse_destination(self.cleaned_data["destination"])
