"""The only code that talks to the Business Voicemail recording studio.

This is a simulated studio: an order is "recorded" STUDIO_TURNAROUND_SECONDS after it was
received (days in production, a minute in the demo). The reference carries the moment of
receipt, so the simulation needs no storage. A real studio replaces this module only; the
rest of the portal uses ``submit`` and ``is_ready``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger(__name__)

PREFIX = "SIM"


class StudioError(Exception):
    """The studio could not take the order now; the caller retries later."""


@dataclass(frozen=True)
class StudioOrder:
    """What the studio needs to record one voicemail."""

    request_id: int
    version: int
    number: str
    language: str
    voice: str
    text: str


def turnaround_seconds() -> int:
    return int(settings.STUDIO_TURNAROUND_SECONDS)


def submit(order: StudioOrder) -> str:
    """Hands an order to the studio and returns the studio's reference for it."""
    received = int(time.time())
    reference = f"{PREFIX}-{order.request_id}-{order.version}-{received}"
    log.info("Studio received %s for %s (%s, %s)", reference, order.number, order.language, order.voice)
    return reference


def is_ready(reference: str) -> bool:
    """True once the studio has recorded the voicemail of this reference."""
    try:
        prefix, _request_id, _version, received = reference.split("-")
        received_at = int(received)
    except ValueError:
        return False
    if prefix != PREFIX:
        return False
    return time.time() >= received_at + turnaround_seconds()
