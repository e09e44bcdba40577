"""The whole PBX configuration of one organisation as one JSON document (docs/pbx-config.md).

Deterministic: the same data gives the same document, key order and list order included.
Each feature registers its own section (core.document); this module only puts them together.
"""

from __future__ import annotations

from typing import Any

from django_scopes import scope

from accounts.models import Organisation
from core.document import sections

SCHEMA_VERSION = 3


def render(organisation: Organisation) -> dict[str, Any]:
    # Rendering works for one organisation, inside its scope like a request (DESIGN.md).
    with scope(organisation=organisation):
        document: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "time_zone": organisation.time_zone,
            },
        }
        for section in sections():
            document[section.name] = section.render(organisation)
    return document


def audio_references(document: Any) -> set[str]:
    """The sha256 of every audio file the document refers to (`{"audio": "<sha256>"}` anywhere in it):
    the push uploads those the PBX lacks before the document (docs/pbx-config.md, "Audio")."""
    found: set[str] = set()
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            audio = value.get("audio")
            if isinstance(audio, str):
                found.add(audio)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return found
