"""Benchmark of the call-flow engine ("Test een oproep") on the big organisation of bench/sync.py (2,000 PBX
users, 200 hunt groups, 50 IVR menus, schedules): µs per simulated call, on the plain document (what the
page does: one call, building only the indexes it needs) and on a prepared one (what the PBX simulator
keeps per revision, every index built), plus building all indexes and edges() of the whole document. Prints figures; asserts nothing.

    .venv/bin/python bench/callflow.py          # make bench runs it
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync
from django.core.management import call_command

from pbx.callflow import engine
from pbx.sync.render import render

RUNS = 300
AMS = ZoneInfo("Europe/Amsterdam")


def per_call(function: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and 95th percentile in µs."""
    function()  # warm up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    organisation, made = sync.generate_organisation()
    print(f"Organisation {organisation.pk}: {'; '.join(made)}")
    document = render(organisation)
    users = document["users"]
    groups = document.get("hunt_groups") or []
    menus = document.get("ivr_menus") or []
    weekday, night = datetime(2025, 6, 17, 10, 0, tzinfo=AMS), datetime(2025, 6, 15, 3, 0, tzinfo=AMS)
    calls: list[tuple[str, engine.Call]] = []
    if menus:
        menu = menus[0]
        dialled = menu.get("external_number") or menu["extension"]
        keys = tuple(k["key"] for k in menu["business_hours"]["keys"][:2])
        calls.append(("IVR menu, weekday 10:00, keys", engine.Call(dialled, weekday, keys=keys)))
        calls.append(("IVR menu, Sunday 03:00", engine.Call(dialled, night)))
    if groups:
        group = groups[0]
        members = [u for u in users if u["key"] in set(group["members"])]
        calls.append(
            (
                "Hunt group, all members busy",
                engine.Call(
                    group.get("extension") or group["external_number"],
                    weekday,
                    busy=frozenset(u["extension"] for u in members),
                ),
            )
        )
    calls.append(
        (
            "User, no answer",
            engine.Call(users[-1]["extension"], weekday, no_answer=frozenset({users[-1]["extension"]})),
        )
    )
    prepared = engine.prepare(document)
    print(f"\n{'call':<32} {'steps':>5} {'outcome':<10} {'document':>16} {'prepared':>16}")
    for name, call in calls:
        route = engine.simulate(document, call)
        plain = per_call(lambda call=call: engine.simulate(document, call))
        ready = per_call(lambda call=call: engine.simulate(prepared, call))
        print(
            f"{name:<32} {len(route.steps):>5} {route.outcome:<10} "
            f"{plain[0]:>6.0f} µs (p95 {plain[1]:>4.0f}) {ready[0]:>5.0f} µs (p95 {ready[1]:>4.0f})"
        )

    def index_everything() -> None:
        full = engine.Prepared(document)
        indexes = (full.users, full.groups, full.menus, full.times, full.holidays, full.numbers)
        assert indexes

    median, p95 = per_call(index_everything, runs=50)
    print(f"\nprepare(document) with every index built: {median:.0f} µs (p95 {p95:.0f})")
    median, p95 = per_call(lambda: engine.edges(prepared), runs=20)
    print(
        f"edges(document), {len(engine.edges(prepared))} edges: {median / 1000:.1f} ms (p95 {p95 / 1000:.1f})"
    )


if __name__ == "__main__":
    main()
