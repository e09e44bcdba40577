"""The "ivr_menus" section of the PBX document (docs/pbx-config.md, "IVR menus").

Three queries whatever the number of menus and keys: the menus with their entry's name,
extension, external number and greetings, all keys, and the kind of every directory entry
(for the destinations that point at one). Rows rather than model instances, ordered by key
(the directory entry's id) and keys in keypad order, so the same data gives the same document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from accounts.models import Organisation
from core.document import schedule_key
from pbx.domain.destination import entry_key
from pbx.domain.ivr import KEYPAD
from pbx.models import AfterHours, EntryKind, IvrKey, IvrMenu, IvrPart, KeyMode

from .destination import EntryKinds, entry_kinds, render_destination

DESTINATION_COLUMNS = [
    f"{prefix}_{part}" for prefix in IvrMenu.DESTINATIONS for part in ("kind", "entry_id", "number")
]
COLUMNS = [
    "pk",
    "entry_id",
    "entry__name",
    "entry__extension",
    "entry__phone_number__number",
    "first_name",
    "last_name",
    "time_schedule_id",
    "holiday_schedule_id",
    "business_greeting__sha256",
    "after_greeting__sha256",
    "after_hours",
    "reception_seconds",
    "night_mode",
    *DESTINATION_COLUMNS,
]
KEY_COLUMNS = [
    "menu_id",
    "part",
    "key",
    "mode",
    "destination_kind",
    "destination_entry_id",
    "destination_number",
]
ORDER = {key: index for index, key in enumerate(KEYPAD)}


def render_ivr_menus(organisation: Organisation) -> list[dict[str, Any]]:
    rows = list(IvrMenu.objects.filter(organisation=organisation).order_by("entry_id").values(*COLUMNS))
    if not rows:
        return []
    keys: dict[tuple[int, str], list[Mapping[str, Any]]] = defaultdict(list)
    for key in IvrKey.objects.filter(menu__organisation=organisation).values(*KEY_COLUMNS):
        keys[(key["menu_id"], key["part"])].append(key)
    kinds = entry_kinds(organisation.pk)
    return [render_ivr_menu(row, keys, kinds) for row in rows]


def _part(
    row: Mapping[str, Any],
    part: str,
    keys: Mapping[tuple[int, str], list[Mapping[str, Any]]],
    kinds: EntryKinds,
) -> dict[str, Any]:
    greeting = row[f"{part}_greeting__sha256"]
    pressed = sorted(keys.get((row["pk"], part), []), key=lambda k: ORDER[k["key"]])
    return {
        "greeting": {"audio": greeting} if greeting else None,
        "keys": [
            {
                "key": key["key"],
                "announce": key["mode"] == KeyMode.ANNOUNCE,
                "destination": render_destination(key, "destination", kinds),
            }
            for key in pressed
        ],
        "reception": render_destination(row, f"{part}_reception", kinds),
    }


def render_ivr_menu(
    row: Mapping[str, Any], keys: Mapping[tuple[int, str], list[Mapping[str, Any]]], kinds: EntryKinds
) -> dict[str, Any]:
    """One menu from its row (COLUMNS) and the keys of all menus by (menu id, part)."""
    after_menu = row["after_hours"] == AfterHours.MENU
    holiday = row["holiday_schedule_id"]
    return {
        "key": entry_key(EntryKind.IVR_MENU, row["entry_id"]),
        "name": row["entry__name"],
        "first_name": row["first_name"] or None,
        "last_name": row["last_name"] or None,
        "extension": row["entry__extension"],
        "external_number": row["entry__phone_number__number"],
        "time_schedule": schedule_key("time", row["time_schedule_id"]),
        "holiday_schedule": schedule_key("holiday", holiday) if holiday else None,
        "business_hours": _part(row, IvrPart.BUSINESS, keys, kinds),
        "after_hours": {
            "action": row["after_hours"],
            "menu": _part(row, IvrPart.AFTER, keys, kinds) if after_menu else None,
            "destination": None if after_menu else render_destination(row, "after_destination", kinds),
        },
        "reception_seconds": row["reception_seconds"],
        "night_mode": row["night_mode"],
        "night_destination": render_destination(row, "night_destination", kinds),
    }
