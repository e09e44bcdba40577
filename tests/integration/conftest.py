"""Fixtures for the PBX sync integration tests (processes and helpers: integration_support.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kombu.pools
import pytest

from integration_support import (
    FIRST_TEST_REDIS_DB,
    RECONCILE_SECONDS,
    RedisServer,
    Simulator,
    Worker,
    flush_redis,
    redis_db,
    redis_url_with_db,
    tail,
    xdist_index,
)

# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call")
    )


@pytest.fixture
def broker_url(worker_id: str) -> Iterator[str]:
    """An empty Redis database of the shared Redis (REDIS_URL), one per xdist worker: the database REDIS_URL
    names (8 when it names none) plus the worker's index; emptied again after the test (request it before
    start_worker, so that the worker has stopped by then)."""
    first = redis_db(os.environ["REDIS_URL"], default=FIRST_TEST_REDIS_DB)
    url = redis_url_with_db(os.environ["REDIS_URL"], (first + xdist_index(worker_id)) % 16)
    flush_redis(url)
    yield url
    flush_redis(url)


@pytest.fixture
def use_broker(settings: Any) -> Iterator[Callable[[str], None]]:
    """Makes this test process queue tasks on a real broker instead of running them eagerly (settings_test).

    The Celery app read its configuration at import; change it there too and drop its cached connection
    pools, which were made for the old broker URL. Everything is restored afterwards."""
    from een_portal.celery import app

    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        # Without REDIS_URL the embedded broker's transport is set by name (settings.py), and it
        # would win over the URL's scheme: a test's redis:// URL needs it cleared.
        "broker_transport": app.conf.broker_transport,
        "broker_transport_options": app.conf.broker_transport_options,
    }

    def reset_pools() -> None:
        # kombu keeps one pool per broker URL in a process-wide registry: close and forget them all, so
        # that the next publish connects afresh (force_close_all alone leaves a closed pool registered).
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def use(url: str) -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = url
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        app.conf.broker_transport = None
        app.conf.broker_transport_options = {}
        reset_pools()

    yield use
    reset_pools()
    app.conf.update(saved)


@pytest.fixture
def start_simulator(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Simulator]]:
    """start_simulator(port=None, start=True) -> Simulator; stopped at teardown."""
    simulators: list[Simulator] = []

    def start(port: int | None = None, start: bool = True) -> Simulator:
        simulator = Simulator(tmp_path, f"pbx-simulator-{len(simulators)}", port)
        simulators.append(simulator)
        return simulator.start() if start else simulator

    yield start
    for simulator in simulators:
        if _failed(request):
            print(f"--- {simulator.log.name} ---\n{tail(simulator.log, 30)}")
        simulator.close()


@pytest.fixture
def start_worker(
    tmp_path: Path, request: pytest.FixtureRequest, worker_id: str
) -> Iterator[Callable[..., Worker]]:
    """start_worker(broker_url, pbx_url, reconcile_seconds=RECONCILE_SECONDS) -> Worker (running and ready);
    stopped or killed at teardown."""
    workers: list[Worker] = []

    def start(broker: str, pbx_url: str, reconcile_seconds: float = RECONCILE_SECONDS) -> Worker:
        worker = Worker(
            tmp_path, f"integration-{worker_id}-{len(workers)}", broker, pbx_url, reconcile_seconds
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        if _failed(request):
            print(f"--- {worker.log.name} ---\n{worker.tail()}")
        worker.stop()


@pytest.fixture
def start_redis(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], RedisServer]]:
    """start_redis() -> a private redis-server on a free port; skips the test when redis-server is missing."""
    executable = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/local/bin")
    servers: list[RedisServer] = []

    def start() -> RedisServer:
        if executable is None:
            pytest.skip("redis-server is not installed: the broker-outage test starts its own Redis")
        server = RedisServer(tmp_path, executable)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        if _failed(request):
            print(f"--- redis.log ---\n{tail(server.log, 30)}")
        server.stop()
