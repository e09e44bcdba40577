"""Documents for the call-flow tests: a small organisation in the PBX document format (docs/pbx-config.md)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

BASE_USER: dict[str, Any] = {
    "key": "u0",
    "first_name": "Naam",
    "last_name": "Test",
    "extension": "200",
    "external_number": None,
    "app_login": None,
    "voicemail": {
        "enabled": False,
        "email": None,
        "copy_email": None,
        "direct": False,
        "on_busy": True,
        "on_no_answer": True,
    },
    "greeting": None,
    "no_messages": False,
    "after_greeting": {"action": "hang_up", "destination": None},
    "forwarding": {
        "always": None,
        "busy": None,
        "no_answer": None,
        "no_answer_seconds": 20,
        "unreachable": None,
    },
    "night_mode": "follow",
}

VALID_CONFIG: dict[str, Any] = {
    "schema_version": 3,
    "organisation": {"id": 7, "name": "Bakkerij De Korenschoof", "time_zone": "Europe/Amsterdam"},
    "barring": {
        "international": False,
        "mobile": False,
        "premium_0900": True,
        "erotic_0906": True,
        "entertainment_0909": True,
    },
    "night_mode": {
        "setting": "auto",
        "time_schedule": "kantoortijden",
        "holiday_schedule": "feestdagen",
        "override": None,
        "destination": {"type": "voicemail"},
    },
    "schedules": {
        "time": [
            {
                "key": "kantoortijden",
                "name": "Kantoortijden",
                "ranges": [{"day": day, "from": "08:30", "to": "17:30"} for day in range(5)],
            },
        ],
        "holiday": [
            {
                "key": "feestdagen",
                "name": "Feestdagen",
                "entries": [{"name": "Koningsdag", "start": "2025-04-26", "end": "2025-04-26"}],
            }
        ],
    },
    "users": [],
}

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2025, 6, 16, 10, 0, tzinfo=AMS)
MONDAY_18 = datetime(2025, 6, 16, 18, 0, tzinfo=AMS)
SUNDAY_03 = datetime(2025, 6, 15, 3, 0, tzinfo=AMS)
KONINGSDAG = datetime(2025, 4, 26, 11, 0, tzinfo=AMS)  # a Saturday, and in the holiday schedule


def _user(key: str, extension: str, first: str, **changes: Any) -> dict[str, Any]:
    user = copy.deepcopy(BASE_USER)
    user.update(key=key, extension=extension, first_name=first, last_name="Test", night_mode="follow")
    for name, value in changes.items():
        if name in ("forwarding", "voicemail"):
            user[name] = {**user[name], **value}
        else:
            user[name] = value
    return user


def _part(
    keys: dict[str, dict[str, Any]] | None = None, reception: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "greeting": {"audio": "a" * 64},
        "keys": [{"key": k, "announce": k == "1", "destination": d} for k, d in (keys or {}).items()],
        "reception": reception,
    }


def user_dest(key: str) -> dict[str, Any]:
    return {"type": "user", "key": key}


VOICEMAIL = {"type": "voicemail"}


def document(**changes: Any) -> dict[str, Any]:
    """Jan (201), Piet (202), Kees (203); hunt group Verkoop (310) Jan, Piet, Kees; menu Hoofdmenu (300,
    +31201234500): 1 Jan, 2 Verkoop, 9 itself, reception Piet; after hours the company voicemail. Company
    night mode automatic on Kantoortijden (weekdays 08:30–17:30) and the holidays, to the voicemail."""
    doc = copy.deepcopy(VALID_CONFIG)
    doc["night_mode"]["destination"] = VOICEMAIL
    doc["users"] = [
        _user("u1", "201", "Jan", external_number="+31201234567"),
        _user("u2", "202", "Piet"),
        _user("u3", "203", "Kees"),
    ]
    doc["hunt_groups"] = [
        {
            "key": "g1",
            "name": "Verkoop",
            "first_name": None,
            "last_name": None,
            "extension": "310",
            "external_number": None,
            "distribution": "fixed_order",
            "rings": 4,
            "move_on": True,
            "members": ["u1", "u2", "u3"],
            "overflow": {"after_seconds": 60, "destination": VOICEMAIL},
            "night_mode": "follow",
        }
    ]
    doc["ivr_menus"] = [
        {
            "key": "m1",
            "name": "Hoofdmenu",
            "first_name": None,
            "last_name": None,
            "extension": "300",
            "external_number": "+31201234500",
            "time_schedule": "kantoortijden",
            "holiday_schedule": "feestdagen",
            "business_hours": _part(
                {
                    "1": user_dest("u1"),
                    "2": {"type": "hunt_group", "key": "g1"},
                    "9": {"type": "ivr_menu", "key": "m1"},
                },
                reception=user_dest("u2"),
            ),
            "after_hours": {"action": "destination", "menu": None, "destination": VOICEMAIL},
            "reception_seconds": 10,
            "night_mode": "off",
            "night_destination": None,
        }
    ]
    for path, value in changes.items():
        doc[path] = value
    return doc
