from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

ICS = Path(__file__).parent / "ics"


@pytest.fixture
def freeze(monkeypatch) -> Callable[[datetime], None]:
    """Sets the clock (django.utils.timezone.now, and so localdate) to an aware instant."""

    def set_clock(at: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at)

    return set_clock


@pytest.fixture
def ics_file() -> Callable[[str], bytes]:
    return lambda name: (ICS / name).read_bytes()
