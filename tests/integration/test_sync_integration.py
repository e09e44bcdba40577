"""The PBX sync end to end: portal services → on-commit task → Redis → a real Celery worker → PBX simulator.

What a user notices is asserted: after each scenario the PBX runs the portal's latest configuration, and the
portal's sync state shows applied == desired without an error. Runs only against PostgreSQL and Redis (as in
CI: DATABASE_URL=postgres://…, REDIS_URL=redis://…); the worker is a separate process, so the tests commit
their data (transaction=True) for it to see.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Organisation
from core.models import PbxSync
from pbx.models import NightModeSetting
from pbx.services.night_mode import night_mode_update
from pbx.sync import render as config
from pbx.sync.client import PbxClient
from telephony.services import call_barring_update

from factories import MembershipFactory, OrganisationFactory, login
from integration_support import PBX_TOKEN, RedisServer, Simulator, Worker, services_missing, wait_until

SKIP_REASON = services_missing()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or ""),
    pytest.mark.django_db(transaction=True),
]

# Each wait is bounded well below the module's time budget (~90 s).
CONVERGE_SECONDS = 30


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory(name="Bakkerij De Vries", has_telephony=True, has_pbx=True)


def sync_state(organisation: Organisation) -> PbxSync:
    return PbxSync.objects.get(organisation=organisation)


def status_line(organisation: Organisation) -> str:
    """The PBX sync status line as a member of the organisation sees it."""
    member = MembershipFactory(organisation=organisation)
    return login(member.user).get(reverse("pbx:sync_status")).content.decode()


def set_mobile_barring(organisation: Organisation, blocked: bool) -> None:
    """A change as the portal makes it: through the service, committed in its own transaction."""
    with transaction.atomic():
        call_barring_update(organisation=organisation, by=None, mobile=blocked)


def set_night_mode(organisation: Organisation, setting: str) -> None:
    with transaction.atomic():
        night_mode_update(
            organisation=organisation, by=None, setting=setting, time_schedule=None, holiday_schedule=None
        )


def wait_converged(
    organisation: Organisation, simulator: Simulator, *extra: Worker, timeout: float = CONVERGE_SECONDS
) -> PbxSync:
    """Waits until the PBX runs the portal's current document and the portal knows it; returns the state."""

    def converged() -> PbxSync | None:
        sync = sync_state(organisation)
        if sync.applied_revision != sync.desired_revision or sync.last_error:
            return None
        applied = simulator.applied(organisation.pk)
        if applied is None or applied["revision"] != sync.desired_revision:
            return None
        return sync

    def why() -> str:
        sync = sync_state(organisation)
        logs = "".join(f"\n--- {worker.name} ---\n{worker.tail(40)}" for worker in extra)
        return (
            f"convergence: portal desired={sync.desired_revision} applied={sync.applied_revision} "
            f"error={sync.last_error!r}; PBX revision={simulator.applied_revision(organisation.pk)}{logs}"
        )

    sync = wait_until(converged, timeout=timeout, interval=0.1, message=why)
    # What the user sees: the PBX runs exactly what the portal would render now, and no error is shown.
    assert simulator.applied(organisation.pk)["config"] == config.render(organisation)  # type: ignore[index]
    assert sync.last_error == ""
    assert sync.next_attempt_at is None
    return sync


