"""Properties of the call-flow engine over random documents (hypothesis): every call ends, no loop is
followed, every loop reported is real (a cycle of the document's own edges), and the engine agrees with
the brute-force reference model written from the manual (tests/pbx/callflow_reference.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from callflow_reference import Reference, reference_route, ringing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbx.callflow import engine

USERS = ["u1", "u2", "u3", "u4"]
GROUPS = ["g1", "g2"]
MENUS = ["m1", "m2"]
EXTENSIONS = {
    "u1": "201",
    "u2": "202",
    "u3": "203",
    "u4": "204",
    "g1": "310",
    "g2": "311",
    "m1": "300",
    "m2": "301",
}
NUMBERS = {"u1": "+31201234561", "g1": "+31201234562", "m1": "+31201234563"}
KEYS = ["1", "2", "9", "#"]
START = datetime(2025, 3, 24, tzinfo=UTC)  # two weeks around the spring change to summer time


def destination_strategy(
    users: list[str], groups: list[str], menus: list[str]
) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly the document's own objects; now and then one that does not exist."""
    options = [
        st.builds(lambda k: {"type": "user", "key": k}, st.sampled_from([*users * 4, "u9"])),
        st.just({"type": "voicemail"}),
        st.just({"type": "external", "number": "+31612345678"}),
    ]
    if groups:
        options.append(st.builds(lambda k: {"type": "hunt_group", "key": k}, st.sampled_from(groups)))
    if menus:
        options.append(st.builds(lambda k: {"type": "ivr_menu", "key": k}, st.sampled_from(menus)))
    return st.one_of(options)


night_settings = st.sampled_from(["follow", "follow", "on", "off"])


@st.composite
def time_schedules(draw: st.DrawFn, key: str) -> dict[str, Any]:
    ranges = []
    for day in draw(st.sets(st.integers(0, 6), max_size=5)):
        start = draw(st.integers(0, 22 * 60))
        end = draw(st.integers(start + 1, 24 * 60))
        ranges.append(
            {
                "day": day,
                "from": f"{start // 60:02d}:{start % 60:02d}",
                "to": f"{end // 60:02d}:{end % 60:02d}",
            }
        )
    return {"key": key, "name": key.title(), "ranges": ranges}


@st.composite
def holiday_schedules(draw: st.DrawFn) -> dict[str, Any]:
    entries = []
    for n in range(draw(st.integers(0, 2))):
        first = START + timedelta(minutes=draw(st.integers(0, 14 * 24 * 60)))
        if draw(st.booleans()):
            last = first + timedelta(days=draw(st.integers(0, 2)))
            entries.append(
                {"name": f"Dag {n}", "start": first.date().isoformat(), "end": last.date().isoformat()}
            )
        else:
            end = first + timedelta(minutes=draw(st.integers(1, 3000)))
            entries.append(
                {
                    "name": f"Middag {n}",
                    "start": first.strftime("%Y-%m-%dT%H:%M"),
                    "end": end.strftime("%Y-%m-%dT%H:%M"),
                }
            )
    return {"key": "vrij", "name": "Vrij", "entries": entries}


