"""Benchmark of the configuration checks ("Controle", issue 13) on the big organisation of bench/sync.py
(2,000 PBX users, 200 hunt groups of 10 members, 50 IVR menus of 12 keys, 50 time and 20 holiday
schedules): the pure checks on its rendered document (target < 200 ms), and the Controle and Belplan
pages through Django's test client. Prints figures; asserts nothing.

    .venv/bin/python bench/checks.py          # make bench runs it after bench/pages.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TESTING", "1")  # pages in-process: static URLs without a collected manifest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Membership, Role, User
from pbx.callflow import checks, engine
from pbx.sync.render import render

RUNS = 20
TARGET_MS = 200


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    organisation, made = sync.generate_organisation()
    print(f"Organisation {organisation.pk}: {'; '.join(made)}")
    document = render(organisation)
    checks.check(document)  # warm up
    timings, edge_timings = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        edges = engine.edges(document)
        edge_timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        found = checks.check(document, edges)
        timings.append(time.perf_counter() - started)
    total = [a + b for a, b in zip(timings, edge_timings, strict=True)]
    median = statistics.median(total) * 1000
    print(
        f"\nAll checks of the organisation ({len(edges)} edges, {len(found)} findings): "
        f"median {median:.1f} ms, max {max(total) * 1000:.1f} ms over {RUNS} runs "
        f"(edges {statistics.median(edge_timings) * 1000:.1f} ms) "
        f"— target < {TARGET_MS} ms: {'OK' if median < TARGET_MS else 'TOO SLOW'}"
    )
    with scopes_disabled():
        user, _ = User.objects.get_or_create(email="bench@bench.example")
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.ADMIN})
    client = Client()
    client.force_login(user)
    print(f"\n{'page':<28} {'median':>9} {'max':>9} {'queries':>8}  status")
    for name, url in (
        ("Controle", reverse("pbx:callflow_checks")),
        ("Belplan (without users)", reverse("pbx:callflow_plan")),
        ("Findings of one object", reverse("pbx:callflow_findings") + "?node=night_mode"),
    ):
        client.get(url)
        page_timings = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            page_timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(
            f"{name:<28} {statistics.median(page_timings) * 1000:>7.0f} ms "
            f"{max(page_timings) * 1000:>6.0f} ms {len(queries):>8}  {response.status_code}"
        )


if __name__ == "__main__":
    main()
