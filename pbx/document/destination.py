"""How the PBX document writes a destination (docs/pbx-config.md, "Destinations"): one function for all.

A destination stored as a triplet of columns (pbx/models/destination.py) is rendered through the
pure Destination.to_document(): `{"type": "voicemail"}`, `{"type": "external", "number": "+31..."}`,
`{"type": "user" | "hunt_group" | "ivr_menu", "key": "u12"}`, or None.
The company night mode's destination is a triplet too (`destination_*`), so renumbering a user
changes nothing for night mode and deleting a user night mode points at is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from pbx.domain.destination import Destination, DestinationKind, EntryKind
from pbx.models import DirectoryEntry, get_destination

# The directory as the renderer knows it: entry id -> kind ("user", "hunt_group", "ivr_menu").
EntryKinds = Mapping[int, str]


def entry_kinds(organisation_id: int) -> dict[int, str]:
    """Every directory entry's kind by id, in one query: destinations render without a query each."""
    return dict(DirectoryEntry.objects.filter(organisation_id=organisation_id).values_list("pk", "kind"))


def render_destination(
    obj: models.Model | Mapping[str, Any], prefix: str = "destination", kinds: EntryKinds | None = None
) -> dict[str, Any] | None:
    """The destination `<prefix>_kind/_entry/_number` of obj as the document writes it.

    obj is a model instance, or a row of .values() with `<prefix>_kind`, `<prefix>_entry_id` and
    `<prefix>_number` (rendering thousands of users without building model instances); kinds
    (entry_kinds()) saves the query per destination that reading `<prefix>_entry` costs.
    """
    if isinstance(obj, Mapping):
        kind = obj[f"{prefix}_kind"]
        entry_id, number = obj[f"{prefix}_entry_id"], obj[f"{prefix}_number"]
    elif kinds is None:
        return get_destination(obj, prefix).to_document()
    else:
        kind = getattr(obj, f"{prefix}_kind")
        entry_id, number = getattr(obj, f"{prefix}_entry_id"), getattr(obj, f"{prefix}_number")
    if kind == DestinationKind.NONE:  # Most destinations of most users: nowhere.
        return None
    kind = DestinationKind(kind)
    if kind == DestinationKind.ENTRY:
        if kinds is None:
            entry_kind = DirectoryEntry.objects.values_list("kind", flat=True).get(pk=entry_id)
        else:
            entry_kind = kinds[entry_id]
        return Destination(kind, entry_kind=EntryKind(entry_kind), entry_id=entry_id).to_document()
    return Destination(kind, number=number).to_document()