@st.composite
def users(draw: st.DrawFn, key: str, destinations: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    enabled = draw(st.booleans())
    no_messages = draw(st.booleans())
    forward_after = draw(st.booleans())
    return {
        "key": key,
        "first_name": key.upper(),
        "last_name": "Test",
        "extension": EXTENSIONS[key],
        "external_number": NUMBERS.get(key),
        "app_login": None,
        "voicemail": {
            "enabled": enabled,
            "email": "x@example.org" if enabled else None,
            "copy_email": None,
            "direct": draw(st.booleans()) and draw(st.booleans()),
            "on_busy": draw(st.booleans()),
            "on_no_answer": draw(st.booleans()),
        },
        "greeting": None,
        "no_messages": no_messages,
        "after_greeting": {
            "action": "forward" if forward_after else "hang_up",
            "destination": draw(destinations) if forward_after else None,
        },
        "forwarding": {
            "always": draw(st.one_of(st.none(), st.none(), st.none(), destinations)),
            "busy": draw(st.one_of(st.none(), destinations)),
            "no_answer": draw(st.one_of(st.none(), destinations)),
            "no_answer_seconds": draw(st.integers(5, 60)),
            "unreachable": draw(st.one_of(st.none(), destinations)),
        },
        "night_mode": draw(night_settings),
    }


@st.composite
def groups(
    draw: st.DrawFn, key: str, destinations: st.SearchStrategy[dict[str, Any]], members: list[str]
) -> dict[str, Any]:
    overflow = draw(
        st.one_of(
            st.none(),
            st.builds(
                lambda s, d: {"after_seconds": s, "destination": d}, st.integers(10, 120), destinations
            ),
        )
    )
    return {
        "key": key,
        "name": key.upper(),
        "first_name": None,
        "last_name": None,
        "extension": EXTENSIONS[key],
        "external_number": NUMBERS.get(key),
        "distribution": draw(st.sampled_from(["circular", "fixed_order", "simultaneous", "uniform"])),
        "rings": draw(st.integers(1, 6)),
        "move_on": draw(st.booleans()),
        "members": draw(st.lists(st.sampled_from([*members, *members, "u9"]), unique=True, max_size=4)),
        "overflow": overflow,
        "night_mode": draw(night_settings),
    }


@st.composite
def parts(draw: st.DrawFn, destinations: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=3))
    return {
        "greeting": None,
        "keys": [
            {"key": k, "announce": draw(st.booleans()), "destination": draw(destinations)} for k in keys
        ],
        "reception": draw(st.one_of(st.none(), destinations)),
    }


