"""The call-flow engine on examples from the manual: every step kind and outcome (pbx/callflow/engine.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from callflow_documents import (
    AMS,
    KONINGSDAG,
    MONDAY_10,
    MONDAY_18,
    SUNDAY_03,
    _part,
    _user,
    document,
    user_dest,
)
from django.utils import translation

from pbx.callflow import engine, texts
from pbx.callflow.engine import Call, Route


def kinds(route: Route) -> list[str]:
    return [step.kind for step in route.steps]


def last(route: Route) -> engine.Step:
    return route.steps[-1]


def the(route: Route, kind: str) -> engine.Step:
    return next(step for step in route.steps if step.kind == kind)


# --- Users: ringing, answering, forwarding and voicemail --------------------------------------------------


def test_an_available_user_rings_and_answers() -> None:
    route = engine.simulate(document(), Call("201", MONDAY_10))

    assert route.outcome == "answered"
    assert kinds(route) == ["dialled", "night_mode", "ring", "answered"]
    assert the(route, "ring").params["seconds"] == 20
    assert last(route).node == "user:u1"


def test_an_external_number_reaches_its_owner() -> None:
    route = engine.simulate(document(), Call("020 123 4567", MONDAY_10))

    assert route.steps[0].node == "number:+31201234567"
    assert route.steps[1].kind == "forward"
    assert route.steps[1].params["condition"] == "number"
    assert route.outcome == "answered"


@pytest.mark.parametrize(
    ("flags", "forwarding", "condition"),
    [
        ({"busy": frozenset({"201"})}, "busy", "busy"),
        ({"unreachable": frozenset({"201"})}, "unreachable", "unreachable"),
        ({"no_answer": frozenset({"201"})}, "no_answer", "no_answer"),
        ({}, "always", "always"),
    ],
)
def test_each_forwarding_applies_in_its_situation(
    flags: dict[str, frozenset[str]], forwarding: str, condition: str
) -> None:
    doc = document()
    doc["users"][0]["forwarding"][forwarding] = user_dest("u3")

    route = engine.simulate(doc, Call("201", MONDAY_10, **flags))

    arrival = next(s for s in route.steps if s.kind == "forward")
    assert arrival.node == "user:u3"
    assert arrival.params["condition"] == condition
    assert route.outcome == "answered"
    assert last(route).node == "user:u3"


def test_no_answer_forwarding_waits_the_users_seconds() -> None:
    doc = document()
    doc["users"][0]["forwarding"].update(
        no_answer={"type": "external", "number": "+31612345678"}, no_answer_seconds=15
    )

    route = engine.simulate(doc, Call("201", MONDAY_10, no_answer=frozenset({"201"})))

    assert route.outcome == "external"
    assert last(route).kind == "external"
    assert last(route).params == {
        "number": "+31612345678",
        "condition": "no_answer",
        "source": "user:u1",
        "seconds": 15,
    }


def test_busy_without_forwarding_or_voicemail_is_the_busy_tone() -> None:
    route = engine.simulate(document(), Call("202", MONDAY_10, busy=frozenset({"202"})))

    assert kinds(route)[-2:] == ["busy", "disconnect"]
    assert route.outcome == "disconnect"
    assert last(route).params["reason"] == "busy"


def test_unanswered_without_anything_rings_until_the_caller_hangs_up() -> None:
    route = engine.simulate(document(), Call("202", MONDAY_10, no_answer=frozenset({"202"})))
    assert route.outcome == "disconnect"
    assert last(route).params["reason"] == "no_answer"


@pytest.mark.parametrize(
    ("voicemail", "flags", "condition"),
    [
        ({"direct": True}, {}, "direct"),
        ({"on_busy": True}, {"busy": frozenset({"202"})}, "busy"),
        ({"on_no_answer": True}, {"no_answer": frozenset({"202"})}, "no_answer"),
        ({"on_no_answer": True}, {"unreachable": frozenset({"202"})}, "unreachable"),
    ],
)
def test_the_users_voicemail_answers_when_the_manual_says(
    voicemail: dict[str, Any], flags: dict[str, frozenset[str]], condition: str
) -> None:
    doc = document()
    doc["users"][1]["voicemail"] = {
        "enabled": True,
        "email": "piet@bakkerij.example",
        "copy_email": None,
        "direct": False,
        "on_busy": False,
        "on_no_answer": False,
        **voicemail,
    }

    route = engine.simulate(doc, Call("202", MONDAY_10, **flags))

    assert route.outcome == "voicemail"
    assert last(route).node == "voicemail:user:u2"
    assert last(route).params["condition"] == condition
    assert last(route).params["can_leave_message"] is True
    assert last(route).params["email"] == "piet@bakkerij.example"


def test_voicemail_switched_off_takes_no_calls() -> None:
    doc = document()
    doc["users"][1]["voicemail"].update(enabled=False, on_busy=True)  # "on_busy" without voicemail: no effect

    route = engine.simulate(doc, Call("202", MONDAY_10, busy=frozenset({"202"})))

    assert route.outcome == "disconnect"


def test_a_greeting_without_messages_then_forwards_or_hangs_up() -> None:
    doc = document()
    doc["users"][1]["voicemail"].update(enabled=True, email="p@b.example", direct=True)
    doc["users"][1].update(
        no_messages=True, after_greeting={"action": "forward", "destination": user_dest("u3")}
    )

    forwarded = engine.simulate(doc, Call("202", MONDAY_10))
    doc["users"][1]["after_greeting"] = {"action": "hang_up", "destination": None}
    hung_up = engine.simulate(doc, Call("202", MONDAY_10))

    assert the(forwarded, "voicemail").params["can_leave_message"] is False
    assert forwarded.outcome == "answered"
    assert last(forwarded).node == "user:u3"
    assert hung_up.outcome == "disconnect"
    assert last(hung_up).params["reason"] == "after_greeting"


def test_the_company_voicemail_takes_a_message() -> None:
    route = engine.simulate(document(), Call("999", MONDAY_10))
    assert route.outcome == "voicemail"
    assert last(route).node == "voicemail:company"


# --- Night mode -------------------------------------------------------------------------------------------


def test_night_mode_follows_the_schedule_and_the_holidays() -> None:
    day = engine.simulate(document(), Call("201", MONDAY_10))
    evening = engine.simulate(document(), Call("201", MONDAY_18))
    holiday = engine.simulate(document(), Call("201", KONINGSDAG))

    assert the(day, "night_mode").params["active"] is False
    assert the(day, "night_mode").params["reason"] == "open"
    assert the(evening, "night_mode").params["reason"] == "closed"
    assert the(evening, "night_mode").node == "night_mode"
    assert the(evening, "night_mode").params["schedule"] == "Kantoortijden"
    assert evening.outcome == "voicemail"
    assert last(evening).params["condition"] == "night"
    assert the(holiday, "night_mode").params["reason"] == "holiday"
    assert the(holiday, "night_mode").params["holiday"] == "Koningsdag"


def test_a_manual_override_wins_until_it_ends() -> None:
    doc = document()
    doc["night_mode"]["override"] = {"active": True, "until": "2025-06-16T12:00:00+02:00"}

    during = engine.simulate(doc, Call("201", MONDAY_10))
    after = engine.simulate(doc, Call("201", datetime(2025, 6, 16, 12, 0, tzinfo=AMS)))

    assert the(during, "night_mode").params["reason"] == "override_on"
    assert the(during, "night_mode").params["until"] == "2025-06-16T12:00:00+02:00"
    assert during.outcome == "voicemail"
    assert the(after, "night_mode").params["reason"] == "open"
    assert after.outcome == "answered"


@pytest.mark.parametrize(
    ("company", "own", "at", "active", "reason"),
    [
        ("on", "follow", MONDAY_10, True, "on"),
        ("off", "on", MONDAY_10, True, "object_on"),
        ("auto", "off", MONDAY_18, False, "object_off"),
        ("on", "off", MONDAY_10, False, "object_off"),
    ],
)
def test_each_object_follows_the_company_or_its_own_setting(
    company: str, own: str, at: datetime, active: bool, reason: str
) -> None:
    doc = document()
    doc["night_mode"]["setting"] = company
    doc["users"][0]["night_mode"] = own

    route = engine.simulate(doc, Call("201", at))

    assert the(route, "night_mode").params["active"] is active
    assert the(route, "night_mode").params["reason"] == reason
    assert (route.outcome == "voicemail") is active


def test_company_night_mode_off_says_nothing() -> None:
    doc = document()
    doc["night_mode"]["setting"] = "off"
    assert "night_mode" not in kinds(engine.simulate(doc, Call("201", MONDAY_18)))


def test_night_mode_redirects_a_call_once() -> None:
    doc = document()
    doc["night_mode"]["destination"] = user_dest("u3")  # Kees follows the night mode too

    route = engine.simulate(doc, Call("201", SUNDAY_03))

    assert route.outcome == "answered"
    assert last(route).node == "user:u3"
    assert kinds(route).count("night_mode") == 1


def test_a_menus_own_night_destination() -> None:
    doc = document()
    doc["ivr_menus"][0].update(night_mode="follow", night_destination={"type": "hunt_group", "key": "g1"})

    route = engine.simulate(doc, Call("300", SUNDAY_03))

    assert the(route, "night_mode").params["destination"] == "group:g1"
    assert the(route, "forward").params == {
        "condition": "night",
        "source": "menu:m1",
        "target": "group:g1",
        "name": "Verkoop",
        "extension": "310",
    }


# --- IVR menus --------------------------------------------------------------------------------------------


def test_a_key_forwards_with_its_announcement() -> None:
    route = engine.simulate(document(), Call("+31201234500", MONDAY_10, keys=("1",)))

    menu = the(route, "menu")
    assert menu.params["part"] == "business"
    assert menu.params["greeting"] is True
    arrival = [s for s in route.steps if s.kind == "forward"][-1]
    assert arrival.params["condition"] == "key:1"
    assert arrival.params["announce"] is True
    assert last(route).node == "user:u1"


def test_no_key_goes_to_the_reception_after_the_waiting_time() -> None:
    route = engine.simulate(document(), Call("300", MONDAY_10))

    arrival = [s for s in route.steps if s.kind == "forward"][-1]
    assert arrival.params["condition"] == "timeout"
    assert arrival.params["seconds"] == 10
    assert last(route).node == "user:u2"


def test_no_key_and_no_reception_ends_the_call() -> None:
    doc = document()
    doc["ivr_menus"][0]["business_hours"]["reception"] = None

    route = engine.simulate(doc, Call("300", MONDAY_10))

    assert route.outcome == "disconnect"
    assert last(route).params["reason"] == "no_reception"


def test_an_invalid_key_and_hearing_the_menu_again() -> None:
    route = engine.simulate(document(), Call("300", MONDAY_10, keys=("9", "7", "1")))

    assert kinds(route).count("menu") == 2
    assert the(route, "invalid_key").params["key"] == "7"
    assert last(route).node == "user:u1"


def test_after_hours_the_menu_goes_straight_to_its_destination() -> None:
    route = engine.simulate(document(), Call("300", MONDAY_18, keys=("1",)))

    assert the(route, "menu").params["part"] == "after"
    assert the(route, "menu").params["reason"] == "closed"
    assert route.outcome == "voicemail"
    assert last(route).params["condition"] == "after_hours"


def test_after_hours_menu_and_holidays() -> None:
    doc = document()
    doc["ivr_menus"][0]["after_hours"] = {
        "action": "menu",
        "menu": _part({"1": {"type": "external", "number": "+31612345678"}}),
        "destination": None,
    }

    route = engine.simulate(doc, Call("300", KONINGSDAG, keys=("1",)))

    assert the(route, "menu").params["reason"] == "holiday"
    assert the(route, "menu").params["holiday"] == "Koningsdag"
    assert route.outcome == "external"


# --- Hunt groups ------------------------------------------------------------------------------------------


def _group_route(doc: dict[str, Any], **flags: Any) -> Route:
    return engine.simulate(doc, Call("310", MONDAY_10, **flags))


def test_fixed_order_rings_from_the_top_and_skips_the_busy() -> None:
    route = _group_route(document(), busy=frozenset({"201"}))

    group = the(route, "hunt_group")
    assert group.params["ringing"] == ["Piet Test", "Kees Test"]
    assert [m["reason"] for m in group.params["order"]] == ["busy", None, None]
    assert last(route).node == "user:u2"


def test_sequential_members_ring_in_turn_for_rings_times_five_seconds() -> None:
    route = _group_route(document(), no_answer=frozenset({"201", "202"}))

    assert last(route).node == "user:u3"
    assert last(route).params["after_seconds"] == 40  # Jan 0–20 s, Piet 20–40 s, then Kees


def test_members_beyond_the_waiting_time_never_ring() -> None:
    doc = document()
    doc["hunt_groups"][0]["overflow"]["after_seconds"] = 30

    route = _group_route(doc, no_answer=frozenset({"201", "202"}))

    assert the(route, "hunt_group").params["ringing"] == ["Jan Test", "Piet Test"]
    assert route.outcome == "voicemail"
    assert last(route).params == {
        "owner": None,
        "name": "999",
        "condition": "overflow",
        "source": "group:g1",
        "greeting": True,
        "can_leave_message": True,
        "email": None,
        "seconds": 30,
    }


def test_simultaneous_rings_everyone_at_once() -> None:
    doc = document()
    doc["hunt_groups"][0]["distribution"] = "simultaneous"

    route = _group_route(doc, no_answer=frozenset({"201"}))

    assert the(route, "hunt_group").params["ringing"] == ["Jan Test", "Piet Test", "Kees Test"]
    assert last(route).node == "user:u2"
    assert last(route).params["after_seconds"] == 0


def test_circular_starts_after_the_last_answered_member() -> None:
    doc = document()
    doc["hunt_groups"][0]["distribution"] = "circular"
    history = {"g1": {"u1": "2025-06-16T09:00:00+02:00", "u2": "2025-06-16T09:30:00+02:00"}}

    fresh = _group_route(doc)
    route = engine.simulate(doc, Call("310", MONDAY_10), history=history)

    assert last(fresh).node == "user:u1"  # no history: from the top
    assert the(route, "hunt_group").params["ringing"] == ["Kees Test", "Jan Test", "Piet Test"]
    assert last(route).node == "user:u3"


def test_uniform_offers_the_call_to_who_waited_longest() -> None:
    doc = document()
    doc["hunt_groups"][0]["distribution"] = "uniform"
    history = {
        "g1": {
            "u1": "2025-06-16T09:00:00+02:00",
            "u2": "2025-06-15T09:00:00+02:00",
            "u3": "2025-06-16T09:30:00+02:00",
        }
    }

    route = engine.simulate(doc, Call("310", MONDAY_10), history=history)

    assert the(route, "hunt_group").params["ringing"] == ["Piet Test", "Jan Test", "Kees Test"]


def test_without_move_on_only_the_first_member_rings() -> None:
    doc = document()
    doc["hunt_groups"][0]["move_on"] = False

    route = _group_route(doc, no_answer=frozenset({"201"}))

    assert the(route, "hunt_group").params["ringing"] == ["Jan Test"]
    assert route.outcome == "voicemail"
    assert last(route).params["seconds"] == 60


def test_members_who_forward_everything_are_skipped() -> None:
    doc = document()
    doc["users"][0]["forwarding"]["always"] = {"type": "external", "number": "+31612345678"}

    route = _group_route(doc)

    assert the(route, "hunt_group").params["order"][0]["reason"] == "forwards_always"
    assert last(route).node == "user:u2"


def test_a_group_without_overflow_that_nobody_answers_is_a_problem() -> None:
    doc = document()
    doc["hunt_groups"][0]["overflow"] = None

    route = _group_route(doc, busy=frozenset({"201", "202", "203"}))

    assert route.outcome == "problem"
    assert route.problem == "no_overflow"
    assert last(route).kind == "unanswered"


# --- Problems ---------------------------------------------------------------------------------------------


def test_a_to_b_to_a_is_reported_as_a_loop_not_followed() -> None:
    doc = document()
    doc["users"][0]["forwarding"]["busy"] = user_dest("u2")
    doc["users"][1]["forwarding"]["busy"] = user_dest("u1")

    route = engine.simulate(doc, Call("201", MONDAY_10, busy=frozenset({"201", "202"})))

    assert route.outcome == "problem"
    assert route.problem == "loop"
    assert route.loop == ("user:u1", "user:u2")
    assert last(route).kind == "loop"
    assert last(route).params["cycle"] == ["user:u1", "user:u2"]
    with translation.override("nl"):
        assert (
            texts.describe_outcome(route)
            == "Probleem: een lus (Jan Test (201) → Piet Test (202) → Jan Test (201))."
        )
        assert texts.describe(last(route)).startswith("Lus: het gesprek komt terug bij Jan Test (201)")


def test_a_group_overflowing_to_itself_is_a_loop() -> None:
    doc = document()
    doc["hunt_groups"][0]["overflow"]["destination"] = {"type": "hunt_group", "key": "g1"}

    route = _group_route(doc, busy=frozenset({"201", "202", "203"}))

    assert route.problem == "loop"
    assert route.loop == ("group:g1",)


def test_a_reception_back_to_its_menu_is_a_loop_but_pressing_9_is_not() -> None:
    doc = document()
    doc["ivr_menus"][0]["business_hours"]["reception"] = {"type": "ivr_menu", "key": "m1"}

    loop = engine.simulate(doc, Call("300", MONDAY_10, keys=("9",)))

    assert kinds(loop).count("menu") == 2  # 9 is a choice: the menu plays again
    assert loop.problem == "loop"
    assert loop.loop == ("menu:m1",)


def test_a_chain_of_thousands_of_forwardings_ends() -> None:
    doc = document()
    doc["users"] = [
        _user(f"u{i}", str(1000 + i), f"N{i}", forwarding={"always": user_dest(f"u{i + 1}")})
        for i in range(3000)
    ]
    doc["users"][-1]["forwarding"]["always"] = user_dest("u0")
    doc["hunt_groups"], doc["ivr_menus"] = [], []

    route = engine.simulate(doc, Call("1000", MONDAY_10))

    assert route.problem == "loop"
    assert len(route.loop) == 3000


def test_a_missing_reference_is_a_problem() -> None:
    doc = document()
    doc["users"][0]["forwarding"]["always"] = user_dest("u99")

    route = engine.simulate(doc, Call("201", MONDAY_10))

    assert route.outcome == "problem"
    assert route.problem == "missing_reference"
    assert last(route).node == "user:u99"


def test_a_missing_schedule_is_a_problem() -> None:
    doc = document()
    doc["ivr_menus"][0]["time_schedule"] = "weg"

    route = engine.simulate(doc, Call("300", MONDAY_10))

    assert route.problem == "missing_reference"
    assert last(route).node == "schedule:weg"


@pytest.mark.parametrize("dialled", ["555", "+31209999999"])
def test_an_unknown_number(dialled: str) -> None:
    route = engine.simulate(document(), Call(dialled, MONDAY_10))
    assert route.outcome == "problem"
    assert route.problem == "unknown_number"


# --- Edges, JSON, words -----------------------------------------------------------------------------------


def test_edges_name_every_way_a_call_can_move() -> None:
    doc = document()
    doc["users"][0]["forwarding"]["busy"] = user_dest("u2")

    found = {(e.source, e.target, e.condition) for e in engine.edges(doc)}

    assert ("number:+31201234500", "menu:m1", "number") in found
    assert ("night_mode", "voicemail:company", "night") in found
    assert ("user:u1", "user:u2", "busy") in found
    assert ("group:g1", "user:u3", "member") in found
    assert ("group:g1", "voicemail:company", "overflow") in found
    assert ("menu:m1", "menu:m1", "key:9") in found
    assert ("menu:m1", "user:u2", "timeout") in found
    assert ("menu:m1", "voicemail:company", "after_hours") in found


def test_a_route_survives_json() -> None:
    route = engine.simulate(document(), Call("310", MONDAY_10, busy=frozenset({"201"})))
    assert Route.from_json(route.to_json()) == route
    call = Call("310", MONDAY_10, keys=("1",), busy=frozenset({"201"}), no_answer=frozenset({"202"}))
    assert Call.from_json(call.to_json()) == call


def test_a_prepared_document_gives_the_same_route() -> None:
    doc = document()
    prepared = engine.prepare(doc)
    for call in (Call("300", MONDAY_10, keys=("2",)), Call("201", SUNDAY_03)):
        assert engine.simulate(prepared, call) == engine.simulate(doc, call)


def test_every_step_reads_as_a_dutch_sentence() -> None:
    doc = document()
    doc["night_mode"]["override"] = {"active": True, "until": "2025-06-16T12:00:00+02:00"}
    with translation.override("nl"):
        night = engine.simulate(doc, Call("201", MONDAY_10))
        sentences = [texts.describe(step) for step in night.steps]
        group = engine.simulate(document(), Call("310", MONDAY_10, busy=frozenset({"201"})))
        group_sentence = texts.describe(the(group, "hunt_group"))
        outcome = texts.describe_outcome(night)

    assert sentences[0].startswith("maandag 16 juni 2025 10:00")
    assert "handmatig aangezet tot maandag 16 juni 12:00" in sentences[1]
    assert (
        group_sentence
        == "Belgroep Verkoop (310) belt in vaste volgorde: Piet Test, Kees Test; overgeslagen: Jan Test (bezet)"
    )
    assert outcome == "Eindigt in bedrijfsvoicemail (999)."


def test_every_kind_has_its_own_sentence() -> None:
    step_params: dict[str, dict[str, Any]] = {kind: {} for kind in engine.STEP_KINDS}
    for kind in engine.STEP_KINDS:
        assert texts.describe(engine.Step(kind, "user:u1", step_params[kind])) != kind


@pytest.mark.parametrize(
    ("hour", "minute", "active"), [(8, 29, True), (8, 30, False), (17, 29, False), (17, 30, True)]
)
def test_opening_hours_start_inclusive_and_end_exclusive(hour: int, minute: int, active: bool) -> None:
    at = datetime(2025, 6, 16, hour, minute, 59, tzinfo=AMS)
    route = engine.simulate(document(), Call("201", at))
    assert the(route, "night_mode").params["active"] is active


def test_a_date_time_holiday_ends_at_its_end_minute() -> None:
    doc = document()
    doc["schedules"]["holiday"][0]["entries"] = [
        {"name": "Middag", "start": "2025-06-16T13:00", "end": "2025-06-16T14:00"}
    ]

    during = engine.simulate(doc, Call("201", datetime(2025, 6, 16, 13, 59, tzinfo=AMS)))
    after = engine.simulate(doc, Call("201", datetime(2025, 6, 16, 14, 0, tzinfo=AMS)))

    assert the(during, "night_mode").params["reason"] == "holiday"
    assert the(after, "night_mode").params["reason"] == "open"
