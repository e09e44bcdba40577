"""Benchmark of the PBX sync: render time and size of the configuration document, and the time from a change
in the portal to that change being applied on the (simulated) PBX. Prints figures; asserts nothing.

    make bench                       # or: .venv/bin/python bench/sync.py

Database: DATABASE_URL when set, otherwise its own SQLite file var/bench.sqlite3 (migrated here). Broker: the
Redis of REDIS_URL when set (its queue is shared with any worker on that Redis database: point REDIS_URL at a
spare one), otherwise the embedded file-system broker under var/bench/. See bench/README.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_VAR = REPO / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "een_portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'bench.sqlite3'}")
# Own broker folder, cache and beat files: a running demo worker (make run) must not take our tasks.
os.environ.setdefault("VAR_DIR", str(BENCH_VAR))
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
PBX_TOKEN = "bench-pbx-token"
os.environ["PBX_TOKEN"] = PBX_TOKEN
sys.path.insert(0, str(REPO))

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# The figures are the output: no log line per HTTP request or broker connection.
for name in ("httpx", "kombu", "pbx", "celery"):
    logging.getLogger(name).setLevel(logging.ERROR)

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import Organisation, PhoneNumber  # noqa: E402
from core import uploads  # noqa: E402
from core.models import PbxSync  # noqa: E402
from core.revision import config_changed  # noqa: E402
from pbx.domain.audio import inspect_wav, tone_wav  # noqa: E402
from pbx.domain.ivr import KEYPAD  # noqa: E402
from pbx.domain.names import surname_key  # noqa: E402
from pbx.models import (  # noqa: E402
    AfterGreeting,
    AfterHours,
    DirectoryEntry,
    Distribution,
    EntryKind,
    Greeting,
    HuntGroup,
    HuntGroupMember,
    IvrKey,
    IvrMenu,
    IvrPart,
    KeyMode,
    NightMode,
    NightModeFollow,
    NightModeSetting,
    PbxUser,
)
from pbx.services.night_mode import night_mode_update  # noqa: E402
from pbx.sync import render as config  # noqa: E402
from pbx.sync.client import PbxClient  # noqa: E402
from schedules.models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule  # noqa: E402
from schedules.services import ensure_builtin_time_schedule  # noqa: E402
from telephony.services import call_barring_update  # noqa: E402

BENCH_ORGANISATION = "Benchmark Telecom BV"
RENDER_RUNS = 20
CHANGES = 5
TARGET_RENDER_MS = 200
TARGET_APPLIED_S = 2.0
WAIT_SECONDS = 30

# How many PBX objects the generated organisation has. A new kind of object adds its counts here and a
# generator to GENERATORS (its section is rendered through core.document (register_section), so render()
# needs no change).
SIZES = {
    "time_schedules": 50,
    "ranges_per_time_schedule": 10,
    "holiday_schedules": 20,
    "entries_per_holiday_schedule": 15,
    "users": 2000,
    "greetings": 5,
    "ivr_menus": 50,
    "hunt_groups": 200,
    "members_per_hunt_group": 10,
}


# --- the generated organisation ----------------------------------------------------------------------------


def generate_time_schedules(organisation: Organisation) -> str:
    ensure_builtin_time_schedule(organisation=organisation)  # Every organisation has it (R4.4).
    count, per = SIZES["time_schedules"], SIZES["ranges_per_time_schedule"]
    schedules = TimeSchedule.objects.bulk_create(
        TimeSchedule(organisation=organisation, name=f"Openingstijden vestiging {i + 1:02d}")
        for i in range(count)
    )
    ranges = []
    for i, schedule in enumerate(schedules):
        for n in range(per):
            # Two ranges a day (morning, afternoon) over the week, so they never overlap.
            day, afternoon = (n // 2) % 7, n % 2
            start = dtime(13 if afternoon else 8, (i * 5) % 60)
            end = dtime(17 if afternoon else 12, 30)
            ranges.append(TimeRange(schedule=schedule, weekday=day, start=start, end=end))
    TimeRange.objects.bulk_create(ranges)
    return f"{count} time schedules with {per} ranges each (+ the built-in one)"


def generate_holiday_schedules(organisation: Organisation) -> str:
    count, per = SIZES["holiday_schedules"], SIZES["entries_per_holiday_schedule"]
    schedules = HolidaySchedule.objects.bulk_create(
        HolidaySchedule(organisation=organisation, name=f"Feestdagen en vakanties {i + 1:02d}")
        for i in range(count)
    )
    entries = []
    for i, schedule in enumerate(schedules):
        for n in range(per):
            start = date(2026, 1, 1) + timedelta(days=n * 23 + i)
            if n % 3 == 2:  # Every third entry is a period with times, the others whole days.
                entries.append(
                    HolidayEntry(
                        schedule=schedule,
                        name=f"Middag dicht {n}",
                        start_date=start,
                        end_date=start,
                        start_time=dtime(13, 0),
                        end_time=dtime(17, 30),
                    )
                )
            else:
                entries.append(
                    HolidayEntry(
                        schedule=schedule,
                        name=f"Vrije dag {n}",
                        start_date=start,
                        end_date=start + timedelta(days=n % 2),
                    )
                )
    HolidayEntry.objects.bulk_create(entries)
    return f"{count} holiday schedules with {per} entries each"


def generate_call_barring(organisation: Organisation) -> str:
    call_barring_update(organisation=organisation, by=None, premium_0900=True, erotic_0906=True)
    return "call barring"


def generate_night_mode(organisation: Organisation) -> str:
    night_mode_update(
        organisation=organisation,
        by=None,
        setting=NightModeSetting.AUTO,
        time_schedule=TimeSchedule.objects.filter(organisation=organisation, is_builtin=False)
        .order_by("pk")
        .first(),
        holiday_schedule=HolidaySchedule.objects.filter(organisation=organisation).order_by("pk").first(),
    )
    return "night mode (automatic, with a time and a holiday schedule)"


FIRST_NAMES = ("Anna", "Bram", "Chantal", "Daan", "Eva", "Finn", "Gerda", "Hidde", "Iris", "Joost")
LAST_NAMES = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Peters",
)


def generate_users(organisation: Organisation) -> str:
    """PBX users on extensions 2000 and up: most with an external number, half with voicemail (some with a
    copy address), a few greetings shared between them, and a mix of forwarding and night-mode choices."""
    count = SIZES["users"]
    greetings = []
    for i in range(SIZES["greetings"]):
        data = tone_wav(2.0, frequency=330.0 + 55 * i)
        info = inspect_wav(data)
        uploads.store("greetings", f"{info.sha256}.wav", data)
        greetings.append(
            Greeting(
                organisation=organisation,
                sha256=info.sha256,
                name=f"begroeting-{i + 1}.wav",
                size=info.size,
                duration_ms=round(info.duration * 1000),
            )
        )
    greetings = Greeting.objects.bulk_create(greetings)
    numbers = PhoneNumber.objects.bulk_create(
        PhoneNumber(organisation=organisation, number=f"+318899{i:05d}") for i in range(count * 3 // 4)
    )
    names = [f"{FIRST_NAMES[i % 10]} {LAST_NAMES[(i // 10) % 10]} {i}" for i in range(count)]
    entries = DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            organisation=organisation,
            kind=EntryKind.USER,
            name=names[i],
            extension=str(2000 + i),
            phone_number=numbers[i] if i < len(numbers) else None,
        )
        for i in range(count)
    )
    night_modes = list(NightModeFollow)
    users = []
    for i, entry in enumerate(entries):
        first, last = names[i].split(" ", 1)
        voicemail = i % 2 == 0
        user = PbxUser(
            organisation=organisation,
            entry=entry,
            first_name=first,
            last_name=last,
            sort_name=surname_key(last),  # what save() would set; bulk_create does not call it
            app_username=f"bench-{organisation.pk}-{i}",
            app_secret=f"{i:064x}" if i % 3 else "",
            voicemail_enabled=voicemail,
            voicemail_email=f"gebruiker{i}@bench.example" if voicemail else "",
            voicemail_copy_email="kantoor@bench.example" if voicemail and i % 10 == 0 else "",
            greeting=greetings[i % len(greetings)] if i % 40 == 0 else None,
            night_mode=night_modes[i % len(night_modes)],
        )
        if i % 4 == 1:  # Busy calls to the next colleague, unanswered ones to a mobile number.
            user.forward_busy_kind, user.forward_busy_entry = "entry", entries[(i + 1) % count]
            user.forward_no_answer_kind, user.forward_no_answer_number = "external", "+31612345678"
            user.forward_no_answer_seconds = 15 + i % 30
        if i % 10 == 3:
            user.forward_always_kind = "voicemail"
        if i % 40 == 0:
            user.after_greeting = AfterGreeting.FORWARD
            user.after_greeting_kind, user.after_greeting_entry = "entry", entries[0]
        users.append(user)
    PbxUser.objects.bulk_create(users)
    config_changed(organisation=organisation)
    return f"{count} users ({len(numbers)} with an external number, {len(greetings)} greetings)"


def generate_hunt_groups(organisation: Organisation) -> str:
    """Hunt groups on extensions 6000 and up, each with consecutive users as members, every policy, most with an
    overflow (to voicemail, the next group or a user)."""
    count, per = SIZES["hunt_groups"], SIZES["members_per_hunt_group"]
    users = list(
        DirectoryEntry.objects.filter(organisation=organisation, kind=EntryKind.USER).order_by("pk")[
            : count * per
        ]
    )
    entries = DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            organisation=organisation, kind=EntryKind.HUNT_GROUP, name=f"Groep {i}", extension=str(6000 + i)
        )
        for i in range(count)
    )
    policies = list(Distribution)
    groups = []
    for i, entry in enumerate(entries):
        group = HuntGroup(
            organisation=organisation,
            entry=entry,
            distribution=policies[i % len(policies)],
            rings=2 + i % 6,
            night_mode=list(NightModeFollow)[i % 3],
        )
        if i % 5 == 1:
            group.overflow_kind = "voicemail"
        elif i % 5 == 2:
            group.overflow_kind, group.overflow_entry = "entry", entries[(i + 1) % count]
        elif i % 5 == 3:
            group.overflow_kind, group.overflow_entry = "entry", users[i % len(users)]
        groups.append(group)
    groups = HuntGroup.objects.bulk_create(groups)
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=group, member=users[(i * per + p) % len(users)], position=p + 1)
        for i, group in enumerate(groups)
        for p in range(per)
    )
    config_changed(organisation=organisation)
    return f"{count} hunt groups of {per} members"


def generate_ivr_menus(organisation: Organisation) -> str:
    """IVR menus on extensions 7000 and up, each with all 12 keys programmed during business hours (to users,
    the company voicemail, an external number and the next menu), a reception, a greeting; every other menu has
    an after-hours menu of its own, the others go straight to the voicemail after hours."""
    count = SIZES["ivr_menus"]
    users = list(
        DirectoryEntry.objects.filter(organisation=organisation, kind=EntryKind.USER).order_by("pk")[:100]
    )
    schedules = list(TimeSchedule.objects.filter(organisation=organisation).order_by("pk")[:10])
    greetings = list(Greeting.objects.filter(organisation=organisation).order_by("pk")[:2])
    entries = DirectoryEntry.objects.bulk_create(
        DirectoryEntry(
            organisation=organisation, kind=EntryKind.IVR_MENU, name=f"Menu {i}", extension=str(7000 + i)
        )
        for i in range(count)
    )
    menus = []
    for i, entry in enumerate(entries):
        menu = IvrMenu(
            organisation=organisation,
            entry=entry,
            time_schedule=schedules[i % len(schedules)],
            business_greeting=greetings[i % len(greetings)] if greetings else None,
            business_reception_kind="entry",
            business_reception_entry=users[i % len(users)],
            night_mode=list(NightModeFollow)[i % 3],
        )
        if i % 2:
            menu.after_hours, menu.after_destination_kind = AfterHours.DESTINATION, "voicemail"
        else:
            menu.after_reception_kind = "voicemail"
        menus.append(menu)
    menus = IvrMenu.objects.bulk_create(menus)
    keys = []
    for i, menu in enumerate(menus):
        for k, key in enumerate(KEYPAD):
            row = IvrKey(menu=menu, part=IvrPart.BUSINESS, key=key, mode=list(KeyMode)[k % 2])
            if key == "0":
                row.destination_kind = "voicemail"
            elif key == "#":
                row.destination_kind, row.destination_number = "external", "+31612345678"
            elif key == "*":
                row.destination_kind, row.destination_entry = "entry", entries[(i + 1) % count]
            else:
                row.destination_kind, row.destination_entry = "entry", users[(i * 12 + k) % len(users)]
            keys.append(row)
    IvrKey.objects.bulk_create(keys)
    config_changed(organisation=organisation)
    return f"{count} IVR menus of {len(KEYPAD)} keys"


GENERATORS: list[Callable[[Organisation], str]] = [
    generate_time_schedules,
    generate_holiday_schedules,
    generate_call_barring,
    generate_night_mode,
    generate_users,
    generate_ivr_menus,
    generate_hunt_groups,
]


def generate_organisation() -> tuple[Organisation, list[str]]:
    """A fresh benchmark organisation (the one of a previous run is deleted first)."""
    with scopes_disabled():
        for old in Organisation.objects.filter(name=BENCH_ORGANISATION):
            NightMode.objects.filter(organisation=old).delete()  # It protects the schedules.
            # Members protect their users' entries; users their greetings and the entries they forward to.
            HuntGroupMember.objects.filter(group__organisation=old).delete()
            IvrKey.objects.filter(menu__organisation=old).delete()
            # Menus point at each other (keys, receptions): clear their destinations before deleting.
            IvrMenu.objects.filter(organisation=old).delete()
            HuntGroup.objects.filter(organisation=old).delete()
            PbxUser.objects.filter(organisation=old).delete()
            DirectoryEntry.objects.filter(organisation=old).delete()
            old.delete()
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=BENCH_ORGANISATION, has_telephony=True, has_pbx=True, has_mobile=True
            )
            made = [generate(organisation) for generate in GENERATORS]
        # The services queued pushes on commit; they find the organisation in sync and do nothing, so that
        # the first measured change is revision 1 on an empty PBX.
        PbxSync.objects.filter(organisation=organisation).update(applied_revision=0, desired_revision=0)
    return organisation, made


# --- processes ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.01) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if value := predicate():
                return value
        time.sleep(interval)
    return None


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def simulator() -> Iterator[str | None]:
    """A PBX simulator on a free port with a fresh database; yields its URL, or None if it did not start."""
    port = free_port()
    db = BENCH_VAR / "pbx-simulator.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with (BENCH_VAR / "pbx-simulator.log").open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pbx.simulator",
                "--port",
                str(port),
                "--token",
                PBX_TOKEN,
                "--db",
                str(db),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        healthy = wait_for(lambda: httpx.get(f"{url}/health", timeout=1).status_code == 200, timeout=15)
        yield url if healthy else None
    finally:
        stop(process)


@contextlib.contextmanager
def worker(pbx_url: str) -> Iterator[bool]:
    """A Celery worker on the same database and broker as this process; yields whether it became ready."""
    broker_dir = Path(settings.BROKER_DIR)
    if not settings.REDIS_URL and broker_dir.is_relative_to(BENCH_VAR):
        for stale in broker_dir.glob("*.msg"):  # Messages of an interrupted earlier run.
            stale.unlink(missing_ok=True)
    env = {**os.environ, "PBX_URL": pbx_url, "PBX_TOKEN": PBX_TOKEN, "PYTHONUNBUFFERED": "1"}
    log_path = BENCH_VAR / "worker.log"
    command = [str(Path(sys.executable).parent / "celery"), "-A", "een_portal", "worker", "--loglevel=INFO"]
    command += [
        "--pool=solo",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-n",
        "bench@%h",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        ready = wait_for(
            lambda: process.poll() is None and " ready." in log_path.read_text(errors="replace"), timeout=60
        )
        yield bool(ready)
    finally:
        stop(process)


# --- measurements ------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def verdict(value: float, target: float) -> str:
    return "within target" if value < target else "OVER TARGET"


def measure_render(organisation: Organisation) -> dict[str, Any]:
    started = time.perf_counter()
    config.render(organisation)  # The first render of a process pays for imports and query compilation.
    cold = time.perf_counter() - started
    timings = []
    for _ in range(RENDER_RUNS):
        started = time.perf_counter()
        document = config.render(organisation)
        timings.append(time.perf_counter() - started)
    body = httpx.Request("PUT", "http://pbx/", json={"revision": 1, "config": document}).content
    return {
        "document": document,
        "median": statistics.median(timings),
        "max": max(timings),
        "cold": cold,
        "document_bytes": len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()),
        "put_bytes": len(body),
        "pretty_bytes": len(json.dumps(document, ensure_ascii=False, indent=2).encode()),
    }


def measure_direct_put(url: str, document: dict[str, Any]) -> list[float]:
    """The PUT alone (simulator validation + storage), without queue and worker. Sent for another
    organisation id, so that the PBX state of the benchmark organisation stays empty for the next step."""
    other_id = document["organisation"]["id"] + 1_000_000
    document = {**document, "organisation": {**document["organisation"], "id": other_id}}
    timings = []
    with PbxClient(url, PBX_TOKEN) as client:
        # The greetings the document refers to, for that organisation too (the PBX refuses it otherwise).
        with scopes_disabled():
            greetings = list(Greeting.objects.filter(sha256__in=config.audio_references(document)))
        for greeting in greetings:
            client.put_audio(other_id, greeting.sha256, uploads.read(greeting.path))
        for revision in range(1, CHANGES + 1):
            started = time.perf_counter()
            client.push_config(other_id, revision, document)
            timings.append(time.perf_counter() - started)
    return timings


def measure_change_to_applied(url: str, organisation: Organisation) -> list[tuple[float, float]]:
    """(until the PBX runs it, until the portal shows it applied) for each change, one after another."""
    results = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {PBX_TOKEN}"}, timeout=5) as http:

        def pbx_revision() -> int:
            response = http.get(f"/v1/organisations/{organisation.pk}/config")
            return int(response.json()["revision"]) if response.status_code == 200 else 0

        with scopes_disabled():
            for i in range(CHANGES):
                started = time.perf_counter()
                with transaction.atomic():  # As the portal does it: the push is queued on commit.
                    call_barring_update(
                        organisation=organisation, by=None, mobile=i % 2 == 0, premium_0900=True
                    )
                desired = PbxSync.objects.get(organisation=organisation).desired_revision
                if not wait_for(
                    lambda desired=desired: pbx_revision() >= desired, timeout=WAIT_SECONDS, interval=0.005
                ):
                    print(f"  change {i + 1}: not applied within {WAIT_SECONDS} s (see var/bench/worker.log)")
                    return results
                on_pbx = time.perf_counter() - started
                wait_for(
                    lambda desired=desired: (
                        PbxSync.objects.get(organisation=organisation).applied_revision >= desired
                    ),
                    timeout=WAIT_SECONDS,
                    interval=0.005,
                )
                results.append((on_pbx, time.perf_counter() - started))
    return results


def main() -> None:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES["default"]
    broker = "Redis (REDIS_URL)" if settings.REDIS_URL else "file system (var/bench/broker)"
    print(
        f"PBX sync benchmark — {os.cpu_count()} CPUs, database {database['ENGINE'].rsplit('.', 1)[-1]} "
        f"({database['NAME']}), broker {broker}"
    )
    call_command("migrate", verbosity=0, interactive=False)

    started = time.perf_counter()
    organisation, made = generate_organisation()
    print(
        f"Generated organisation {organisation.pk} in {time.perf_counter() - started:.1f} s: {'; '.join(made)}"
    )

    render = measure_render(organisation)
    print()
    print(
        f"Render document (median of {RENDER_RUNS})  {ms(render['median']):>9}   target < {TARGET_RENDER_MS} ms"
        f"   {verdict(render['median'] * 1000, TARGET_RENDER_MS)}  (max {ms(render['max'])}; first render {ms(render['cold'])})"
    )
    print(
        f"Document size (compact JSON)       {render['document_bytes']:>9,} bytes"
        f"   (PUT body {render['put_bytes']:,} bytes; indented {render['pretty_bytes']:,} bytes)"
    )

    with simulator() as url:
        if url is None:
            print("PBX simulator did not start (see var/bench/pbx-simulator.log): no push figures.")
            return
        direct = measure_direct_put(url, render["document"])
        print(
            f"PUT to the simulator (median of {CHANGES})     {ms(statistics.median(direct)):>9}"
            f"   (max {ms(max(direct))}; validation and storage, no queue)"
        )
        with worker(url) as ready:
            if not ready:
                print(
                    "The worker did not become ready (see var/bench/worker.log): no change-to-applied figures."
                )
                return
            results = measure_change_to_applied(url, organisation)
        if not results:
            return
        on_pbx = [pbx for pbx, _ in results]
        in_portal = [portal for _, portal in results]
        print(
            f"Change to applied on the PBX ({len(results)} changes)  median {ms(statistics.median(on_pbx))}, "
            f"max {ms(max(on_pbx))}   target < {TARGET_APPLIED_S:.0f} s   "
            f"{verdict(max(on_pbx), TARGET_APPLIED_S)}"
        )
        print(
            f"Change to 'applied' in the portal        median {ms(statistics.median(in_portal))}, "
            f"max {ms(max(in_portal))}"
        )
        print(f"  each change (PBX): {', '.join(ms(value) for value in on_pbx)}")


if __name__ == "__main__":
    main()
