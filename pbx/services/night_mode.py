"""Writes on the company night mode (R3), each one announced to the PBX sync."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, User
from core.changes import recorded
from core.revision import config_changed
from core.versioning import claim_version
from pbx.domain import nightmode
from pbx.domain.destination import DestinationKind
from pbx.models import DirectoryEntry, NightMode, NightModeSetting
from pbx.services.directory import destination_clean
from schedules.models import HolidaySchedule, TimeSchedule


def night_mode_get(*, organisation: Organisation) -> NightMode:
    night = (
        NightMode.objects.filter(organisation=organisation)
        .select_related("time_schedule", "holiday_schedule", "destination_entry__phone_number")
        .first()
    )
    return night or NightMode(organisation=organisation)


@recorded(gettext_noop("Night mode changed"))
@transaction.atomic
def night_mode_update(
    *,
    organisation: Organisation,
    by: User | None,
    setting: str,
    time_schedule: TimeSchedule | None,
    holiday_schedule: HolidaySchedule | None,
    destination_kind: str = DestinationKind.VOICEMAIL.value,
    destination_entry: DirectoryEntry | int | None = None,
    destination_number: str = "",
    expected_version: int | None = None,
) -> NightMode:
    """Saves the night mode. The destination is checked like every destination (it must exist in
    this organisation's directory, or be the company voicemail or a valid external number)."""
    if setting == NightModeSetting.AUTO and time_schedule is None:
        raise ValidationError({"time_schedule": _("Choose a time schedule for automatic night mode.")})
    if destination_kind == DestinationKind.NONE:
        raise ValidationError({"destination": _("Choose where calls go in night mode.")})
    try:
        destination = destination_clean(
            organisation=organisation,
            kind=destination_kind,
            entry=destination_entry,
            number=destination_number,
        )
    except ValidationError as exc:
        raise ValidationError({"destination": exc.messages}) from None
    for schedule in (time_schedule, holiday_schedule):
        if schedule is not None and schedule.organisation_id != organisation.pk:
            raise ValidationError(_("Choose one of your own schedules."))
    night = night_mode_get(organisation=organisation)
    if night.pk:
        night = NightMode.objects.select_for_update().get(pk=night.pk)
    claim_version(night, expected_version=expected_version)
    schedule_changed = (night.time_schedule_id, night.holiday_schedule_id) != (
        time_schedule.pk if time_schedule else None,
        holiday_schedule.pk if holiday_schedule else None,
    )
    night.setting = setting
    night.time_schedule = time_schedule
    night.holiday_schedule = holiday_schedule
    night.destination_kind, night.destination_entry, night.destination_number = destination
    if setting != NightModeSetting.AUTO or schedule_changed:
        # An override belongs to the schedule it was made against.
        night.override_active = None
        night.override_until = None
    night.full_clean()
    night.save()
    config_changed(organisation=organisation)
    return night


def _schedule_data(night: NightMode) -> tuple[tuple, tuple]:
    ranges = night.time_schedule.engine_ranges() if night.time_schedule else ()
    holidays = night.holiday_schedule.engine_periods() if night.holiday_schedule else ()
    return ranges, holidays


def night_mode_state(night: NightMode, at: datetime | None = None) -> nightmode.NightModeState:
    ranges, holidays = _schedule_data(night)
    override = None
    if night.override_active is not None:
        override = nightmode.Override(active=bool(night.override_active), until=night.override_until)
    if night.setting == NightModeSetting.AUTO and night.time_schedule is None:
        return nightmode.evaluate(
            NightModeSetting.OFF, (), (), night.organisation.time_zone, at or timezone.now()
        )
    return nightmode.evaluate(
        night.setting, ranges, holidays, night.organisation.time_zone, at or timezone.now(), override
    )


@recorded(gettext_noop("Night mode switched by hand"))
@transaction.atomic
def night_mode_override(*, organisation: Organisation, by: User | None, active: bool | None) -> NightMode:
    """Switches night mode on or off against the schedule until its next change; None ends it."""
    night = night_mode_get(organisation=organisation)
    if not night.pk or night.setting != NightModeSetting.AUTO:
        raise ValidationError(_("A manual switch is only possible while night mode is automatic."))
    night = (
        NightMode.objects.select_for_update(of=("self",))
        .select_related("time_schedule", "holiday_schedule")
        .get(pk=night.pk)
    )
    if active is None:
        night.override_active = None
        night.override_until = None
    else:
        ranges, holidays = _schedule_data(night)
        night.override_active = active
        night.override_until = nightmode.override_until(
            ranges, holidays, organisation.time_zone, timezone.now()
        )
    claim_version(night, expected_version=None)
    night.save()
    config_changed(organisation=organisation)
    return night
