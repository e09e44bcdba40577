"""The "hunt_groups" section of the PBX document (docs/pbx-config.md, "hunt_groups").

Three queries whatever the number of groups and members: the groups with their entry's name,
extension and number, every member key in list order, and the directory's kinds (for the
overflow destinations). Ordered by key, members in the order of the group's list.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from accounts.models import Organisation
from pbx.domain.destination import entry_key
from pbx.models import EntryKind, HuntGroup, HuntGroupMember

from .destination import entry_kinds, render_destination

COLUMNS = [
    "pk",
    "entry_id",
    "entry__name",
    "entry__extension",
    "entry__phone_number__number",
    "first_name",
    "last_name",
    "distribution",
    "rings",
    "move_on",
    "overflow_seconds",
    "overflow_kind",
    "overflow_entry_id",
    "overflow_number",
    "night_mode",
]


def render_hunt_groups(organisation: Organisation) -> list[dict[str, Any]]:
    rows = list(HuntGroup.objects.filter(organisation=organisation).order_by("entry_id").values(*COLUMNS))
    if not rows:
        return []
    members: dict[int, list[str]] = defaultdict(list)
    for group_id, member_id in (
        HuntGroupMember.objects.filter(group__organisation=organisation)
        .order_by("group_id", "position", "pk")
        .values_list("group_id", "member_id")
    ):
        members[group_id].append(entry_key(EntryKind.USER, member_id))
    kinds = entry_kinds(organisation.pk)
    groups = []
    for row in rows:
        overflow = render_destination(row, "overflow", kinds)
        groups.append(
            {
                "key": entry_key(EntryKind.HUNT_GROUP, row["entry_id"]),
                "name": row["entry__name"],
                "first_name": row["first_name"] or None,
                "last_name": row["last_name"] or None,
                "extension": row["entry__extension"],
                "external_number": row["entry__phone_number__number"],
                "distribution": row["distribution"],
                "rings": row["rings"],
                "move_on": row["move_on"],
                "members": members.get(row["pk"], []),
                "overflow": (
                    {"after_seconds": row["overflow_seconds"], "destination": overflow}
                    if overflow is not None
                    else None
                ),
                "night_mode": row["night_mode"],
            }
        )
    return groups
