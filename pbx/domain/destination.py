"""Where a call can be sent (a "bestemming"): one representation for every feature.

A destination is an object of the directory (a user, a hunt group, an IVR menu: referred to by
its document key, never by copied digits), the company voicemail (999), an external number
(E.164), or nothing. Pure: the portal renders it into the PBX document, the simulator and the
call-flow engine read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class DestinationKind(StrEnum):
    NONE = "none"
    ENTRY = "entry"  # a user, hunt group or IVR menu of the directory
    VOICEMAIL = "voicemail"  # the company voicemail, extension 999
    EXTERNAL = "external"  # a phone number outside the PBX, E.164


class EntryKind(StrEnum):
    USER = "user"
    HUNT_GROUP = "hunt_group"
    IVR_MENU = "ivr_menu"


KEY_PREFIX = {EntryKind.USER: "u", EntryKind.HUNT_GROUP: "g", EntryKind.IVR_MENU: "m"}


def entry_key(kind: EntryKind | str, pk: int) -> str:
    """The document key of a directory entry: "u12" (user), "g3" (hunt group), "m2" (IVR menu)."""
    return f"{KEY_PREFIX[EntryKind(kind)]}{pk}"


def kind_of_key(key: str) -> EntryKind | None:
    for kind, prefix in KEY_PREFIX.items():
        if key.startswith(prefix) and key[len(prefix) :].isascii() and key[len(prefix) :].isdigit():
            return kind
    return None


@dataclass(frozen=True)
class Destination:
    kind: DestinationKind
    entry_kind: EntryKind | None = None
    entry_id: int | None = None
    number: str = ""

    @property
    def is_set(self) -> bool:
        return self.kind != DestinationKind.NONE

    def to_document(self) -> dict[str, Any] | None:
        """The destination as the PBX document writes it (docs/pbx-config.md, "Destinations")."""
        if self.kind == DestinationKind.NONE:
            return None
        if self.kind == DestinationKind.VOICEMAIL:
            return {"type": "voicemail"}
        if self.kind == DestinationKind.EXTERNAL:
            return {"type": "external", "number": self.number}
        assert self.entry_kind is not None and self.entry_id is not None
        return {"type": self.entry_kind.value, "key": entry_key(self.entry_kind, self.entry_id)}


NOWHERE = Destination(DestinationKind.NONE)
VOICEMAIL = Destination(DestinationKind.VOICEMAIL)
