"""Benchmark of the recovery after a PBX outage: how long after the PBX is back it holds the last change made
during the outage. Prints figures; asserts nothing.

    make bench                       # or: .venv/bin/python bench/recovery.py

The PBX simulator is stopped, 20 night-mode changes are made during the outage (as in issue 17), and the
simulator is started again on the same address with the same database; a Celery worker with beat runs with the
production settings (reconcile every PBX_RECONCILE_SECONDS, default 5 s). Database and broker as in
bench/sync.py (see bench/README.md). Target: within 30 s after the PBX is back, whatever the outage.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import sync as bench  # bench/sync.py: Django set up for the benchmark, process helpers.
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django_scopes import scope, scopes_disabled

from accounts.models import Organisation
from core.models import PbxSync
from pbx.models import NightModeSetting
from pbx.services.night_mode import night_mode_update

ORGANISATION = "Benchmark herstel BV"
CHANGES = 20
OUTAGES = (10.0, 40.0)
TARGET_S = 30.0
REPO, VAR, TOKEN = bench.REPO, bench.BENCH_VAR, bench.PBX_TOKEN


class Pbx:
    """The simulator on one port and database, so that it comes back as the same PBX."""

    def __init__(self) -> None:
        self.port = bench.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = VAR / "recovery-pbx.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> bool:
        with (VAR / "recovery-pbx.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pbx.simulator",
                    "--port",
                    str(self.port),
                    "--token",
                    TOKEN,
                    "--db",
                    str(self.db),
                ],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return bool(
            bench.wait_for(lambda: httpx.get(f"{self.url}/health", timeout=1).status_code == 200, timeout=15)
        )

    def stop(self) -> None:
        if self.process is not None:
            bench.stop(self.process)

    def revision(self, organisation_id: int) -> int:
        response = httpx.get(
            f"{self.url}/v1/organisations/{organisation_id}/config",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=2,
        )
        return int(response.json()["revision"]) if response.status_code == 200 else 0


@contextlib.contextmanager
def worker_with_beat(pbx_url: str) -> Iterator[bool]:
    env = {**os.environ, "PBX_URL": pbx_url, "PBX_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    log_path = VAR / "recovery-worker.log"
    command = [str(Path(sys.executable).parent / "celery"), "-A", "een_portal", "worker", "--beat"]
    command += ["--schedule", str(VAR / "recovery-beat-schedule"), "--loglevel=INFO", "--pool=solo"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "-n", "bench-recovery@%h"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        ready = bench.wait_for(
            lambda: process.poll() is None and " ready." in log_path.read_text(errors="replace"), timeout=60
        )
        yield bool(ready)
    finally:
        bench.stop(process)


def organisation() -> Organisation:
    with scopes_disabled():
        Organisation.objects.filter(name=ORGANISATION).delete()
    return Organisation.objects.create(name=ORGANISATION, has_telephony=True, has_pbx=True)


def set_night_mode(org: Organisation, setting: str) -> None:
    with scope(organisation=org), transaction.atomic():
        night_mode_update(
            organisation=org, by=None, setting=setting, time_schedule=None, holiday_schedule=None
        )


def sync_state(org: Organisation) -> PbxSync:
    with scopes_disabled():
        return PbxSync.objects.get(organisation=org)


def applied(pbx: Pbx, org: Organisation) -> bool:
    sync = sync_state(org)
    return sync.applied_revision == sync.desired_revision and pbx.revision(org.pk) == sync.desired_revision


def measure(pbx: Pbx, org: Organisation, outage: float) -> tuple[float | None, int]:
    """Seconds from the PBX being back to it holding the last change, and the attempts made during the outage."""
    pbx.stop()
    pause = outage / CHANGES
    for i in range(CHANGES):
        set_night_mode(org, NightModeSetting.ON if i % 2 else NightModeSetting.OFF)
        time.sleep(pause)
    attempts = sync_state(org).attempts
    pbx.start()
    back = time.monotonic()
    done = bench.wait_for(lambda: applied(pbx, org), timeout=120, interval=0.05)
    return (time.monotonic() - back if done else None), attempts


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    broker = "Redis (REDIS_URL)" if settings.REDIS_URL else "file system (var/bench/broker)"
    print(
        f"PBX recovery benchmark — {os.cpu_count()} CPUs, broker {broker}, reconcile every "
        f"{settings.PBX_RECONCILE_SECONDS:g} s"
    )
    call_command("migrate", verbosity=0, interactive=False)
    org = organisation()
    pbx = Pbx()
    try:
        if not pbx.start():
            print("PBX simulator did not start (see var/bench/recovery-pbx.log): no figures.")
            return
        with worker_with_beat(pbx.url) as ready:
            if not ready:
                print("The worker did not become ready (see var/bench/recovery-worker.log): no figures.")
                return
            set_night_mode(org, NightModeSetting.ON)
            if not bench.wait_for(lambda: applied(pbx, org), timeout=30):
                print("The first change never reached the PBX (see var/bench/recovery-worker.log).")
                return
            for outage in OUTAGES:
                recovered, attempts = measure(pbx, org, outage)
                figure = "never (120 s)" if recovered is None else f"{recovered:.1f} s"
                verdict = bench.verdict(recovered if recovered is not None else 1e9, TARGET_S)
                print(
                    f"PBX down {outage:.0f} s, {CHANGES} changes meanwhile ({attempts} attempts): the PBX held the "
                    f"last one {figure} after it was back   target < {TARGET_S:.0f} s   {verdict}"
                )
    finally:
        pbx.stop()


if __name__ == "__main__":
    main()
