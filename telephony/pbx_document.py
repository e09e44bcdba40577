"""The "barring" section of the PBX document (docs/pbx-config.md)."""

from __future__ import annotations

from accounts.models import Organisation

from .models import CallBarring


def render_barring(organisation: Organisation) -> dict[str, bool]:
    barring = CallBarring.objects.filter(organisation=organisation).first()
    return (barring or CallBarring()).as_dict()
