"""HTTP server of the PBX simulator (API: docs/pbx-config.md). Standard library only."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pbx.callflow import engine
from pbx.domain.audio import AudioError, AudioProblem, inspect_wav

from .storage import ConfigStore
from .validation import SHA256, validate_push

log = logging.getLogger("pbx.simulator")

CONFIG_PATH = re.compile(r"/v1/organisations/([1-9][0-9]{0,17})/config")
AUDIO_LIST_PATH = re.compile(r"/v1/organisations/([1-9][0-9]{0,17})/audio")
AUDIO_PATH = re.compile(r"/v1/organisations/([1-9][0-9]{0,17})/audio/([^/]+)")
SIMULATE_PATH = re.compile(r"/v1/organisations/([1-9][0-9]{0,17})/simulate")
AUDIO_REASONS = {
    AudioProblem.EMPTY: "the file is empty",
    AudioProblem.TOO_LARGE: "larger than 5 MB",
    AudioProblem.NOT_WAV: "not a WAV file (no RIFF/WAVE header)",
    AudioProblem.NOT_PCM: "a WAV file without PCM samples",
    AudioProblem.UNREADABLE: "a WAV header that does not add up",
    AudioProblem.NO_SOUND: "a WAV file without samples",
    AudioProblem.TOO_LONG: "longer than 3 minutes",
}
MAX_BODY_BYTES = 5 * 1024 * 1024
FAIL_STATUSES = (500, 503)
COUNTERS = ("puts_received", "puts_applied", "puts_ignored", "puts_rejected", "puts_failed", "gets")

Response = tuple[int, Any]


@dataclass
class Faults:
    delay_ms: int = 0
    fail_status: int | None = None
    fail_count: int | None = None  # None with a fail_status: fail until cleared.


class FaultSwitch:
    """Faults injected into organisation requests (config and audio, /v1/organisations/...), never into health,
    stats or the switch itself, so that tests can always observe and heal a broken simulator."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults = Faults()

    def set(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults

    def snapshot(self) -> Faults:
        with self._lock:
            return Faults(**asdict(self._faults))

    def take(self) -> tuple[float, int | None]:
        """The delay in seconds and the status to fail this request with; counts down fail_count."""
        with self._lock:
            faults = self._faults
            status = faults.fail_status
            if status is not None and faults.fail_count is not None:
                faults.fail_count -= 1
                if faults.fail_count <= 0:
                    faults.fail_status = faults.fail_count = None
            return faults.delay_ms / 1000, status

    @staticmethod
    def parse(body: Any) -> tuple[Faults | None, list[str]]:
        if not isinstance(body, dict):
            return None, ["body: expected an object"]
        errors = [
            f"{key}: unknown field" for key in body if key not in ("delay_ms", "fail_status", "fail_count")
        ]
        delay, status, count = body.get("delay_ms", 0), body.get("fail_status"), body.get("fail_count")
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 600_000:
            errors.append("delay_ms: must be an integer between 0 and 600000")
        if status is not None and (isinstance(status, bool) or status not in FAIL_STATUSES):
            errors.append("fail_status: must be 500, 503 or null")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            errors.append("fail_count: must be an integer >= 1 or null")
        if errors:
            return None, errors
        return Faults(
            delay_ms=delay, fail_status=status, fail_count=count if status is not None else None
        ), []


class Stats:
    """Request counters since start or the last DELETE /v1/stats, in memory: tests count pushes with them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total: Counter[str] = Counter()
        self._per_organisation: dict[int, Counter[str]] = {}

    def count(self, organisation_id: int, *names: str) -> None:
        with self._lock:
            per_organisation = self._per_organisation.setdefault(organisation_id, Counter())
            for name in names:
                self._total[name] += 1
                per_organisation[name] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                **{name: self._total[name] for name in COUNTERS},
                "organisations": {
                    str(org): {name: counts[name] for name in COUNTERS}
                    for org, counts in sorted(self._per_organisation.items())
                },
            }

    def reset(self) -> None:
        with self._lock:
            self._total.clear()
            self._per_organisation.clear()


class SimulatorHTTPServer(ThreadingHTTPServer):
    # Non-daemon threads joined on close, so that a stopped simulator really has stopped answering. Open
    # keep-alive connections are cut in server_close, otherwise a client's pooled connection would still be
    # served after "the PBX went down".
    daemon_threads = False
    block_on_close = True
    # socketserver's default backlog of 5 resets connections when a worker pool pushes in parallel.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], *, token: str, store: ConfigStore) -> None:
        if not token:
            raise ValueError("the simulator needs a non-empty token")
        self.token = token
        self.store = store
        self.faults = FaultSwitch()
        self.stats = Stats()
        self.stopping = threading.Event()
        # The applied document of each organisation indexed for the call-flow engine, per revision.
        self.prepared: dict[int, tuple[int, engine.Prepared]] = {}
        self.prepared_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, RequestHandler)
        host, port = self.socket.getsockname()[:2]  # The real port when asked for port 0.
        self.base_url = f"http://{host}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        self.stopping.set()  # Ends injected delays early.
        self.socket.close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # Already closed by the client.
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up, or a connection cut on shutdown, is not worth a traceback.
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


class RequestHandler(BaseHTTPRequestHandler):
    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "pbx-simulator/1"
    # An idle keep-alive connection gives up its thread after this many seconds.
    timeout = 30
    _note = ""  # Outcome for the log line.
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits ~40 ms for the body.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _handle logs one line per request itself, with the outcome.

    def log_message(self, format: str, *args: Any) -> None:
        log.warning("%s %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        started = time.monotonic()
        self._note = ""
        try:
            status, payload = self._route(method, urlsplit(self.path).path)
        except Exception:
            log.exception("%s %s failed", method, self.path)
            status, payload = 500, {"error": "internal error"}
        self._send(status, payload)
        log.info(
            '%s "%s %s" %d%s %.1fms',
            self.client_address[0],
            method,
            self.path,
            status,
            f" {self._note}" if self._note else "",
            (time.monotonic() - started) * 1000,
        )

    def _route(self, method: str, path: str) -> Response:
        body = self._read_body()
        if path == "/health":
            return self._only(method, "GET") or (200, {"status": "ok"})
        if not self._authorised():
            return 401, {"error": "missing or wrong bearer token"}
        if match := CONFIG_PATH.fullmatch(path):
            return self._only(method, "GET", "PUT") or self._config(method, int(match[1]), body)
        if match := AUDIO_LIST_PATH.fullmatch(path):
            return self._only(method, "GET") or self._audio_list(int(match[1]))
        if match := AUDIO_PATH.fullmatch(path):
            return self._only(method, "GET", "PUT") or self._audio(method, int(match[1]), match[2], body)
        if match := SIMULATE_PATH.fullmatch(path):
            return self._only(method, "POST") or self._simulate(int(match[1]), body)
        if path == "/v1/stats":
            return self._only(method, "GET", "DELETE") or self._stats(method)
        if path == "/_faults":
            return self._only(method, "GET", "POST", "DELETE") or self._faults(method, body)
        return 404, {"error": f"no such endpoint: {path}"}

    def _only(self, method: str, *allowed: str) -> Response | None:
        return (
            None if method in allowed else (405, {"error": f"method not allowed, use {', '.join(allowed)}"})
        )

    def _read_body(self) -> bytes | None:
        """The request body, always read in full: unread bytes would be parsed as the next request."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            return None
        return self.rfile.read(length)

    def _authorised(self) -> bool:
        scheme, _, given = (self.headers.get("Authorization") or "").partition(" ")
        expected = self.server.token.encode()
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)

    @staticmethod
    def _json(body: bytes | None) -> tuple[Any, list[str]]:
        if body is None:
            return None, [f"body: send a JSON body with Content-Length (at most {MAX_BODY_BYTES} bytes)"]
        try:
            return json.loads(body), []
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, [f"body: invalid JSON ({exc})"]

    def _config(self, method: str, organisation_id: int, raw: bytes | None) -> Response:
        stats = self.server.stats
        if method == "PUT":
            stats.count(organisation_id, "puts_received")
        else:
            stats.count(organisation_id, "gets")
        delay, fail_status = self.server.faults.take()
        if delay:
            self.server.stopping.wait(delay)
        if fail_status is not None:
            self._note = "injected fault"
            if method == "PUT":
                stats.count(organisation_id, "puts_failed")
            return fail_status, {"error": f"injected fault: HTTP {fail_status}"}

        if method == "GET":
            stored = self.server.store.get(organisation_id)
            if stored is None:
                return 404, {"error": f"no configuration pushed for organisation {organisation_id}"}
            return 200, {
                "revision": stored.revision,
                "config": stored.config,
                "applied_at": stored.applied_at,
            }

        body, errors = self._json(raw)
        store = self.server.store
        errors = errors or validate_push(
            body, organisation_id, has_audio=lambda sha256: store.has_audio(organisation_id, sha256)
        )
        if errors:
            stats.count(organisation_id, "puts_rejected")
            self._note = f"rejected ({len(errors)} errors: {errors[0]})"
            return 422, {"errors": errors}
        result = self.server.store.apply(organisation_id, body["revision"], body["config"])
        if result.applied:
            stats.count(organisation_id, "puts_applied")
            self._note = f"applied revision {result.revision}"
            return 200, {"applied_revision": result.revision, "status": "applied"}
        stats.count(organisation_id, "puts_ignored")
        self._note = f"ignored revision {body['revision']}, have {result.revision}"
        return 200, {"applied_revision": result.revision, "status": "ignored_older"}

    def _fault(self) -> Response | None:
        """Applies the injected delay; the injected failure to answer, if any."""
        delay, fail_status = self.server.faults.take()
        if delay:
            self.server.stopping.wait(delay)
        if fail_status is None:
            return None
        self._note = "injected fault"
        return fail_status, {"error": f"injected fault: HTTP {fail_status}"}

    def _audio_list(self, organisation_id: int) -> Response:
        return self._fault() or (200, {"audio": self.server.store.list_audio(organisation_id)})

    def _audio(self, method: str, organisation_id: int, sha256: str, raw: bytes | None) -> Response:
        if not SHA256.fullmatch(sha256):
            return 404, {
                "error": "no such audio: the path names audio by its sha256, 64 lowercase hex digits"
            }
        if fault := self._fault():
            return fault
        store = self.server.store
        if method == "GET":
            data = store.get_audio(organisation_id, sha256)
            if data is None:
                return 404, {"error": f"no audio {sha256} for organisation {organisation_id}"}
            return 200, data
        if raw is None:
            return 422, {"errors": ["body: send the WAV file with Content-Length (at most 5 MB)"]}
        actual = hashlib.sha256(raw).hexdigest()
        if actual != sha256:
            return 422, {"errors": [f"body: its sha256 is {actual}, not the {sha256} of the path"]}
        try:
            inspect_wav(raw)
        except AudioError as exc:
            self._note = f"rejected audio ({exc.problem.value})"
            return 422, {"errors": [f"body: {AUDIO_REASONS[exc.problem]}"]}
        if store.put_audio(organisation_id, sha256, raw):
            self._note = f"stored audio {sha256[:12]}"
            return 201, {"sha256": sha256, "status": "stored"}
        return 200, {"sha256": sha256, "status": "exists"}

    def _simulate(self, organisation_id: int, raw: bytes | None) -> Response:
        """One call through the applied document, by the portal's own engine (pbx/callflow/engine.py)."""
        if fault := self._fault():
            return fault
        body, errors = self._json(raw)
        if errors:
            return 422, {"errors": errors}
        try:
            call = engine.Call.from_json(body)
        except ValueError as exc:
            return 422, {"errors": [str(exc)]}
        stored = self.server.store.get(organisation_id)
        if stored is None:
            return 404, {"error": f"no configuration pushed for organisation {organisation_id}"}
        with self.server.prepared_lock:
            cached = self.server.prepared.get(organisation_id)
            if cached is None or cached[0] != stored.revision:
                cached = (stored.revision, engine.prepare(stored.config))
                self.server.prepared[organisation_id] = cached
        route = engine.simulate(cached[1], call)
        self._note = f"simulated {route.outcome} on revision {stored.revision}"
        return 200, {"revision": stored.revision, "route": route.to_json()}

    def _stats(self, method: str) -> Response:
        if method == "DELETE":
            self.server.stats.reset()
        return 200, self.server.stats.snapshot()

    def _faults(self, method: str, raw: bytes | None) -> Response:
        switch = self.server.faults
        if method == "POST":
            body, errors = self._json(raw)
            faults, errors = (None, errors) if errors else FaultSwitch.parse(body)
            if faults is None:
                return 422, {"errors": errors}
            switch.set(faults)
            self._note = f"faults set: {asdict(faults)}"
        elif method == "DELETE":
            switch.set(Faults())
            self._note = "faults cleared"
        return 200, asdict(switch.snapshot())

    def _send(self, status: int, payload: Any) -> None:
        # bytes are an audio file (GET of /audio/<sha256>), anything else is JSON.
        if isinstance(payload, bytes):
            data, content_type = payload, "audio/wav"
        else:
            data, content_type = (
                json.dumps(payload, ensure_ascii=False).encode(),
                "application/json; charset=utf-8",
            )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="pbx-simulator"')
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


class RunningSimulator:
    """A simulator serving from a background thread: for tests and for embedding."""

    def __init__(self, db_path: str | Path, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store = ConfigStore(db_path)
        try:
            self.server = SimulatorHTTPServer((host, port), token=token, store=self.store)
        except BaseException:
            self.store.close()
            raise
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="pbx-simulator",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def start(self) -> RunningSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join()
        self.server.server_close()
        self.store.close()

    def __enter__(self) -> RunningSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
