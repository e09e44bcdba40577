"""The "users" section of the PBX document (docs/pbx-config.md, "users").

Two queries whatever the number of users: the users with their directory entry's extension,
external number and greeting, and the kind of every directory entry (for the destinations that
point at one). Rows rather than model instances: the document of 2,000 users renders in well
under the 200 ms the sync allows itself (bench/sync.py). Ordered by key (the directory entry's
id), so the same data gives the same document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import Organisation
from pbx.domain.destination import entry_key
from pbx.models import AfterGreeting, EntryKind, PbxUser

from .destination import EntryKinds, entry_kinds, render_destination

DESTINATION_COLUMNS = [
    f"{prefix}_{part}" for prefix in PbxUser.DESTINATIONS for part in ("kind", "entry_id", "number")
]
COLUMNS = [
    "entry_id",
    "entry__extension",
    "entry__phone_number__number",
    "first_name",
    "last_name",
    "app_username",
    "app_secret",
    "voicemail_enabled",
    "voicemail_email",
    "voicemail_copy_email",
    "voicemail_direct",
    "voicemail_on_busy",
    "voicemail_on_no_answer",
    "greeting__sha256",
    "no_messages",
    "after_greeting",
    "forward_no_answer_seconds",
    "night_mode",
    *DESTINATION_COLUMNS,
]


def render_users(organisation: Organisation) -> list[dict[str, Any]]:
    rows = list(PbxUser.objects.filter(organisation=organisation).order_by("entry_id").values(*COLUMNS))
    kinds = entry_kinds(organisation.pk) if rows else {}
    return [render_user(row, kinds) for row in rows]


def render_user(row: Mapping[str, Any], kinds: EntryKinds) -> dict[str, Any]:
    """One user from its row (COLUMNS)."""
    greeting = row["greeting__sha256"]
    forward_after_greeting = row["after_greeting"] == AfterGreeting.FORWARD
    return {
        "key": entry_key(EntryKind.USER, row["entry_id"]),
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "extension": row["entry__extension"],
        "external_number": row["entry__phone_number__number"],
        # The PBX gets the derived secret only, never the password (R5.3).
        "app_login": (
            {"username": row["app_username"], "secret": row["app_secret"]} if row["app_secret"] else None
        ),
        "voicemail": {
            "enabled": row["voicemail_enabled"],
            "email": row["voicemail_email"] or None,
            "copy_email": row["voicemail_copy_email"] or None,
            "direct": row["voicemail_direct"],
            "on_busy": row["voicemail_on_busy"],
            "on_no_answer": row["voicemail_on_no_answer"],
        },
        "greeting": {"audio": greeting} if greeting else None,
        "no_messages": row["no_messages"],
        "after_greeting": {
            "action": row["after_greeting"],
            "destination": (
                render_destination(row, "after_greeting", kinds) if forward_after_greeting else None
            ),
        },
        "forwarding": {
            "always": render_destination(row, "forward_always", kinds),
            "busy": render_destination(row, "forward_busy", kinds),
            "no_answer": render_destination(row, "forward_no_answer", kinds),
            "no_answer_seconds": row["forward_no_answer_seconds"],
            "unreachable": render_destination(row, "forward_unreachable", kinds),
        },
        "night_mode": row["night_mode"],
    }
