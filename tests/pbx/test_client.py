"""PbxClient: requests it sends, answers it parses, and how every failure maps to a typed PbxError."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.utils import translation

from pbx.domain.audio import tone_wav
from pbx.simulator import RunningSimulator
from pbx.sync.client import (
    AppliedConfig,
    PbxAuthError,
    PbxClient,
    PbxError,
    PbxRejected,
    PbxServerError,
    PbxTimeout,
    PbxUnavailable,
    PbxUnexpectedResponse,
    PushResult,
)
from pbx.sync.messages import error_text

Handler = Callable[[httpx.Request], httpx.Response]
MakeConfig = Callable[..., dict[str, Any]]


def mock_client(handler: Handler, base_url: str = "http://pbx.test", timeout: float = 5.0) -> PbxClient:
    return PbxClient(base_url, "secret-token", timeout=timeout, transport=httpx.MockTransport(handler))


def raising(exc_type: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return handler


def answering(status: int, body: Any = None, text: str | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text)
        return httpx.Response(status, json=body)

    return handler


def test_it_pushes_the_document_with_its_revision_and_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"applied_revision": 3, "status": "applied"})

    result = mock_client(handler).push_config(7, 3, {"schema_version": 1})

    assert result == PushResult(applied_revision=3, status="applied")
    assert result.applied
    (request,) = seen
    assert (request.method, request.url.path) == ("PUT", "/v1/organisations/7/config")
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert json.loads(request.content) == {"revision": 3, "config": {"schema_version": 1}}


def test_it_reports_a_push_the_pbx_ignored_as_older() -> None:
    client = mock_client(answering(200, {"applied_revision": 9, "status": "ignored_older"}))

    result = client.push_config(7, 3, {})

    assert result == PushResult(applied_revision=9, status="ignored_older")
    assert not result.applied


def test_it_keeps_the_path_of_the_base_url_and_uses_the_timeout() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"applied_revision": 1, "status": "applied"})

    mock_client(handler, base_url="http://pbx.test/api", timeout=2.5).push_config(7, 1, {})

    assert seen[0].url.path == "/api/v1/organisations/7/config"
    assert seen[0].extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_it_returns_the_applied_config() -> None:
    body = {"revision": 4, "config": {"schema_version": 1}, "applied_at": "2025-06-13T09:12:44.123+00:00"}

    applied = mock_client(answering(200, body)).get_config(7)

    assert applied == AppliedConfig(
        revision=4,
        config={"schema_version": 1},
        applied_at=datetime(2025, 6, 13, 9, 12, 44, 123000, tzinfo=UTC),
    )


def test_it_returns_none_when_nothing_was_pushed() -> None:
    assert mock_client(answering(404, {"error": "no configuration"})).get_config(7) is None


ERRORS = [
    pytest.param(
        raising(httpx.ConnectError), PbxUnavailable, True, "De centrale is niet bereikbaar", id="connect"
    ),
    pytest.param(
        raising(httpx.ConnectTimeout),
        PbxUnavailable,
        True,
        "De centrale is niet bereikbaar",
        id="connect-timeout",
    ),
    pytest.param(
        raising(httpx.ReadTimeout), PbxTimeout, True, "De centrale reageerde niet op tijd", id="read-timeout"
    ),
    pytest.param(
        raising(httpx.RemoteProtocolError),
        PbxUnavailable,
        True,
        "De centrale is niet bereikbaar",
        id="hang-up",
    ),
    pytest.param(
        answering(500, {"error": "boom"}),
        PbxServerError,
        True,
        "De centrale gaf een fout (HTTP 500)",
        id="500",
    ),
    pytest.param(
        answering(503, text="<h1>Service Unavailable</h1>"),
        PbxServerError,
        True,
        "De centrale gaf een fout (HTTP 503)",
        id="503",
    ),
    pytest.param(
        answering(401, {"error": "missing or wrong bearer token"}),
        PbxAuthError,
        False,
        "Toegang tot de centrale geweigerd (controleer het token)",
        id="401",
    ),
    pytest.param(
        answering(422, {"errors": ["barring.mobile: expected true or false", "night_mode: is required"]}),
        PbxRejected,
        False,
        "De centrale weigerde de configuratie: barring.mobile: expected true or false",
        id="422",
    ),
    pytest.param(
        answering(422, text="nope"),
        PbxRejected,
        False,
        "De centrale weigerde de configuratie",
        id="422-no-reasons",
    ),
    pytest.param(
        answering(404, {"error": "no such endpoint"}),
        PbxUnexpectedResponse,
        False,
        "De centrale gaf een onverwacht antwoord",
        id="404",
    ),
    pytest.param(
        answering(200, text="<html>proxy login</html>"),
        PbxUnexpectedResponse,
        False,
        "De centrale gaf een onverwacht antwoord",
        id="200-not-json",
    ),
    pytest.param(
        answering(200, {"ok": True}),
        PbxUnexpectedResponse,
        False,
        "De centrale gaf een onverwacht antwoord",
        id="200-wrong-json",
    ),
]


def _worded(error: PbxError) -> str:
    """What a Dutch status line says about the error (the client itself has no words)."""
    with translation.override("nl"):
        return error_text(error.code, error.params)


@pytest.mark.parametrize(("handler", "error", "retryable", "user_message"), ERRORS)
def test_it_maps_a_failed_push_to_a_typed_error(
    handler: Handler, error: type[PbxError], retryable: bool, user_message: str
) -> None:
    with pytest.raises(error) as caught:
        mock_client(handler).push_config(7, 1, {})

    assert type(caught.value) is error
    assert caught.value.retryable is retryable
    assert _worded(caught.value) == user_message
    assert "PUT /v1/organisations/7/config" in str(caught.value)


def test_it_keeps_every_reason_of_a_rejection() -> None:
    reasons = ["barring.mobile: expected true or false", "night_mode: is required"]

    with pytest.raises(PbxRejected) as caught:
        mock_client(answering(422, {"errors": reasons})).push_config(7, 1, {})

    assert caught.value.errors == reasons
    assert caught.value.status_code == 422


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (answering(503, {"error": "injected fault: HTTP 503"}), PbxServerError),
        (answering(401, {"error": "missing or wrong bearer token"}), PbxAuthError),
        (raising(httpx.ReadTimeout), PbxTimeout),
    ],
)
def test_it_maps_a_failed_read_like_a_failed_push(handler: Handler, error: type[PbxError]) -> None:
    with pytest.raises(error):
        mock_client(handler).get_config(7)


def test_it_treats_a_misconfigured_url_as_a_permanent_error() -> None:
    with pytest.raises(PbxError) as caught:
        mock_client(raising(httpx.UnsupportedProtocol)).push_config(7, 1, {})

    assert caught.value.retryable is False
    assert caught.value.code == "error" and _worded(caught.value)


@pytest.mark.parametrize(
    ("handler", "healthy"),
    [
        (answering(200, {"status": "ok"}), True),
        (answering(503, {"status": "ok"}), False),
        (answering(200, ["ok"]), False),
        (answering(200, text="ok"), False),
        (raising(httpx.ConnectError), False),
        (raising(httpx.ReadTimeout), False),
    ],
)
def test_it_reports_health_without_raising(handler: Handler, healthy: bool) -> None:
    assert mock_client(handler).health() is healthy


def test_it_probes_health_without_a_token_and_with_its_own_short_timeout() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok"})

    assert mock_client(handler, timeout=5.0).health(timeout=0.5) is True
    assert [request.url.path for request in seen] == ["/health"]
    assert seen[0].extensions["timeout"] == {"connect": 0.5, "read": 0.5, "write": 0.5, "pool": 0.5}


@pytest.fixture
def client(pbx_simulator: RunningSimulator, pbx_token: str) -> Iterator[PbxClient]:
    with PbxClient(pbx_simulator.base_url, pbx_token, timeout=2.0) as client:
        yield client


def test_it_pushes_and_reads_back_against_the_simulator(client: PbxClient, make_config: MakeConfig) -> None:
    config = make_config()

    first = client.push_config(7, 1, config)
    again = client.push_config(7, 1, config)
    applied = client.get_config(7)

    assert client.health() is True
    assert first == PushResult(applied_revision=1, status="applied")
    assert again == PushResult(applied_revision=1, status="ignored_older")
    assert applied is not None
    assert (applied.revision, applied.config) == (1, config)
    assert applied.applied_at.tzinfo is not None
    assert client.get_config(8) is None


def test_it_maps_the_simulators_failures(
    client: PbxClient, pbx_simulator: RunningSimulator, pbx_token: str, make_config: MakeConfig
) -> None:
    config = make_config()
    config["users"][0]["extension"] = "1"
    with pytest.raises(PbxRejected) as rejected:
        client.push_config(7, 1, config)
    with PbxClient(pbx_simulator.base_url, "not-the-token") as intruder, pytest.raises(PbxAuthError):
        intruder.push_config(7, 1, make_config())
    httpx.post(
        f"{pbx_simulator.base_url}/_faults",
        headers={"Authorization": f"Bearer {pbx_token}"},
        json={"fail_status": 503, "fail_count": 1},
    )
    with pytest.raises(PbxServerError) as failed:
        client.push_config(7, 1, make_config())
    httpx.post(
        f"{pbx_simulator.base_url}/_faults",
        headers={"Authorization": f"Bearer {pbx_token}"},
        json={"delay_ms": 1000},
    )
    with PbxClient(pbx_simulator.base_url, pbx_token, timeout=0.2) as impatient, pytest.raises(PbxTimeout):
        impatient.push_config(7, 1, make_config())

    assert _worded(rejected.value) == (
        "De centrale weigerde de configuratie: users[0].extension: an extension is 2 to 4 digits"
    )
    assert _worded(failed.value) == "De centrale gaf een fout (HTTP 503)"


def test_it_uploads_audio_the_simulator_lacks_and_then_the_document_that_uses_it(
    client: PbxClient, make_config: MakeConfig
) -> None:
    wav = tone_wav(0.2)
    sha256 = hashlib.sha256(wav).hexdigest()
    config = make_config()
    config["users"][0]["greeting"] = {"audio": sha256}

    before = client.audio_present(7)
    with pytest.raises(PbxRejected) as refused:
        client.push_config(7, 1, config)
    stored, again = client.put_audio(7, sha256, wav), client.put_audio(7, sha256, wav)

    assert before == set()
    assert refused.value.errors == [f"users[0].greeting.audio: audio {sha256} has not been uploaded"]
    assert (stored, again) == (True, False)
    assert client.audio_present(7) == {sha256}
    assert client.push_config(7, 1, config).applied


def test_it_raises_rejected_for_audio_the_simulator_refuses(client: PbxClient) -> None:
    text = b"Dit is geen geluid"

    with pytest.raises(PbxRejected) as refused:
        client.put_audio(7, hashlib.sha256(text).hexdigest(), text)

    assert refused.value.errors == ["body: not a WAV file (no RIFF/WAVE header)"]
    assert _worded(refused.value) == (
        "De centrale weigerde de configuratie: body: not a WAV file (no RIFF/WAVE header)"
    )


def test_it_sends_audio_as_wav_bytes_to_its_sha256() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"sha256": "ab" * 32, "status": "stored"})

    assert mock_client(handler).put_audio(7, "ab" * 32, b"RIFF....WAVE") is True
    assert (seen[0].method, seen[0].url.path) == ("PUT", f"/v1/organisations/7/audio/{'ab' * 32}")
    assert (seen[0].headers["Content-Type"], seen[0].content) == ("audio/wav", b"RIFF....WAVE")


@pytest.mark.parametrize("body", [{"audio": [{"size": 3}]}, {"files": []}, ["ab"]])
def test_it_calls_an_audio_list_outside_the_api_unexpected(body: Any) -> None:
    with pytest.raises(PbxUnexpectedResponse):
        mock_client(answering(200, body)).audio_present(7)


def test_it_reports_a_stopped_simulator_as_unavailable(
    client: PbxClient, pbx_simulator: RunningSimulator, make_config: MakeConfig
) -> None:
    client.push_config(7, 1, make_config())  # Leaves a pooled keep-alive connection behind.
    pbx_simulator.stop()

    with pytest.raises(PbxUnavailable) as caught:
        client.push_config(7, 2, make_config())

    assert caught.value.retryable is True
    assert _worded(caught.value) == "De centrale is niet bereikbaar"
    assert client.health() is False
