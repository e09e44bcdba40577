"""What a new organisation gets from the features at once, whoever creates it.

Features register a setup in their app's ready() (schedules: the built-in "Elke dag, de hele
dag", R4.4); accounts.services.organisation_create and the admin's "add organisation" run them
in the transaction that creates the organisation. Pages only read: nothing is created on a
page view, so two first visits cannot race.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import Organisation

Setup = Callable[["Organisation"], object]

_SETUPS: dict[str, Setup] = {}


def register_organisation_setup(name: str, setup: Setup) -> None:
    _SETUPS[name] = setup


def organisation_set_up(organisation: Organisation) -> None:
    """Runs every feature's setup for a new organisation; each one is idempotent."""
    for name in sorted(_SETUPS):
        _SETUPS[name](organisation)
