"""Fixtures for the PBX simulator and client tests: an in-process simulator and a valid document."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pbx.simulator import RunningSimulator

PBX_TOKEN = "test-pbx-token"

# Two PBX users: Jan (201, an external number, app login, voicemail, forwards) and Piet (202, bare).
USERS: list[dict[str, Any]] = [
    {
        "key": "u1",
        "first_name": "Jan",
        "last_name": "de Vries",
        "extension": "201",
        "external_number": "+31201234567",
        "app_login": {"username": "jan.devries", "secret": "9f2c0a7e5b1d4c3a8e6f0b2d4a6c8e0f"},
        "voicemail": {
            "enabled": True,
            "email": "jan@bakkerij.example",
            "copy_email": None,
            "direct": False,
            "on_busy": True,
            "on_no_answer": True,
        },
        "greeting": None,
        "no_messages": False,
        "after_greeting": {"action": "hang_up", "destination": None},
        "forwarding": {
            "always": None,
            "busy": {"type": "voicemail"},
            "no_answer": {"type": "user", "key": "u2"},
            "no_answer_seconds": 20,
            "unreachable": {"type": "external", "number": "+31612345678"},
        },
        "night_mode": "follow",
    },
    {
        "key": "u2",
        "first_name": "Piet",
        "last_name": "Bakker",
        "extension": "202",
        "external_number": None,
        "app_login": None,
        "voicemail": {
            "enabled": False,
            "email": None,
            "copy_email": None,
            "direct": False,
            "on_busy": True,
            "on_no_answer": True,
        },
        "greeting": None,
        "no_messages": False,
        "after_greeting": {"action": "hang_up", "destination": None},
        "forwarding": {
            "always": None,
            "busy": None,
            "no_answer": None,
            "no_answer_seconds": 20,
            "unreachable": None,
        },
        "night_mode": "off",
    },
]

VALID_CONFIG: dict[str, Any] = {
    "schema_version": 3,
    "organisation": {"id": 7, "name": "Bakkerij De Korenschoof", "time_zone": "Europe/Amsterdam"},
    "barring": {
        "international": False,
        "mobile": False,
        "premium_0900": True,
        "erotic_0906": True,
        "entertainment_0909": True,
    },
    "night_mode": {
        "setting": "auto",
        "time_schedule": "kantoortijden",
        "holiday_schedule": "feestdagen",
        "override": None,
        "destination": {"type": "user", "key": "u1"},
    },
    "schedules": {
        "time": [
            {
                "key": "kantoortijden",
                "name": "Kantoortijden",
                "ranges": [{"day": day, "from": "08:30", "to": "17:30"} for day in range(5)],
            },
            {"key": "zaterdag", "name": "Zaterdag", "ranges": [{"day": 5, "from": "09:00", "to": "12:00"}]},
        ],
        "holiday": [
            {
                "key": "feestdagen",
                "name": "Feestdagen",
                "entries": [{"name": "Koningsdag", "start": "2025-04-26", "end": "2025-04-26"}],
            }
        ],
    },
    "users": USERS,
}


@pytest.fixture
def pbx_token() -> str:
    return PBX_TOKEN


@pytest.fixture
def pbx_db(tmp_path: Path) -> Path:
    return tmp_path / "pbx-simulator.sqlite3"


@pytest.fixture
def pbx_simulator(pbx_db: Path, pbx_token: str) -> Iterator[RunningSimulator]:
    """A simulator on a free port of 127.0.0.1 with its own database, stopped after the test."""
    simulator = RunningSimulator(pbx_db, pbx_token).start()
    try:
        yield simulator
    finally:
        simulator.stop()  # Also fine when the test stopped it already.


@pytest.fixture
def make_config() -> Callable[..., dict[str, Any]]:
    """A fresh valid document (auto night mode to user u1, two time schedules, one holiday schedule, two
    users) to mutate."""

    def make(org_id: int = 7, name: str | None = None) -> dict[str, Any]:
        config = copy.deepcopy(VALID_CONFIG)
        config["organisation"]["id"] = org_id
        if name is not None:
            config["organisation"]["name"] = name
        return config

    return make
