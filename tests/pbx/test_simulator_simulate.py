"""The PBX simulator's call-flow endpoint (POST /v1/organisations/<id>/simulate) and PbxClient.simulate_call:
the PBX answers with the route of the document it has applied, which is what the portal's engine says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from pbx.callflow import engine
from pbx.simulator import RunningSimulator
from pbx.sync.client import PbxAuthError, PbxClient, PbxServerError, PbxUnavailable, PbxUnexpectedResponse

MakeConfig = Callable[..., dict[str, Any]]
AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2025, 6, 16, 10, 0, tzinfo=AMS)
SUNDAY_03 = datetime(2025, 6, 15, 3, 0, tzinfo=AMS)


@pytest.fixture
def client(pbx_simulator: RunningSimulator, pbx_token: str) -> Iterator[PbxClient]:
    with PbxClient(pbx_simulator.base_url, pbx_token, timeout=5) as pbx:
        yield pbx


@pytest.fixture
def http(pbx_simulator: RunningSimulator, pbx_token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=pbx_simulator.base_url, headers={"Authorization": f"Bearer {pbx_token}"}, timeout=5
    ) as raw:
        yield raw


def test_the_pbx_answers_with_the_route_of_its_applied_document(
    client: PbxClient, make_config: MakeConfig
) -> None:
    config = make_config()
    client.push_config(7, 3, config)
    call = engine.Call("201", MONDAY_10, busy=frozenset({"201"}))

    revision, route = client.simulate_call(7, call)

    assert revision == 3
    # Jan is busy: his busy forwarding sends the caller to the company voicemail.
    assert route.outcome == "voicemail"
    assert route.steps[-1].node == "voicemail:company"
    assert route == engine.simulate(config, call)


def test_the_answer_follows_the_newest_applied_revision(client: PbxClient, make_config: MakeConfig) -> None:
    config = make_config()
    client.push_config(7, 1, config)
    call = engine.Call("201", MONDAY_10, no_answer=frozenset({"201"}))
    assert client.simulate_call(7, call)[1].steps[-1].node == "user:u2"  # no answer → Piet, who answers

    config["users"][0]["forwarding"]["no_answer"] = {"type": "external", "number": "+31687654321"}
    client.push_config(7, 2, config)
    revision, route = client.simulate_call(7, call)

    assert revision == 2
    assert route.outcome == "external"
    assert route.steps[-1].node == "external:+31687654321"


def test_night_mode_on_the_pbx_depends_on_the_instant(client: PbxClient, make_config: MakeConfig) -> None:
    client.push_config(7, 1, make_config())

    _rev, day = client.simulate_call(7, engine.Call("+31201234567", MONDAY_10))
    _rev, night = client.simulate_call(7, engine.Call("+31201234567", SUNDAY_03))

    assert [s.kind for s in day.steps if s.kind == "night_mode"] == ["night_mode"]
    assert not next(s for s in day.steps if s.kind == "night_mode").params["active"]
    assert day.outcome == "answered"
    assert any(s.kind == "night_mode" and s.params["active"] for s in night.steps)
    assert night.steps[0].params["weekday"] == 6


def test_a_problem_route_travels_whole(client: PbxClient, make_config: MakeConfig) -> None:
    config = make_config()
    # Piet forwards unanswered calls back to Jan, who forwards them to Piet: a loop.
    config["users"][1]["forwarding"]["no_answer"] = {"type": "user", "key": "u1"}
    client.push_config(7, 1, config)

    _rev, route = client.simulate_call(7, engine.Call("201", MONDAY_10, no_answer=frozenset({"201", "202"})))

    assert route.outcome == "problem"
    assert route.problem == "loop"
    assert route.loop == ("user:u1", "user:u2")


def test_an_organisation_without_configuration_is_a_404(client: PbxClient, http: httpx.Client) -> None:
    with pytest.raises(PbxUnexpectedResponse) as caught:
        client.simulate_call(8, engine.Call("201", MONDAY_10))
    assert caught.value.status_code == 404

    answer = http.post("/v1/organisations/8/simulate", json={"dialled": "201", "at": MONDAY_10.isoformat()})
    assert answer.status_code == 404
    assert "no configuration" in answer.json()["error"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"at": "2025-06-16T10:00:00+02:00"}, "dialled:"),
        ({"dialled": "201", "at": "2025-06-16T10:00:00"}, "at: the date-time needs an offset"),
        ({"dialled": "201", "at": "tomorrow"}, "at:"),
        ({"dialled": "201", "at": "2025-06-16T10:00:00+02:00", "keys": "12"}, "keys:"),
        ({"dialled": "201", "at": "2025-06-16T10:00:00+02:00", "colour": "red"}, "colour: unknown field"),
        ([], "body:"),
    ],
)
def test_a_bad_call_is_refused_with_the_reason(
    http: httpx.Client, client: PbxClient, make_config: MakeConfig, body: Any, reason: str
) -> None:
    client.push_config(7, 1, make_config())

    answer = http.post("/v1/organisations/7/simulate", json=body)

    assert answer.status_code == 422
    assert answer.json()["errors"][0].startswith(reason)


def test_the_client_raises_its_usual_errors(
    pbx_simulator: RunningSimulator, make_config: MakeConfig, http: httpx.Client, client: PbxClient
) -> None:
    client.push_config(7, 1, make_config())
    call = engine.Call("201", MONDAY_10)
    with PbxClient(pbx_simulator.base_url, "wrong-token", timeout=5) as stranger, pytest.raises(PbxAuthError):
        stranger.simulate_call(7, call)

    http.post("/_faults", json={"fail_status": 503, "fail_count": 1})
    with pytest.raises(PbxServerError):
        client.simulate_call(7, call)
    assert client.simulate_call(7, call)[1].outcome == "answered"  # healed after one failure

    pbx_simulator.stop()
    with pytest.raises(PbxUnavailable):
        client.simulate_call(7, call)


def test_only_post_is_allowed(http: httpx.Client) -> None:
    answer = http.get("/v1/organisations/7/simulate")
    assert answer.status_code == 405


def test_simulating_changes_nothing_on_the_pbx(
    client: PbxClient, make_config: MakeConfig, http: httpx.Client
) -> None:
    client.push_config(7, 4, make_config())
    before = http.get("/v1/stats").json()

    client.simulate_call(7, engine.Call("202", MONDAY_10))

    after = http.get("/v1/stats").json()
    assert after == before
    applied = client.get_config(7)
    assert applied is not None and applied.revision == 4