@st.composite
def menus(draw: st.DrawFn, key: str, destinations: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    after_menu = draw(st.booleans())
    return {
        "key": key,
        "name": key.upper(),
        "first_name": None,
        "last_name": None,
        "extension": EXTENSIONS[key],
        "external_number": NUMBERS.get(key),
        "time_schedule": draw(st.sampled_from(["open", "winkel", "winkel"])),
        "holiday_schedule": draw(st.sampled_from([None, "vrij"])),
        "business_hours": draw(parts(destinations)),
        "after_hours": {
            "action": "menu" if after_menu else "destination",
            "menu": draw(parts(destinations)) if after_menu else None,
            "destination": None if after_menu else draw(destinations),
        },
        "reception_seconds": draw(st.integers(3, 60)),
        "night_mode": draw(night_settings),
        "night_destination": draw(st.one_of(st.none(), st.none(), destinations)),
    }


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    setting = draw(st.sampled_from(["off", "on", "auto", "auto"]))
    override = draw(
        st.one_of(
            st.none(),
            st.builds(
                lambda active, minutes: {
                    "active": active,
                    "until": None if minutes is None else (START + timedelta(minutes=minutes)).isoformat(),
                },
                st.booleans(),
                st.one_of(st.none(), st.integers(0, 14 * 24 * 60)),
            ),
        )
    )
    user_keys = USERS[: draw(st.integers(2, 4))]
    group_keys = GROUPS[: draw(st.integers(0, 2))]
    menu_keys = MENUS[: draw(st.integers(0, 2))]
    destinations = destination_strategy(user_keys, group_keys, menu_keys)
    time_key = draw(st.sampled_from(["winkel", "winkel", "winkel", "winkel", None, "weg"]))
    holiday_key = draw(st.sampled_from(["vrij", None]))
    return {
        "schema_version": 3,
        "organisation": {"id": 1, "name": "Test", "time_zone": "Europe/Amsterdam"},
        "barring": {
            "international": False,
            "mobile": False,
            "premium_0900": True,
            "erotic_0906": True,
            "entertainment_0909": True,
        },
        "night_mode": {
            "setting": setting,
            "time_schedule": time_key,
            "holiday_schedule": holiday_key,
            "override": override,
            "destination": draw(destinations),
        },
        "schedules": {
            "time": [
                draw(time_schedules("winkel")),
                {
                    "key": "open",
                    "name": "Elke dag, de hele dag",
                    "ranges": [{"day": d, "from": "00:00", "to": "24:00"} for d in range(7)],
                },
            ],
            "holiday": [draw(holiday_schedules())],
        },
        "users": [draw(users(k, destinations)) for k in user_keys],
        "hunt_groups": [draw(groups(k, destinations, user_keys)) for k in group_keys],
        "ivr_menus": [draw(menus(k, destinations)) for k in menu_keys],
    }


@st.composite
def calls(draw: st.DrawFn, document: dict[str, Any]) -> engine.Call:
    dialable = []
    for section in ("users", "hunt_groups", "ivr_menus"):
        for obj in document[section]:
            dialable += [obj["extension"]] * 3
            if obj["external_number"]:
                dialable.append(obj["external_number"])
    dialable += ["999", "555"]
    extensions = st.sets(st.sampled_from(sorted(EXTENSIONS.values())[:4]), max_size=2)
    return engine.Call(
        dialled=draw(st.sampled_from(dialable)),
        at=START + timedelta(minutes=draw(st.integers(0, 14 * 24 * 60)), seconds=draw(st.integers(0, 59))),
        keys=tuple(draw(st.lists(st.sampled_from([*KEYS, "5"]), max_size=4))),
        busy=frozenset(draw(extensions)),
        unreachable=frozenset(draw(extensions)),
        no_answer=frozenset(draw(extensions)),
    )


histories = st.dictionaries(
    st.sampled_from(GROUPS),
    st.dictionaries(
        st.sampled_from(USERS),
        st.builds(lambda m: (START - timedelta(minutes=m)).isoformat(), st.integers(0, 5)),
        max_size=4,
    ),
    max_size=2,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _where(route: engine.Route) -> str:
    node = route.steps[-1].node
    return "schedule" if node.startswith("schedule:") else node


@PROPERTY_SETTINGS
@given(data=st.data(), document=documents(), history=histories)
def test_the_engine_agrees_with_the_reference_model(
    data: st.DataObject, document: dict[str, Any], history: Any
) -> None:
    call = data.draw(calls(document))

    route = engine.simulate(document, call, history=history)
    expected = reference_route(
        document, call.dialled, call.at, call.keys, call.busy, call.unreachable, call.no_answer, history
    )

    assert route.outcome in engine.OUTCOMES
    assert all(step.kind in engine.STEP_KINDS for step in route.steps)
    assert (route.outcome, route.problem) == (expected.outcome, expected.problem)
    if expected.problem != "unknown_number":
        assert _where(route) == expected.where
    assert frozenset(route.loop) == expected.loop


@PROPERTY_SETTINGS
@given(data=st.data(), document=documents())
def test_every_call_ends_and_every_loop_is_real(data: st.DataObject, document: dict[str, Any]) -> None:
    call = data.draw(calls(document))

    route = engine.simulate(document, call)

    # It ends: one final step, and no place is entered twice in the same state (a loop is reported at
    # the first return, not followed).
    assert route.steps
    entered = Counter(step.node for step in route.steps if step.kind == "forward")
    states = 2 * (len(call.keys) + 1)  # (keys used, night mode used) a place can be entered with
    assert all(times <= states for times in entered.values())
    assert (
        sum(1 for step in route.steps if step.kind in ("answered", "loop", "disconnect", "unanswered")) <= 1
    )
    if route.problem == "loop":
        links = {(e.source, e.target) for e in engine.edges(document)}
        cycle = route.loop
        assert cycle
        for here, there in zip(cycle, (*cycle[1:], cycle[0]), strict=True):
            assert (here, there) in links, f"{here} → {there} is no edge of the document"
        assert route.steps[-1].kind == "loop"
        assert route.steps[-1].node == cycle[0]
    else:
        assert not route.loop
    assert engine.Route.from_json(route.to_json()) == route


@PROPERTY_SETTINGS
@given(data=st.data(), document=documents(), history=histories)
def test_who_rings_in_which_order_per_policy(
    data: st.DataObject, document: dict[str, Any], history: Any
) -> None:
    if not document["hunt_groups"]:
        return
    group = data.draw(st.sampled_from(document["hunt_groups"]))
    document["night_mode"]["setting"] = "off"
    group["night_mode"] = "follow"
    call = data.draw(calls(document))
    call = engine.Call(group["extension"], call.at, (), call.busy, call.unreachable, call.no_answer)

    route = engine.simulate(document, call, history=history)
    expected = ringing(Reference(document, history), group, call.busy, call.unreachable)

    if isinstance(expected, str):
        assert route.problem == "missing_reference"
        assert route.steps[-1].node == expected
        return
    step = next(s for s in route.steps if s.kind == "hunt_group")
    assert step.params["ringing"] == [f"{u['first_name']} {u['last_name']}" for u in expected]
