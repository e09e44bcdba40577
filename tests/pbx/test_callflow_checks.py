"""The configuration checks ("Controle", R10.2): each finding fires on a document with the defect and
not on a clean one (pbx/callflow/checks.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from callflow_documents import BASE_USER

from pbx.callflow.checks import ADVICE, CODES, PROBLEM, check

GREETING = {"audio": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"}


def _user(key: str, first: str, extension: str | None, **forwarding: Any) -> dict[str, Any]:
    user = copy.deepcopy(BASE_USER)
    user.update(key=key, first_name=first, last_name="Jansen", extension=extension)
    user["voicemail"].update(enabled=True, email=f"{first.lower()}@example.nl")
    user["forwarding"].update(forwarding)
    return user


def _clean() -> dict[str, Any]:
    """Everything as the manual advises: auto night mode on opening hours, three users, one group with
    overflow, one menu with greetings, reception and keys."""
    return {
        "schema_version": 3,
        "organisation": {"id": 7, "name": "Bakkerij", "time_zone": "Europe/Amsterdam"},
        "barring": {
            "international": False,
            "mobile": False,
            "premium_0900": True,
            "erotic_0906": True,
            "entertainment_0909": True,
        },
        "night_mode": {
            "setting": "auto",
            "time_schedule": "t1",
            "holiday_schedule": "h1",
            "override": None,
            "destination": {"type": "voicemail"},
        },
        "schedules": {
            "time": [
                {
                    "key": "t1",
                    "name": "Openingstijden",
                    "ranges": [{"day": d, "from": "08:30", "to": "17:30"} for d in range(5)],
                }
            ],
            "holiday": [
                {
                    "key": "h1",
                    "name": "Feestdagen",
                    "entries": [{"name": "Koningsdag", "start": "2026-04-27", "end": "2026-04-27"}],
                }
            ],
        },
        "users": [
            _user("u1", "Anna", "201", no_answer={"type": "user", "key": "u2"}),
            _user("u2", "Bram", "202", busy={"type": "voicemail"}),
            _user("u3", "Cor", "203", unreachable={"type": "external", "number": "+31612345678"}),
        ],
        "hunt_groups": [
            {
                "key": "g4",
                "name": "Verkoop",
                "first_name": None,
                "last_name": None,
                "extension": "300",
                "external_number": None,
                "distribution": "circular",
                "rings": 4,
                "move_on": True,
                "members": ["u1", "u2"],
                "overflow": {"after_seconds": 60, "destination": {"type": "voicemail"}},
                "night_mode": "follow",
            }
        ],
        "ivr_menus": [
            {
                "key": "m5",
                "name": "Hoofdmenu",
                "first_name": None,
                "last_name": None,
                "extension": "400",
                "external_number": "+31205551000",
                "time_schedule": "t1",
                "holiday_schedule": None,
                "business_hours": {
                    "greeting": GREETING,
                    "keys": [
                        {"key": "1", "announce": True, "destination": {"type": "hunt_group", "key": "g4"}},
                        {"key": "2", "announce": False, "destination": {"type": "user", "key": "u3"}},
                        # Hearing the choices again is the caller's choice, not a loop.
                        {"key": "9", "announce": False, "destination": {"type": "ivr_menu", "key": "m5"}},
                    ],
                    "reception": {"type": "user", "key": "u3"},
                },
                "after_hours": {
                    "action": "menu",
                    "menu": {
                        "greeting": GREETING,
                        "keys": [{"key": "1", "announce": False, "destination": {"type": "voicemail"}}],
                        "reception": {"type": "voicemail"},
                    },
                    "destination": None,
                },
                "reception_seconds": 10,
                "night_mode": "follow",
                "night_destination": None,
            }
        ],
    }


def _user_of(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(u for u in doc["users"] if u["key"] == key)


def _group(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["hunt_groups"][0]


def _menu(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["ivr_menus"][0]


def _codes(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f.code, f.subject) for f in check(doc)}


def test_a_clean_configuration_has_no_findings():
    assert check(_clean()) == []


def _no_overflow(doc):
    _group(doc)["overflow"] = None


def _no_reception(doc):
    _menu(doc)["business_hours"]["reception"] = None


def _group_no_extension(doc):
    _group(doc)["extension"] = None
    _group(doc)["external_number"] = "+31205551001"


def _menu_no_extension(doc):
    _menu(doc)["extension"] = None


def _night_without_schedule(doc):
    doc["night_mode"]["time_schedule"] = None
    doc["night_mode"]["holiday_schedule"] = None


def _key_to_user_without_number(doc):
    _user_of(doc, "u3")["extension"] = None


def _no_greeting(doc):
    _menu(doc)["after_hours"]["menu"]["greeting"] = None


def _deleted_user(doc):
    _user_of(doc, "u1")["forwarding"]["busy"] = {"type": "user", "key": "u99"}


def _loop(doc):
    _user_of(doc, "u2")["forwarding"]["no_answer"] = {"type": "user", "key": "u1"}


def _overflow_self(doc):
    _group(doc)["overflow"]["destination"] = {"type": "hunt_group", "key": "g4"}


def _empty_group(doc):
    _group(doc)["members"] = []


def _all_forward(doc):
    for key in ("u1", "u2"):
        _user_of(doc, key)["forwarding"]["always"] = {"type": "external", "number": "+31612345678"}


def _night_in_group(doc):
    doc["night_mode"]["destination"] = {"type": "user", "key": "u2"}


def _never_open(doc):
    doc["schedules"]["time"][0]["ranges"] = []


DEFECTS: list[tuple[str, str, Callable[[dict[str, Any]], None]]] = [
    ("group_no_overflow", "group:g4", _no_overflow),
    ("menu_no_reception", "menu:m5", _no_reception),
    ("group_no_extension", "group:g4", _group_no_extension),
    ("menu_no_extension", "menu:m5", _menu_no_extension),
    ("night_auto_no_schedule", "night_mode", _night_without_schedule),
    ("key_to_user_without_number", "menu:m5", _key_to_user_without_number),
    ("menu_no_greeting", "menu:m5", _no_greeting),
    ("missing_reference", "user:u1", _deleted_user),
    ("forward_loop", "user:u1", _loop),
    ("group_overflow_self", "group:g4", _overflow_self),
    ("group_empty", "group:g4", _empty_group),
    ("group_all_forward_always", "group:g4", _all_forward),
    ("night_destination_in_group", "group:g4", _night_in_group),
    ("schedule_never_open", "schedule:t1", _never_open),
]


def test_every_code_has_a_defect_here():
    assert {code for code, _subject, _make in DEFECTS} == set(CODES)


@pytest.mark.parametrize(("code", "subject", "make"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_gives_its_finding(code, subject, make):
    doc = _clean()
    make(doc)

    found = [f for f in check(doc) if f.code == code]

    assert [f.subject for f in found if f.subject == subject] == [subject]
    assert all(f.severity == CODES[code] for f in found)


def test_the_manuals_advice_is_advice_and_what_goes_wrong_is_a_problem():
    assert CODES["group_no_overflow"] == ADVICE and CODES["menu_no_greeting"] == ADVICE
    assert CODES["forward_loop"] == PROBLEM and CODES["missing_reference"] == PROBLEM


def test_a_loop_names_every_object_on_it_with_the_path_and_its_conditions():
    doc = _clean()
    _loop(doc)

    loops = {f.subject: f for f in check(doc) if f.code == "forward_loop"}

    assert set(loops) == {"user:u1", "user:u2"}
    assert loops["user:u1"].params["cycle"] == ["user:u1", "user:u2"]
    assert loops["user:u1"].params["conditions"] == ["no_answer", "no_answer"]
    assert loops["user:u2"].params["cycle"] == ["user:u2", "user:u1"]


def test_a_longer_chain_back_to_its_start_is_a_loop_and_a_chain_that_ends_is_not():
    doc = _clean()
    _user_of(doc, "u2")["forwarding"]["unreachable"] = {"type": "user", "key": "u3"}
    _group(doc)["overflow"]["destination"] = {"type": "user", "key": "u2"}
    assert not [f for f in check(doc) if f.code == "forward_loop"]

    _user_of(doc, "u3")["forwarding"]["always"] = {"type": "hunt_group", "key": "g4"}

    loops = {f.subject: f for f in check(doc) if f.code == "forward_loop"}
    # Nobody in Verkoop answers: to Bram, unreachable: to Cor, who forwards every call to Verkoop.
    assert loops["group:g4"].params["cycle"] == ["group:g4", "user:u2", "user:u3"]
    assert loops["group:g4"].params["conditions"] == ["overflow", "unreachable", "always"]
    assert set(loops) == {"group:g4", "user:u2", "user:u3"}


def test_a_member_who_forwards_to_the_group_is_no_loop_the_group_skips_them():
    doc = _clean()
    _user_of(doc, "u1")["forwarding"]["always"] = {"type": "hunt_group", "key": "g4"}

    assert not [f for f in check(doc) if f.code == "forward_loop"]


def test_a_menu_whose_reception_is_itself_loops_but_a_key_back_to_it_does_not():
    doc = _clean()
    assert not [f for f in check(doc) if f.code == "forward_loop"]  # key 9 goes back to the menu
    _menu(doc)["business_hours"]["reception"] = {"type": "ivr_menu", "key": "m5"}

    assert ("forward_loop", "menu:m5") in _codes(doc)


def test_missing_references_of_members_schedules_and_the_night_destination():
    doc = _clean()
    _group(doc)["members"].append("u77")
    _menu(doc)["holiday_schedule"] = "h9"
    doc["night_mode"]["destination"] = {"type": "extension", "extension": "205"}

    found = {
        (f.subject, f.params["target"], f.params["field"])
        for f in check(doc)
        if f.code == "missing_reference"
    }

    assert found == {
        ("group:g4", "user:u77", "member"),
        ("menu:m5", "schedule:h9", "holiday_schedule"),
        ("night_mode", "extension:205", "night_mode_destination"),
    }


def test_night_mode_off_for_the_group_makes_a_night_destination_inside_it_harmless():
    doc = _clean()
    _night_in_group(doc)
    _group(doc)["night_mode"] = "off"

    assert ("night_destination_in_group", "group:g4") not in _codes(doc)


def test_a_never_open_schedule_says_who_uses_it():
    doc = _clean()
    _never_open(doc)

    finding = next(f for f in check(doc) if f.code == "schedule_never_open")

    assert finding.params["used_by"] == ["night_mode", "menu:m5"]


def test_problems_come_before_advice():
    doc = _clean()
    _no_overflow(doc)
    _empty_group(doc)

    assert [f.severity for f in check(doc)] == [PROBLEM, ADVICE]


def test_the_checks_do_not_change_the_document():
    doc = _clean()
    _loop(doc)
    before = copy.deepcopy(doc)
    check(doc)
    assert doc == before
