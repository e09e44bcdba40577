"""The PBX simulator: API, revision rule, persistence, validation and fault switches."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbx.domain.audio import tone_wav
from pbx.simulator import ConfigStore, RunningSimulator, validate_config

ROOT = Path(__file__).resolve().parents[2]
MakeConfig = Callable[..., dict[str, Any]]


def _group(key: str = "g1", **changes: Any) -> dict[str, Any]:
    """A valid hunt group of the fixture's users (docs/pbx-config.md, "hunt_groups")."""
    group: dict[str, Any] = {
        "key": key,
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
    group.update(changes)
    return group


@pytest.fixture
def http(pbx_simulator: RunningSimulator, pbx_token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=pbx_simulator.base_url, headers={"Authorization": f"Bearer {pbx_token}"}, timeout=10
    ) as client:
        yield client


def put(http: httpx.Client, revision: int, config: dict[str, Any], org_id: int = 7) -> httpx.Response:
    return http.put(f"/v1/organisations/{org_id}/config", json={"revision": revision, "config": config})


def test_it_answers_health_without_a_token(pbx_simulator: RunningSimulator) -> None:
    response = httpx.get(f"{pbx_simulator.base_url}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dGVzdC1wYngtdG9rZW4="}],
    ids=["missing", "wrong-token", "wrong-scheme"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/organisations/7/config"),
        ("PUT", "/v1/organisations/7/config"),
        ("GET", "/v1/stats"),
        ("GET", "/_faults"),
        ("POST", "/_faults"),
    ],
)
def test_it_requires_the_bearer_token(
    pbx_simulator: RunningSimulator, make_config: MakeConfig, headers: dict[str, str], method: str, path: str
) -> None:
    response = httpx.request(
        method, pbx_simulator.base_url + path, headers=headers, json={"revision": 1, "config": make_config()}
    )

    assert response.status_code == 401
    assert response.json() == {"error": "missing or wrong bearer token"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_it_returns_the_pushed_config(http: httpx.Client, make_config: MakeConfig) -> None:
    config = make_config()

    pushed = put(http, 3, config)
    fetched = http.get("/v1/organisations/7/config")

    assert pushed.status_code == 200
    assert pushed.json() == {"applied_revision": 3, "status": "applied"}
    assert fetched.status_code == 200
    body = fetched.json()
    assert body["revision"] == 3
    assert body["config"] == config
    applied_at = datetime.fromisoformat(body["applied_at"])
    assert applied_at.utcoffset() is not None
    assert abs((datetime.now(UTC) - applied_at).total_seconds()) < 60


def test_it_answers_404_for_an_organisation_without_config(http: httpx.Client) -> None:
    response = http.get("/v1/organisations/8/config")

    assert response.status_code == 404
    assert "error" in response.json()


def test_it_answers_404_and_405_for_unknown_endpoints_and_methods(http: httpx.Client) -> None:
    assert http.get("/v1/organisations/abc/config").status_code == 404
    assert http.get("/nope").status_code == 404
    assert http.delete("/v1/organisations/7/config").status_code == 405


def test_it_ignores_an_older_revision(http: httpx.Client, make_config: MakeConfig) -> None:
    put(http, 5, make_config(name="vijf"))

    response = put(http, 4, make_config(name="vier"))

    assert response.status_code == 200
    assert response.json() == {"applied_revision": 5, "status": "ignored_older"}
    stored = http.get("/v1/organisations/7/config").json()
    assert (stored["revision"], stored["config"]["organisation"]["name"]) == (5, "vijf")


def test_it_treats_the_same_revision_twice_as_idempotent(http: httpx.Client, make_config: MakeConfig) -> None:
    first = put(http, 2, make_config(name="eerste"))
    applied_at = http.get("/v1/organisations/7/config").json()["applied_at"]

    second = put(http, 2, make_config(name="tweede"))

    assert first.json() == {"applied_revision": 2, "status": "applied"}
    assert second.json() == {"applied_revision": 2, "status": "ignored_older"}
    stored = http.get("/v1/organisations/7/config").json()
    assert stored["config"]["organisation"]["name"] == "eerste"
    assert stored["applied_at"] == applied_at


def test_it_keeps_organisations_apart(http: httpx.Client, make_config: MakeConfig) -> None:
    put(http, 9, make_config(org_id=7), org_id=7)

    response = put(http, 1, make_config(org_id=8), org_id=8)

    assert response.json() == {"applied_revision": 1, "status": "applied"}
    assert http.get("/v1/organisations/7/config").json()["revision"] == 9


def test_it_keeps_the_highest_of_concurrent_pushes(http: httpx.Client, make_config: MakeConfig) -> None:
    revisions = list(range(1, 51))
    random.Random(20250613).shuffle(revisions)
    start = threading.Barrier(len(revisions))

    def push(revision: int) -> dict[str, Any]:
        start.wait()  # Release all pushes at once so that they really race.
        return put(http, revision, make_config(name=f"revisie {revision}")).json()

    with ThreadPoolExecutor(max_workers=len(revisions)) as pool:
        answers = list(pool.map(push, revisions))

    stored = http.get("/v1/organisations/7/config").json()
    assert (stored["revision"], stored["config"]["organisation"]["name"]) == (50, "revisie 50")
    assert {answer["status"] for answer in answers} <= {"applied", "ignored_older"}
    assert [a["status"] for a, r in zip(answers, revisions, strict=True) if r == 50] == ["applied"]
    stats = http.get("/v1/stats").json()
    assert stats["puts_received"] == 50
    assert stats["puts_applied"] + stats["puts_ignored"] == 50


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=30))
def test_it_stores_the_highest_revision_of_any_push_sequence(revisions: list[int]) -> None:
    store = ConfigStore(":memory:")
    try:
        highest = 0
        for revision in revisions:
            result = store.apply(7, revision, {"revision": revision})
            assert result.applied == (revision > highest)
            highest = max(highest, revision)
            assert result.revision == highest
        stored = store.get(7)
        assert stored is not None
        assert (stored.revision, stored.config) == (highest, {"revision": highest})
    finally:
        store.close()


