"""Benchmark of the Telefooncentrale pages on the big organisation of bench/sync.py (2,000 PBX users,
hunt groups, IVR menus, schedules): time per request and SQL queries of each list and of the heaviest
edit pages. Prints figures; asserts nothing (the tests assert the query counts).

    .venv/bin/python bench/pages.py          # make bench runs it after bench/sync.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# Pages are rendered in-process: static URLs without a collected manifest (as the tests do).
os.environ.setdefault("TESTING", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Membership, Role, User
from pbx.models import HuntGroup, IvrMenu, PbxUser

RUNS = 10


def measure(client: Client, url: str) -> tuple[float, float, int, int]:
    client.get(url)  # warm up: templates, the first query plans
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(timings), max(timings), len(queries), response.status_code


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    organisation, made = sync.generate_organisation()
    print(f"Organisation {organisation.pk}: {'; '.join(made)}")
    with scopes_disabled():
        user, _ = User.objects.get_or_create(email="bench@bench.example")
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.ADMIN})
        some_user = PbxUser.objects.filter(organisation=organisation).order_by("pk").first()
        group = HuntGroup.objects.filter(organisation=organisation).order_by("pk").first()
        menu = IvrMenu.objects.filter(organisation=organisation).order_by("pk").first()
    client = Client()
    client.force_login(user)
    pages = [
        ("Gebruikers list, page 1", reverse("pbx:users")),
        ("Gebruikers list, page 40", reverse("pbx:users") + "?page=40"),
        ("Gebruikers search '20'", reverse("pbx:users") + "?q=20"),
        ("Gebruiker edit page", reverse("pbx:user_edit", args=[some_user.pk]) if some_user else None),
        ("Belgroepen list", reverse("pbx:hunt_groups") if group else None),
        ("Belgroep members page", reverse("pbx:hunt_group_members", args=[group.pk]) if group else None),
        ("Keuzemenu's list", reverse("pbx:ivr_menus") if menu else None),
        ("Keuzemenu edit page", reverse("pbx:ivr_edit", args=[menu.pk]) if menu else None),
        ("Schema's list", reverse("schedules:list")),
        ("Nachtschakeling", reverse("pbx:night_mode")),
    ]
    print(f"\n{'page':<28} {'median':>9} {'max':>9} {'queries':>8}  status")
    for name, url in pages:
        if url is None:
            print(f"{name:<28} (no such object in the organisation)")
            continue
        median, worst, queries, status = measure(client, url)
        print(f"{name:<28} {median * 1000:>7.0f} ms {worst * 1000:>6.0f} ms {queries:>8}  {status}")


if __name__ == "__main__":
    main()
