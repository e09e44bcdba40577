from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core import validators
from core.versioning import VersionedFormMixin
from pbx.forms.destination import DestinationField
from pbx.models import NightModeSetting
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
    destination = DestinationField(
        label=_("Forward calls to"),
        allow_none=False,
        help_text=_(
            "The company voicemail (999), a user, hunt group or IVR menu, or an external number such as 06 1234 5678."
        ),
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
        destination = self.fields["destination"]
        assert isinstance(destination, DestinationField)
        destination.set_choices(organisation)
