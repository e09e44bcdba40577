"""The "users" section of the PBX document (docs/pbx-config.md, "users").

Two queries whatever the number of users: the users with their directory entry, external number
and greeting, and the kind of every directory entry (for the destinations that point at one).
Ordered by key (the directory entry's id), so the same data gives the same document.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation
from pbx.models import AfterGreeting, PbxUser

from .destination import EntryKinds, entry_kinds, render_destination


def render_users(organisation: Organisation) -> list[dict[str, Any]]:
    users = list(
        PbxUser.objects.filter(organisation=organisation)
        .select_related("entry__phone_number", "greeting")
        .order_by("entry_id")
    )
    kinds = entry_kinds(organisation.pk) if users else {}
    return [render_user(user, kinds) for user in users]


def render_user(user: PbxUser, kinds: EntryKinds) -> dict[str, Any]:
    entry = user.entry
    after_greeting = user.after_greeting
    return {
        "key": entry.key,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "extension": entry.extension,
        "external_number": entry.phone_number.number if entry.phone_number is not None else None,
        # The PBX gets the derived secret only, never the password (R5.3).
        "app_login": (
            {"username": user.app_username, "secret": user.app_secret} if user.app_secret else None
        ),
        "voicemail": {
            "enabled": user.voicemail_enabled,
            "email": user.voicemail_email or None,
            "copy_email": user.voicemail_copy_email or None,
            "direct": user.voicemail_direct,
            "on_busy": user.voicemail_on_busy,
            "on_no_answer": user.voicemail_on_no_answer,
        },
        "greeting": {"audio": user.greeting.sha256} if user.greeting is not None else None,
        "no_messages": user.no_messages,
        "after_greeting": {
            "action": after_greeting,
            "destination": (
                render_destination(user, "after_greeting", kinds)
                if after_greeting == AfterGreeting.FORWARD
                else None
            ),
        },
        "forwarding": {
            "always": render_destination(user, "forward_always", kinds),
            "busy": render_destination(user, "forward_busy", kinds),
            "no_answer": render_destination(user, "forward_no_answer", kinds),
            "no_answer_seconds": user.forward_no_answer_seconds,
            "unreachable": render_destination(user, "forward_unreachable", kinds),
        },
        "night_mode": user.night_mode,
    }
