"""CSV export of the Telefooncentrale's IVR menus with their keys (issue 15): one row per key.

A menu without keys has one row with the key columns empty. Export only: a menu's greetings
are files and its keys are checked as a whole keypad, which a spreadsheet does not show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from core.transfer import Column, Importer, show_choice
from pbx.models import IvrPart, KeyMode
from pbx.services import ivr as services
from pbx.transfer.common import show_destination, show_number, stored_destination

COLUMNS = (
    Column("name", gettext_lazy("Name")),
    Column("extension", gettext_lazy("Extension")),
    Column("phone_number", gettext_lazy("External number"), show=show_number),
    Column("time_schedule", gettext_lazy("Business hours")),
    Column("holiday_schedule", gettext_lazy("Holiday schedule")),
    Column("part", gettext_lazy("Menu part"), show=show_choice(IvrPart)),
    Column("key", gettext_lazy("Key")),
    Column("mode", gettext_lazy("Action"), show=show_choice(KeyMode)),
    Column("destination", gettext_lazy("Destination"), show=show_destination),
)


class IvrExporter(Importer):
    columns = COLUMNS
    key = "extension"
    summary = gettext_noop("CSV import of IVR menus")

    def export_rows(self) -> Iterable[dict[str, Any]]:
        menus = services.with_keys(services.ivr_menus(organisation=self.organisation)).order_by(
            "entry__name", "pk"
        )
        for menu in menus:
            base = {
                "name": menu.entry.name,
                "extension": menu.entry.extension or "",
                "phone_number": menu.entry.phone_number.number if menu.entry.phone_number else "",
                "time_schedule": menu.time_schedule.name,
                "holiday_schedule": menu.holiday_schedule.name if menu.holiday_schedule else "",
            }
            keys = sorted(menu.keys.all(), key=lambda k: (k.part != IvrPart.BUSINESS, k.key))
            if not keys:
                yield {**base, "part": "", "key": "", "mode": "", "destination": None}
            for key in keys:
                yield {
                    **base,
                    "part": key.part,
                    "key": key.key,
                    "mode": key.mode,
                    "destination": stored_destination(key, "destination"),
                }