def test_it_keeps_state_across_a_restart(
    pbx_simulator: RunningSimulator, pbx_db: Path, pbx_token: str, make_config: MakeConfig
) -> None:
    headers = {"Authorization": f"Bearer {pbx_token}"}
    httpx.put(
        f"{pbx_simulator.base_url}/v1/organisations/7/config",
        headers=headers,
        json={"revision": 4, "config": make_config()},
    )
    pbx_simulator.stop()

    with RunningSimulator(pbx_db, pbx_token) as restarted:
        stored = httpx.get(f"{restarted.base_url}/v1/organisations/7/config", headers=headers)
        older = httpx.put(
            f"{restarted.base_url}/v1/organisations/7/config",
            headers=headers,
            json={"revision": 3, "config": make_config()},
        )

    assert stored.status_code == 200
    assert stored.json()["revision"] == 4
    assert stored.json()["config"] == make_config()
    assert older.json() == {"applied_revision": 4, "status": "ignored_older"}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets a dotted path ("schedules.time.0.ranges.1.from") in a document."""

    def mutate(config: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = config
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(config: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = config
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


MALFORMED = [
    (_delete("barring"), "barring: is required"),
    (_set("colour", "blue"), "colour: unknown field"),
    (_set("barring.mobile", "yes"), "barring.mobile: expected true or false"),
    (_set("barring.premium_900", True), "barring.premium_900: unknown field"),
    (_set("organisation.id", True), "organisation.id: expected an integer"),
    (_set("organisation.name", "  "), "organisation.name: expected a non-empty string"),
    (_set("organisation.time_zone", "Europe/Amsterdm"), "organisation.time_zone: unknown time zone"),
    (
        _set("organisation.time_zone", "../../etc/passwd"),
        "organisation.time_zone: expected an IANA time zone",
    ),
    (_set("night_mode.setting", "sometimes"), "night_mode.setting: must be one of: off, on, auto"),
    (
        _set("night_mode.time_schedule", "weekend"),
        "night_mode.time_schedule: refers to unknown time schedule",
    ),
    (
        _set("night_mode.holiday_schedule", "kantoortijden"),
        "night_mode.holiday_schedule: refers to unknown holiday schedule",
    ),
    (
        lambda c: c["night_mode"].update(time_schedule=None, holiday_schedule=None),
        "night_mode.setting: auto needs a time_schedule or a holiday_schedule",
    ),
    (
        _set("night_mode.override", {"active": True, "until": "tomorrow"}),
        "night_mode.override.until: expected",
    ),
    (_set("night_mode.override", {"active": True}), "night_mode.override.until: is required"),
    (
        _set("night_mode.destination", {"type": "extension", "extension": "205"}),
        "night_mode.destination: extension '205' is not a user, hunt group or IVR menu",
    ),
    (
        _set("night_mode.destination", {"type": "external", "number": "0612345678"}),
        "night_mode.destination.number: expected an E.164 number",
    ),
    (
        _set("night_mode.destination", {"type": "user", "key": "u9"}),
        "night_mode.destination.key: no such user, hunt group or IVR menu",
    ),
    (_set("night_mode.destination", {"type": "phone"}), "night_mode.destination.type: must be one of"),
    (_set("night_mode.destination", None), "night_mode.destination: expected a destination object"),
    (
        _set("night_mode.destination", {"type": "voicemail", "key": "u1"}),
        "night_mode.destination.key: unknown field",
    ),
    (_set("schedules.time.0.ranges.1.from", "8:30"), "schedules.time[0].ranges[1].from: expected HH:MM"),
    (_set("schedules.time.0.ranges.1.to", "24:01"), "schedules.time[0].ranges[1].to: expected HH:MM"),
    (
        _set("schedules.time.0.ranges.1.to", "08:00"),
        "schedules.time[0].ranges[1].to: must be later than from",
    ),
    (_set("schedules.time.0.ranges.0.day", 7), "schedules.time[0].ranges[0].day: must be between 0 and 6"),
    (_set("schedules.time.1.key", "kantoortijden"), "schedules.time[1].key: duplicate key 'kantoortijden'"),
    (_set("schedules.holiday", {}), "schedules.holiday: expected a list"),
    (
        _set("schedules.holiday.0.entries.0.end", "2025-02-30"),
        "schedules.holiday[0].entries[0].end: not a valid YYYY-MM-DD",
    ),
    (
        _set("schedules.holiday.0.entries.0.end", "2025-04-26T18:00"),
        "schedules.holiday[0].entries[0].end: must have the same form as start",
    ),
    (
        _set("schedules.holiday.0.entries.0.end", "2025-04-25"),
        "schedules.holiday[0].entries[0].end: must not be before start",
    ),
    (_delete("users"), "users: is required"),
    (_set("users.1.key", "u1"), "users[1].key: duplicate key 'u1'"),
    (_delete("users.0.voicemail"), "users[0].voicemail: is required"),
    (_set("users.0.nickname", "Jantje"), "users[0].nickname: unknown field"),
    (_set("users.0.extension", "٢٠١"), "users[0].extension: an extension is 2 to 4 digits"),
    (_set("users.0.extension", "1"), "users[0].extension: an extension is 2 to 4 digits"),
    (_set("users.0.extension", "12345"), "users[0].extension: an extension is 2 to 4 digits"),
    (_set("users.0.extension", "999"), "users[0].extension: 999 is the company voicemail"),
    (_set("users.0.extension", "112"), "users[0].extension: an emergency number"),
    (_set("users.0.extension", "012"), "users[0].extension: an extension cannot start with 0"),
    (_set("users.0.extension", None), "users[0].extension: expected an extension"),
    (_set("users.1.extension", "201"), "users[1].extension: 201 is also the extension of users[0]"),
    (
        _set("hunt_groups", [_group(extension="202")]),
        "hunt_groups[0].extension: 202 is also the extension of users[1]",
    ),
    (_set("users.1.external_number", "0201234567"), "users[1].external_number: expected an E.164 number"),
    (
        _set("users.1.external_number", "+31201234567"),
        "users[1].external_number: +31201234567 is also the external number of users[0]",
    ),
    (_set("users.0.app_login", {"username": "jan"}), "users[0].app_login.secret: is required"),
    (_set("users.0.app_login.password", "geheim"), "users[0].app_login.password: unknown field"),
    (
        _set("users.0.voicemail.email", None),
        "users[0].voicemail.email: is required when voicemail is enabled",
    ),
    (_set("users.0.voicemail.copy_email", "jan"), "users[0].voicemail.copy_email: expected an e-mail"),
    (_set("users.0.voicemail.direct", "ja"), "users[0].voicemail.direct: expected true or false"),
    (_set("users.0.greeting", {"audio": "begroeting.wav"}), "users[0].greeting.audio: expected a sha256"),
    (
        _set("users.0.after_greeting", {"action": "forward", "destination": None}),
        "users[0].after_greeting.destination: is required when the action is forward",
    ),
    (
        _set("users.0.after_greeting", {"action": "hang_up", "destination": {"type": "voicemail"}}),
        "users[0].after_greeting.destination: must be null when the action is hang_up",
    ),
    (
        _set("users.1.forwarding.busy", {"type": "user", "key": "u7"}),
        "users[1].forwarding.busy.key: no such user, hunt group or IVR menu",
    ),
    (
        _set("users.1.forwarding.always", {"type": "hunt_group", "key": "u1"}),
        "users[1].forwarding.always.key: 'u1' is not a hunt group",
    ),
    (
        _set("users.0.forwarding.unreachable", {"type": "external", "number": "abc"}),
        "users[0].forwarding.unreachable.number: expected an E.164 number",
    ),
    (
        _set("users.0.forwarding.no_answer_seconds", 61),
        "users[0].forwarding.no_answer_seconds: must be between 5",
    ),
    (
        _set("users.0.forwarding.no_answer_seconds", 4),
        "users[0].forwarding.no_answer_seconds: must be between 5",
    ),
    (_set("users.0.night_mode", "auto"), "users[0].night_mode: must be one of: follow, on, off"),
    (_set("hunt_groups", [{"name": "Verkoop"}]), "hunt_groups[0].key: is required"),
    (_set("ivr_menus", {"key": "hoofdmenu"}), "ivr_menus: expected a list"),
    (_set("schema_version", 1), "schema_version: unsupported version 1, expected 3"),
]


@pytest.mark.parametrize(("mutate", "reason"), MALFORMED, ids=[reason for _, reason in MALFORMED])
def test_it_reports_where_a_document_is_malformed(
    make_config: MakeConfig, mutate: Callable[[dict[str, Any]], None], reason: str
) -> None:
    config = make_config()
    mutate(config)

    errors = validate_config(config)

    assert any(error.startswith(reason) for error in errors), errors


def test_it_accepts_the_valid_fixture_and_keyed_sections(make_config: MakeConfig) -> None:
    config = make_config()
    config["hunt_groups"] = [_group("g1"), _group("g2", extension="301", overflow=None, members=[])]
    config["ivr_menus"] = []
    config["users"][1]["forwarding"]["always"] = {"type": "hunt_group", "key": "g2"}

    assert validate_config(config) == []


def test_it_reports_every_reference_problem_next_to_the_structural_ones(make_config: MakeConfig) -> None:
    config = make_config()
    config["barring"]["mobile"] = "nee"
    config["users"][0]["forwarding"]["no_answer"] = {"type": "user", "key": "u8"}
    config["users"][1]["forwarding"]["busy"] = {"type": "ivr_menu", "key": "m1"}

    assert validate_config(config) == [
        "barring.mobile: expected true or false",
        "users[0].forwarding.no_answer.key: no such user, hunt group or IVR menu",
        "users[1].forwarding.busy.key: no such user, hunt group or IVR menu",
    ]


def test_it_accepts_the_documented_example() -> None:
    text = (ROOT / "docs" / "pbx-config.md").read_text(encoding="utf-8")
    example = next(
        block for block in re.findall(r"```json\n(.*?)```", text, re.S) if "schema_version" in block
    )

    assert validate_config(json.loads(example)) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "body: invalid JSON"),
        (b"[]", "body: expected an object"),
        (b'{"config": {}}', "revision: is required"),
        (b'{"revision": 0, "config": {}}', "revision: must be between 1 and"),
        (b'{"revision": "3", "config": {}}', "revision: expected an integer"),
        (b'{"revision": 1}', "config: is required"),
        (b'{"revision": 1, "config": [], "note": 1}', "note: unknown field"),
    ],
)
def test_it_answers_422_for_a_malformed_body(http: httpx.Client, body: bytes, reason: str) -> None:
    response = http.put(
        "/v1/organisations/7/config", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert any(error.startswith(reason) for error in response.json()["errors"]), response.json()


def test_it_answers_422_with_every_reason_and_stores_nothing(
    http: httpx.Client, make_config: MakeConfig
) -> None:
    config = make_config()
    config["barring"]["mobile"] = "nee"
    config["schedules"]["time"][0]["ranges"][0]["from"] = "25:00"

    response = put(http, 1, config)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        "barring.mobile: expected true or false",
        "schedules.time[0].ranges[0].from: expected HH:MM",
    ]
    assert http.get("/v1/organisations/7/config").status_code == 404


def test_it_refuses_a_document_for_another_organisation(http: httpx.Client, make_config: MakeConfig) -> None:
    response = put(http, 1, make_config(org_id=8), org_id=7)

    assert response.status_code == 422
    assert response.json()["errors"] == ["organisation.id: 8 does not match the organisation in the URL (7)"]


WAV = tone_wav(0.2)


def _riff(format_tag: int) -> bytes:
    """A RIFF/WAVE file whose samples are not PCM (0x55: MP3 inside a WAV container)."""
    fmt = struct.pack("<HHIIHH", format_tag, 1, 8000, 16000, 2, 16)
    data = bytes(1000)
    body = (
        b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


WAV_SHA256 = hashlib.sha256(WAV).hexdigest()


def put_audio(http: httpx.Client, data: bytes, sha256: str | None = None, org_id: int = 7) -> httpx.Response:
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    return http.put(
        f"/v1/organisations/{org_id}/audio/{sha256}", content=data, headers={"Content-Type": "audio/wav"}
    )


def test_it_stores_audio_by_its_sha256_and_lists_it(http: httpx.Client) -> None:
    first = put_audio(http, WAV)
    again = put_audio(http, WAV)

    assert (first.status_code, first.json()) == (201, {"sha256": WAV_SHA256, "status": "stored"})
    assert (again.status_code, again.json()) == (200, {"sha256": WAV_SHA256, "status": "exists"})
    listed = http.get("/v1/organisations/7/audio").json()["audio"]
    assert [(item["sha256"], item["size"]) for item in listed] == [(WAV_SHA256, len(WAV))]
    fetched = http.get(f"/v1/organisations/7/audio/{WAV_SHA256}")
    assert (fetched.headers["Content-Type"], fetched.content) == ("audio/wav", WAV)
    # Per organisation: another one has none of it.
    assert http.get("/v1/organisations/8/audio").json() == {"audio": []}
    assert http.get(f"/v1/organisations/8/audio/{WAV_SHA256}").status_code == 404


@pytest.mark.parametrize(
    ("data", "sha256", "reason"),
    [
        (WAV, "0" * 64, f"body: its sha256 is {WAV_SHA256}, not the {'0' * 64} of the path"),
        (
            b"Dit is een tekstbestand met de naam begroeting.wav",
            None,
            "body: not a WAV file (no RIFF/WAVE header)",
        ),
        (b"ID3\x04\x00" + bytes(2000), None, "body: not a WAV file (no RIFF/WAVE header)"),
        (_riff(format_tag=0x55), None, "body: a WAV file without PCM samples"),
        (b"", None, "body: the file is empty"),
        (WAV[:44] + bytes(10), None, "body: a WAV header that does not add up"),
    ],
    ids=["wrong-hash", "text", "mp3", "mp3-in-wav", "empty", "truncated"],
)
def test_it_refuses_audio_that_is_not_what_it_claims(
    http: httpx.Client, data: bytes, sha256: str | None, reason: str
) -> None:
    response = put_audio(http, data, sha256)

    assert response.status_code == 422
    assert response.json() == {"errors": [reason]}
    assert http.get("/v1/organisations/7/audio").json() == {"audio": []}


def test_it_answers_404_for_audio_not_named_by_a_sha256(http: httpx.Client) -> None:
    assert put_audio(http, WAV, "begroeting.wav").status_code == 404
    assert http.get(f"/v1/organisations/7/audio/{WAV_SHA256.upper()}").status_code == 404
    assert http.delete(f"/v1/organisations/7/audio/{WAV_SHA256}").status_code == 405


def test_it_refuses_a_document_whose_greeting_it_does_not_have(
    http: httpx.Client, make_config: MakeConfig
) -> None:
    config = make_config()
    config["users"][1]["greeting"] = {"audio": WAV_SHA256}

    refused = put(http, 1, config)
    put_audio(http, WAV, org_id=8)  # Another organisation's audio does not count.
    still_refused = put(http, 1, config)
    put_audio(http, WAV)
    applied = put(http, 1, config)

    reason = f"users[1].greeting.audio: audio {WAV_SHA256} has not been uploaded"
    assert (refused.status_code, refused.json()) == (422, {"errors": [reason]})
    assert still_refused.json() == {"errors": [reason]}
    assert applied.json() == {"applied_revision": 1, "status": "applied"}


def test_it_keeps_audio_across_a_restart(
    pbx_simulator: RunningSimulator, pbx_db: Path, pbx_token: str
) -> None:
    headers = {"Authorization": f"Bearer {pbx_token}"}
    httpx.put(f"{pbx_simulator.base_url}/v1/organisations/7/audio/{WAV_SHA256}", headers=headers, content=WAV)
    pbx_simulator.stop()

    with RunningSimulator(pbx_db, pbx_token) as restarted:
        fetched = httpx.get(f"{restarted.base_url}/v1/organisations/7/audio/{WAV_SHA256}", headers=headers)

    assert fetched.content == WAV


def test_it_delays_config_requests_but_not_health(http: httpx.Client, make_config: MakeConfig) -> None:
    assert http.post("/_faults", json={"delay_ms": 500}).status_code == 200

    started = time.monotonic()
    pushed = put(http, 1, make_config())
    delayed = time.monotonic() - started
    started = time.monotonic()
    http.get("/health")
    healthy = time.monotonic() - started

    assert pushed.json()["status"] == "applied"
    assert delayed >= 0.5
    assert healthy < 0.4


def test_it_fails_the_next_requests_then_heals(http: httpx.Client, make_config: MakeConfig) -> None:
    shown = http.post("/_faults", json={"fail_status": 503, "fail_count": 2}).json()

    failures = [put(http, 1, make_config()) for _ in range(2)]
    healed = put(http, 1, make_config())

    assert shown == {"delay_ms": 0, "fail_status": 503, "fail_count": 2}
    assert [response.status_code for response in failures] == [503, 503]
    assert failures[0].json() == {"error": "injected fault: HTTP 503"}
    assert healed.json() == {"applied_revision": 1, "status": "applied"}
    assert http.get("/_faults").json() == {"delay_ms": 0, "fail_status": None, "fail_count": None}
    stats = http.get("/v1/stats").json()
    assert (stats["puts_received"], stats["puts_failed"], stats["puts_applied"]) == (3, 2, 1)


def test_it_fails_until_the_faults_are_cleared(http: httpx.Client, make_config: MakeConfig) -> None:
    http.post("/_faults", json={"fail_status": 500, "fail_count": None})

    failures = [http.get("/v1/organisations/7/config").status_code for _ in range(5)]
    shown = http.get("/_faults").json()
    cleared = http.delete("/_faults").json()
    healed = put(http, 1, make_config())

    assert failures == [500] * 5
    assert shown == {"delay_ms": 0, "fail_status": 500, "fail_count": None}
    assert cleared == {"delay_ms": 0, "fail_status": None, "fail_count": None}
    assert healed.status_code == 200


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        ({"fail_status": 404}, "fail_status: must be 500, 503 or null"),
        ({"delay_ms": -1}, "delay_ms: must be an integer"),
        ({"fail_status": 503, "fail_count": 0}, "fail_count: must be an integer >= 1"),
        ({"refuse": True}, "refuse: unknown field"),
    ],
)
def test_it_rejects_invalid_fault_switches(http: httpx.Client, faults: dict[str, Any], reason: str) -> None:
    response = http.post("/_faults", json=faults)

    assert response.status_code == 422
    assert response.json()["errors"][0].startswith(reason)


def test_it_counts_pushes_per_organisation_and_resets(http: httpx.Client, make_config: MakeConfig) -> None:
    put(http, 2, make_config())
    put(http, 1, make_config())
    put(http, 1, {"schema_version": 1})
    http.get("/v1/organisations/7/config")

    stats = http.get("/v1/stats").json()
    reset = http.delete("/v1/stats").json()

    expected = {
        "puts_received": 3,
        "puts_applied": 1,
        "puts_ignored": 1,
        "puts_rejected": 1,
        "puts_failed": 0,
        "gets": 1,
    }
    assert stats == {**expected, "organisations": {"7": expected}}
    assert reset == {**dict.fromkeys(expected, 0), "organisations": {}}


def _start_process(tmp_path: Path, token: str) -> tuple[subprocess.Popen[str], str, queue.Queue[str]]:
    """Starts `python -m pbx.simulator --port 0` and returns it with its URL and a queue of its log lines."""
    env = {**os.environ, "PBX_SIMULATOR_TOKEN": token, "PBX_SIMULATOR_DB": str(tmp_path / "process.sqlite3")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "pbx.simulator", "--port", "0"],
        cwd=tmp_path,  # Not the repository: the token and database must come from the environment.
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            assert process.poll() is None, "the simulator exited during start-up"
            continue
        if match := re.search(r"listening on (http://\S+)", line):
            return process, match[1], lines
    process.kill()
    raise AssertionError("the simulator did not report its address")


def test_it_runs_as_a_process_and_stops_cleanly_on_sigterm(tmp_path: Path, make_config: MakeConfig) -> None:
    process, url, lines = _start_process(tmp_path, "process-token")
    try:
        headers = {"Authorization": "Bearer process-token"}
        pushed = httpx.put(
            f"{url}/v1/organisations/7/config", headers=headers, json={"revision": 1, "config": make_config()}
        )
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    time.sleep(0.1)  # Let the reader thread drain the last lines.
    log = "".join(iter_queue(lines))

    assert pushed.json() == {"applied_revision": 1, "status": "applied"}
    assert returncode == 0
    assert '"PUT /v1/organisations/7/config" 200 applied revision 1' in log
    assert "received SIGTERM" in log
    assert "pbx-simulator stopped" in log
    assert (tmp_path / "process.sqlite3").exists()


def iter_queue(lines: queue.Queue[str]) -> Iterator[str]:
    while True:
        try:
            yield lines.get_nowait()
        except queue.Empty:
            return


def test_it_imports_without_django() -> None:
    # The simulator and the client must stay usable outside Django (separate process, worker).
    code = "import sys, pbx.simulator.__main__, pbx.sync.client; sys.exit('django' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stderr
