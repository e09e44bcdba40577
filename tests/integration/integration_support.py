"""Helpers for the PBX sync integration tests: real processes: a Celery worker (with embedded beat), the PBX simulator
and, for the broker-outage test, a private redis-server.

Everything runs on 127.0.0.1 with free ports and files under the test's tmp_path. Every xdist worker uses its
own Redis database number (that of REDIS_URL, 8 when it names none, + worker index) on the Redis of REDIS_URL, so
parallel runs never share a queue.
Subprocesses run in their own session (process group) and are always killed at teardown; their logs are
printed when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PBX_TOKEN = "integration-pbx-token"
RECONCILE_SECONDS = 2
# Without a database number in REDIS_URL, databases 8.. of the shared Redis are used, one per xdist worker.
FIRST_TEST_REDIS_DB = 8

T = TypeVar("T")


# --- helpers ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    predicate: Callable[[], T],
    timeout: float = 20.0,
    interval: float = 0.1,
    message: str | Callable[[], str] = "condition",
) -> T:
    """Polls predicate until it returns something truthy and returns that; fails the test after timeout.

    Exceptions from the predicate count as "not yet" (a service that is still starting), the last one is
    shown when the wait fails."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = predicate()
        except Exception as exc:  # "not yet"
            last_error, value = exc, None
        if value:
            return value
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            detail = f" (last error: {last_error!r})" if last_error else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for: {text}{detail}")
        time.sleep(interval)


def xdist_index(worker_id: str) -> int:
    return int(worker_id[2:]) if worker_id.startswith("gw") else 0


def redis_db(url: str, default: int) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else default


def redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def services_missing() -> str | None:
    """Why the tests that need a real worker, Redis and PostgreSQL cannot run here, or None."""
    from django.conf import settings

    missing = []
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL is not set")
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        missing.append("the database is not PostgreSQL (set DATABASE_URL=postgres://…)")
    if not missing:
        return None
    return "PBX sync integration tests need a real worker, Redis and PostgreSQL: " + "; ".join(missing)


def database_url() -> str:
    """The URL of the database this test runs on (the test database, e.g. test_postgres_gw0)."""
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _terminate(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process, SIGKILL its whole process group after grace seconds (and always at the end)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- the PBX simulator -------------------------------------------------------------------------------------


class Simulator:
    """`python -m pbx.simulator` as a subprocess on a fixed port, so that it can be stopped and started again
    on the same address with the same database (the PBX keeps its state over a restart)."""

    def __init__(self, directory: Path, name: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = directory / f"{name}.sqlite3"
        self.log = directory / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._http = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {PBX_TOKEN}"}, timeout=10
        )

    def start(self) -> Simulator:
        assert self.process is None or self.process.poll() is not None, "simulator already running"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "pbx.simulator", "--host", "127.0.0.1", "--port", str(self.port)),
                    *("--token", PBX_TOKEN, "--db", str(self.db)),
                ],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._healthy, timeout=15, interval=0.05, message=self._not_starting)
        return self

    def stop(self) -> None:
        if self.process is not None:
            _terminate(self.process, grace=5)

    def close(self) -> None:
        self.stop()
        self._http.close()

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"the PBX simulator exited with {self.process.returncode}:\n{tail(self.log)}")
        return httpx.get(f"{self.url}/health", timeout=1).status_code == 200

    def _not_starting(self) -> str:
        return f"the PBX simulator on {self.url} to answer /health\n{tail(self.log)}"

    # The simulator's API, over HTTP as the real PBX would be seen.
    def applied(self, organisation_id: int) -> dict[str, Any] | None:
        """{"revision", "config", "applied_at"} of what the PBX runs, or None when nothing was pushed."""
        response = self._http.get(f"/v1/organisations/{organisation_id}/config")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def applied_revision(self, organisation_id: int) -> int:
        applied = self.applied(organisation_id)
        return 0 if applied is None else int(applied["revision"])

    def stats(self, organisation_id: int | None = None) -> dict[str, int]:
        body = self._http.get("/v1/stats").raise_for_status().json()
        if organisation_id is None:
            return body
        return body["organisations"].get(str(organisation_id), {})

    def set_faults(self, **faults: Any) -> None:
        self._http.post("/_faults", json=faults).raise_for_status()

    def clear_faults(self) -> None:
        self._http.delete("/_faults").raise_for_status()


# --- a private redis-server --------------------------------------------------------------------------------


class RedisServer:
    """A throw-away redis-server without persistence: stopping it loses every queued message."""

    def __init__(self, directory: Path, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = directory / "redis.log"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                    *("--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._ping, timeout=15, interval=0.05, message=lambda: f"redis-server\n{tail(self.log)}")
        return self

    def _ping(self) -> bool:
        import redis

        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"redis-server exited with {self.process.returncode}:\n{tail(self.log)}")
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            _terminate(self.process, grace=5)


# --- the Celery worker -------------------------------------------------------------------------------------


class Worker:
    """`celery -A een_portal worker --beat` with the production settings (not settings_test: not eager),
    on the test database, the given broker and the given PBX."""

    def __init__(
        self,
        directory: Path,
        name: str,
        broker_url: str,
        pbx_url: str,
        reconcile_seconds: float = RECONCILE_SECONDS,
    ) -> None:
        self.name = name
        self.log = directory / f"{name}.log"
        self.var_dir = directory / f"{name}-var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.schedule = directory / f"{name}-beat-schedule"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_", "PBX_", "COV_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="een_portal.settings",
            DATABASE_URL=database_url(),
            REDIS_URL=broker_url,
            PBX_URL=pbx_url,
            PBX_TOKEN=PBX_TOKEN,
            PBX_RECONCILE_SECONDS=str(reconcile_seconds),
            CELERY_TASK_ALWAYS_EAGER="0",
            VAR_DIR=str(self.var_dir),
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        command = [str(BIN / "celery"), "-A", "een_portal", "worker", "--beat"]
        command += ["--schedule", str(self.schedule), "--loglevel=INFO", "--pool=solo", "--concurrency=1"]
        command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{self.name}@%h"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(self._ready, timeout=30, interval=0.1, message=lambda: f"worker {self.name} ready")
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"worker {self.name} exited with {self.process.returncode}:\n{self.tail()}")
        return " ready." in self.log.read_text(errors="replace")

    def tail(self, lines: int = 80) -> str:
        return tail(self.log, lines)

    def kill(self) -> None:
        """SIGKILL the worker and everything it started (the embedded beat): a crash, no clean shutdown."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _terminate(self.process, grace=10)
