"""Night mode and sync state in plain words, as the pages show them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from schedules.presentation import moment

from .domain.nightmode import NightModeReason, NightModeState
from .models import NightMode


def night_mode_sentence(night: NightMode, state: NightModeState, now: datetime | None = None) -> str:
    """E.g. "Nachtschakeling is nu actief (automatisch, buiten openingstijden) sinds vrijdag 17:30,
    tot maandag 08:30"."""
    now = now or timezone.now()
    tz = night.organisation.time_zone
    reason = state.reason
    if reason == NightModeReason.OFF:
        return _("Night mode is off: calls are handled as usual, day and night.")
    if reason == NightModeReason.ON:
        return _("Night mode is on: every call goes to the night destination until you switch it off.")
    if reason in (NightModeReason.OVERRIDE_ON, NightModeReason.OVERRIDE_OFF):
        text = (
            _("Switched on by hand") if reason == NightModeReason.OVERRIDE_ON else _("Switched off by hand")
        )
        if state.until:
            return _("%(text)s until %(until)s; then the schedule applies again.") % {
                "text": text,
                "until": moment(state.until, now, tz),
            }
        return _("%(text)s until you end it (the schedule never changes).") % {"text": text}
    why = {
        NightModeReason.CLOSED: _("automatic, outside opening hours"),
        NightModeReason.HOLIDAY: _("automatic, holiday"),
        NightModeReason.OPEN: _("automatic, within opening hours"),
    }[reason]
    head = (
        _("Night mode is active now (%(why)s)")
        if state.active
        else _("Night mode is not active now (%(why)s)")
    )
    parts = [head % {"why": why}]
    if state.since:
        parts.append(_("since %(when)s") % {"when": moment(state.since, now, tz)})
    if state.until:
        parts.append(_("until %(when)s") % {"when": moment(state.until, now, tz)})
    return " ".join(parts[:2]) + (", " + parts[2] if len(parts) > 2 else "")
