"""How the PBX document writes a destination (docs/pbx-config.md, "Destinations"): one function for all.

A destination stored as a triplet of columns (pbx/models/destination.py) is rendered through the
pure Destination.to_document(): `{"type": "voicemail"}`, `{"type": "external", "number": "+31..."}`,
`{"type": "user" | "hunt_group" | "ivr_menu", "key": "u12"}`, or None.

The company night mode still stores its destination as (type, value) with an extension in value;
it is rendered as the same destination object: 999 is the company voicemail, another extension
the directory entry that has it. An extension nobody has is rendered as
`{"type": "extension", "extension": "205"}`, which the PBX refuses with that reason, so the
status line tells the administrator instead of calls silently going nowhere. When NightMode gets
a destination triplet, its branch below goes and render_destination(night, "destination") stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from pbx.domain.destination import Destination, DestinationKind, EntryKind
from pbx.domain.numbering import COMPANY_VOICEMAIL
from pbx.models import DestinationType, DirectoryEntry, NightMode, get_destination

# The directory as the renderer knows it: entry id -> kind ("user", "hunt_group", "ivr_menu").
EntryKinds = Mapping[int, str]


def entry_kinds(organisation_id: int) -> dict[int, str]:
    """Every directory entry's kind by id, in one query: destinations render without a query each."""
    return dict(DirectoryEntry.objects.filter(organisation_id=organisation_id).values_list("pk", "kind"))


def render_destination(
    obj: models.Model, prefix: str = "destination", kinds: EntryKinds | None = None
) -> dict[str, Any] | None:
    """The destination `<prefix>_kind/_entry/_number` of obj as the document writes it.

    kinds (entry_kinds()) saves the query per destination that reading `<prefix>_entry` costs.
    """
    if isinstance(obj, NightMode):
        return _night_mode_destination(obj)
    kind = DestinationKind(getattr(obj, f"{prefix}_kind"))
    if kind == DestinationKind.ENTRY and kinds is not None:
        entry_id = getattr(obj, f"{prefix}_entry_id")
        destination = Destination(kind, entry_kind=EntryKind(kinds[entry_id]), entry_id=entry_id)
    else:
        destination = get_destination(obj, prefix)
    return destination.to_document()


def _night_mode_destination(night: NightMode) -> dict[str, Any]:
    value = night.destination_value
    if night.destination_type == DestinationType.EXTERNAL:
        return {"type": DestinationKind.EXTERNAL.value, "number": value}
    if value == COMPANY_VOICEMAIL:
        return {"type": DestinationKind.VOICEMAIL.value}
    entry = (
        DirectoryEntry.objects.filter(organisation_id=night.organisation_id, extension=value)
        .only("pk", "kind")
        .first()
    )
    if entry is None:
        return {"type": "extension", "extension": value}
    return {"type": entry.kind, "key": entry.key}
