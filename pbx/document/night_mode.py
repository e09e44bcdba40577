"""The "night_mode" section of the PBX document (docs/pbx-config.md)."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation
from core.document import schedule_key
from pbx.models import NightMode, NightModeSetting

from .destination import render_destination


def render_night_mode(organisation: Organisation) -> dict[str, Any]:
    night = NightMode.objects.filter(organisation=organisation).select_related("destination_entry").first()
    if night is None:
        return {
            "setting": NightModeSetting.OFF.value,
            "time_schedule": None,
            "holiday_schedule": None,
            "override": None,
            "destination": {"type": "voicemail"},
        }
    override = None
    if night.setting == NightModeSetting.AUTO and night.override_active is not None:
        until = night.override_until.isoformat() if night.override_until else None
        override = {"active": bool(night.override_active), "until": until}
    return {
        "setting": night.setting,
        "time_schedule": schedule_key("time", night.time_schedule_id) if night.time_schedule_id else None,
        "holiday_schedule": (
            schedule_key("holiday", night.holiday_schedule_id) if night.holiday_schedule_id else None
        ),
        "override": override,
        "destination": render_destination(night, "destination"),
    }