def test_a_change_is_applied_on_the_pbx_within_seconds(
    organisation: Organisation,
    broker_url: str,
    use_broker: Callable[[str], None],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    simulator = start_simulator()
    worker = start_worker(broker_url, simulator.url)
    use_broker(broker_url)

    started = time.monotonic()
    set_mobile_barring(organisation, True)

    # "Within a few seconds": the wait itself is the bound (generous for a loaded CI machine).
    sync = wait_converged(organisation, simulator, worker, timeout=15)
    elapsed = time.monotonic() - started
    assert sync.desired_revision == 1
    assert sync.pending_since is not None  # Set when the change was made, kept as history of this push.
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["config"]["barring"]["mobile"] is True
    assert simulator.stats(organisation.pk)["puts_applied"] == 1
    print(f"change to applied on the PBX: {elapsed * 1000:.0f} ms")


def test_a_pbx_outage_shows_an_error_and_catches_up_when_it_is_back(
    organisation: Organisation,
    broker_url: str,
    use_broker: Callable[[str], None],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    simulator = start_simulator()
    worker = start_worker(broker_url, simulator.url)
    use_broker(broker_url)
    set_mobile_barring(organisation, True)
    wait_converged(organisation, simulator, worker, timeout=15)

    simulator.stop()  # The PBX goes down; it keeps its database.
    set_mobile_barring(organisation, False)
    set_night_mode(organisation, NightModeSetting.ON)

    sync = wait_until(
        lambda: (s := sync_state(organisation)).last_error and s,
        timeout=15,
        message=lambda: f"an error on the sync state\n{worker.tail(40)}",
    )
    assert "De centrale is niet bereikbaar" in status_line(organisation)
    assert sync.applied_revision < sync.desired_revision == 3
    assert sync.pending_since is not None
    assert simulator.process is not None and simulator.process.poll() is not None

    simulator.start()  # Same address, same database: the PBX is back.
    sync = wait_converged(organisation, simulator, worker)
    assert sync.desired_revision == 3
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    # Nothing lost: both changes made during the outage are on the PBX.
    assert stored["config"]["barring"]["mobile"] is False
    assert stored["config"]["night_mode"]["setting"] == "on"


def test_a_worker_killed_during_a_push_does_not_lose_the_change(
    organisation: Organisation,
    broker_url: str,
    use_broker: Callable[[str], None],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    simulator = start_simulator()
    worker = start_worker(broker_url, simulator.url)
    use_broker(broker_url)
    simulator.set_faults(delay_ms=3000)

    set_mobile_barring(organisation, True)
    wait_until(
        lambda: simulator.stats(organisation.pk).get("puts_received", 0) >= 1,
        timeout=15,
        message=lambda: f"the PBX to receive the push\n{worker.tail(40)}",
    )
    worker.kill()  # SIGKILL mid-push: the task is neither finished nor acknowledged.
    assert sync_state(organisation).applied_revision == 0
    simulator.clear_faults()

    # The unacknowledged task stays in Redis until its visibility timeout (an hour): reconcile takes over.
    new_worker = start_worker(broker_url, simulator.url)
    sync = wait_converged(organisation, simulator, new_worker)
    assert sync.desired_revision == 1
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["config"]["barring"]["mobile"] is True
    # Usually the PBX had applied the interrupted push itself and answered the repeat with "ignored_older".
    print(f"PBX counters after the crash: {simulator.stats(organisation.pk)}")


def test_a_change_made_while_redis_is_down_is_pushed_after_it_is_back(
    organisation: Organisation,
    caplog: pytest.LogCaptureFixture,
    use_broker: Callable[[str], None],
    start_redis: Callable[[], RedisServer],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    redis = start_redis()  # A private Redis: the shared one is not ours to stop.
    simulator = start_simulator()
    worker = start_worker(redis.url, simulator.url)
    use_broker(redis.url)
    set_mobile_barring(organisation, True)
    wait_converged(organisation, simulator, worker, timeout=15)

    redis.stop()  # Without persistence: whatever was queued is gone.
    caplog.clear()
    set_mobile_barring(organisation, False)  # The save succeeds; queueing the push fails quietly.
    assert "Could not queue PBX push" in caplog.text
    sync = sync_state(organisation)
    assert (sync.desired_revision, sync.applied_revision) == (2, 1)
    assert simulator.applied_revision(organisation.pk) == 1

    redis.start()  # Same port, empty.
    sync = wait_converged(organisation, simulator, worker)
    assert sync.desired_revision == 2
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["config"]["barring"]["mobile"] is False


def test_a_worker_holding_a_pending_retry_survives_a_redis_restart_and_pushes(
    organisation: Organisation,
    use_broker: Callable[[str], None],
    start_redis: Callable[[], RedisServer],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    redis = start_redis()
    simulator = start_simulator()
    worker = start_worker(redis.url, simulator.url)
    use_broker(redis.url)
    set_mobile_barring(organisation, True)
    wait_converged(organisation, simulator, worker, timeout=15)

    simulator.stop()
    set_mobile_barring(organisation, False)  # Its push fails: a retry is now due in a few seconds.
    wait_until(
        lambda: (s := sync_state(organisation)).next_attempt_at and s.last_error,
        timeout=15,
        message=lambda: f"a failed push with its next attempt\n{worker.tail(40)}",
    )
    redis.stop()
    time.sleep(4)  # Redis gone for a while, the retry falls due meanwhile.
    assert worker.process is not None and worker.process.poll() is None, worker.tail(40)
    redis.start()  # Same port, empty: nothing the worker held in Redis is there any more.
    simulator.start()

    sync = wait_converged(organisation, simulator, worker)
    assert sync.desired_revision == 2
    assert worker.process.poll() is None, worker.tail(40)  # The same worker (and its beat) pushed it.
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["config"]["barring"]["mobile"] is False


def test_the_pbx_holds_the_last_change_within_30_seconds_after_an_outage(
    organisation: Organisation,
    broker_url: str,
    use_broker: Callable[[str], None],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, Any], None],
) -> None:
    simulator = start_simulator()
    # Reconcile every 5 s, as in production (the other tests use 2 s).
    worker = start_worker(broker_url, simulator.url, reconcile_seconds=5)
    use_broker(broker_url)
    set_night_mode(organisation, NightModeSetting.OFF)
    wait_converged(organisation, simulator, worker, timeout=15)

    simulator.stop()
    # 20 night-mode changes spread over a 24-second outage: long enough for the backoff to reach its cap.
    for i in range(20):
        set_night_mode(organisation, NightModeSetting.ON if i % 2 else NightModeSetting.OFF)
        time.sleep(1.2)
    sync = sync_state(organisation)
    assert "De centrale is niet bereikbaar" in status_line(organisation)
    # Attempts follow the PBX (one per backoff step), not the 20 changes.
    assert 1 <= sync.attempts <= 6, sync.attempts
    assert simulator.process is not None and simulator.process.poll() is not None

    simulator.start()
    back = time.monotonic()
    sync = wait_converged(organisation, simulator, worker, timeout=CONVERGE_SECONDS)
    recovered = time.monotonic() - back
    assert sync.desired_revision == 21
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["config"]["night_mode"]["setting"] == "on"
    assert recovered < 30
    record_property("pbx_recovery_seconds", round(recovered, 1))
    with capsys.disabled():
        print(f"\nPBX back after a 24 s outage with 20 changes: it held the last one {recovered:.1f} s later")


def test_the_pbx_keeps_the_newest_revision_when_pushes_arrive_out_of_order(
    organisation: Organisation, start_simulator: Callable[..., Simulator]
) -> None:
    simulator = start_simulator()
    older = config.render(organisation)
    newer = copy.deepcopy(older)
    newer["barring"]["mobile"] = True

    with PbxClient(simulator.url, PBX_TOKEN, timeout=5) as client:
        first = client.push_config(organisation.pk, 8, newer)
        second = client.push_config(organisation.pk, 7, older)
        applied = client.get_config(organisation.pk)

    assert (first.status, first.applied_revision) == ("applied", 8)
    assert (second.status, second.applied_revision) == ("ignored_older", 8)
    assert applied is not None
    assert applied.revision == 8
    assert applied.config == newer
    assert simulator.stats(organisation.pk)["puts_ignored"] == 1


def test_a_hundred_quick_changes_end_with_the_last_one_on_the_pbx(
    organisation: Organisation,
    broker_url: str,
    use_broker: Callable[[str], None],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, Any], None],
) -> None:
    simulator = start_simulator()
    worker = start_worker(broker_url, simulator.url)
    use_broker(broker_url)

    started = time.monotonic()
    for i in range(100):
        set_mobile_barring(organisation, i % 2 == 1)  # Ends with the mobile bar on.
    changed = time.monotonic() - started

    sync = wait_converged(organisation, simulator, worker)
    converged = time.monotonic() - started
    assert sync.desired_revision == 100
    stored = simulator.applied(organisation.pk)
    assert stored is not None
    assert stored["revision"] == 100
    assert stored["config"]["barring"]["mobile"] is True

    stats = simulator.stats(organisation.pk)
    record_property("pbx_puts_for_100_changes", stats["puts_received"])
    with capsys.disabled():
        print(
            f"\n100 changes in {changed:.1f} s, converged after {converged:.1f} s; the PBX received "
            f"{stats['puts_received']} PUTs ({stats['puts_applied']} applied, {stats['puts_ignored']} ignored)"
        )
