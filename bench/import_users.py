"""Benchmark of the CSV import (issue 15): 2,000 PBX users end to end, as the import page runs it:
read the file, plan and preview (a dry run through the services, rolled back), then read, plan
and apply again in one transaction (target < 10 s in all). Also: the same file again (all
"unchanged"), a file that changes every row, and the export. Prints figures; asserts nothing.

    .venv/bin/python bench/import_users.py       # make bench runs it

Database: DATABASE_URL when set (migrated: point it at a scratch database), otherwise its own
SQLite file var/bench_import.sqlite3; broker and private files under var/bench_import/.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "een_portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'bench_import.sqlite3'}")
os.environ.setdefault("VAR_DIR", str(REPO / "var" / "bench_import"))
sys.path.insert(0, str(REPO))

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
for name in ("kombu", "pbx", "celery"):
    logging.getLogger(name).setLevel(logging.ERROR)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from accounts.models import Organisation, PhoneNumber  # noqa: E402
from core.models import ChangeRecord, PbxSync  # noqa: E402
from core.transfer import csv_text, plan_import, read_table, run_import  # noqa: E402
from pbx.models import DirectoryEntry, HuntGroup, HuntGroupMember, PbxUser  # noqa: E402
from pbx.transfer.hunt_groups import HuntGroupImporter  # noqa: E402
from pbx.transfer.users import UserImporter  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "2000"))
WITH_NUMBER = USERS * 3 // 4
NAME = "CSV-benchmark BV"


def organisation() -> Organisation:
    with scopes_disabled():
        for old in Organisation.objects.filter(name=NAME):
            HuntGroupMember.objects.filter(group__organisation=old).delete()  # PROTECTs the users
            HuntGroup.objects.filter(organisation=old).delete()
            PbxUser.objects.filter(organisation=old).delete()
            DirectoryEntry.objects.filter(organisation=old).delete()
            old.delete()
        with transaction.atomic():
            made = Organisation.objects.create(name=NAME, has_pbx=True, has_telephony=True)
            base = 20_700_0000 + made.pk % 100 * 10_000
            PhoneNumber.objects.bulk_create(
                PhoneNumber(organisation=made, number=f"+31{base + i}") for i in range(WITH_NUMBER)
            )
    return made


def the_file(org: Organisation, *, changed: bool = False) -> bytes:
    """The users' file; `changed`: every row differs (another surname, voicemail switched, and a
    third forward on busy to a colleague instead of the company voicemail)."""
    with scopes_disabled():
        numbers = list(
            PhoneNumber.objects.filter(organisation=org).order_by("number").values_list("number", flat=True)
        )
    headers = [
        "Extensie",
        "Voornaam",
        "Achternaam",
        "Extern nummer",
        "Voicemail aan",
        "E-mailadres voor voicemail",
        "Doorschakelen bij bezet naar",
        "Nachtschakeling",
    ]
    rows = []
    for i in range(USERS):
        extension = str(2000 + i)
        voicemail = (i % 2 == 0) != changed
        busy = "999" if i % 3 == 0 else ""
        if changed and i % 3 == 1:
            busy = str(2000 + (i + 1) % USERS)
        rows.append(
            [
                extension,
                f"Medewerker{i}",
                f"Achternaam {i}" + (" (nieuw)" if changed else ""),
                numbers[i] if i < WITH_NUMBER else "",
                "ja" if voicemail else "nee",
                f"m{i}@bedrijf.example" if voicemail else "",
                busy,
                ["Volg bedrijfsinstelling", "Aan", "Uit"][i % 3],
            ]
        )
    return csv_text(headers, rows).encode("utf-8")


def timed(label: str, work):
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    seconds = time.perf_counter() - started
    print(f"  {label:<44} {seconds:6.2f} s  {count[0]:6d} queries")
    return result, seconds


def run(org: Organisation, data: bytes, *, apply: bool) -> tuple[float, dict[str, int]]:
    total = 0.0
    importer = UserImporter(organisation=org, by=None)
    table, s = timed("read (decode, separator, tablib)", lambda: read_table(data, importer.columns))
    total += s
    preview, s = timed("plan (compare with stored)", lambda: plan_import(importer, table))
    total += s
    _, s = timed("preview (dry run through the services)", lambda: run_import(importer, preview, apply=False))
    total += s
    if apply and preview.has_work:
        importer = UserImporter(organisation=org, by=None)
        preview, s = timed(
            "apply: read + plan again", lambda: plan_import(importer, read_table(data, importer.columns))
        )
        total += s
        written, s = timed(
            "apply: write (one transaction)", lambda: run_import(importer, preview, apply=True)
        )
        total += s
        assert written, preview.errors[:5]
    return total, preview.counts


def hunt_groups(org: Organisation) -> None:
    """200 hunt groups of 10 of the users each, imported the same way (preview, then apply)."""
    rows = [
        [str(7000 + g), f"Groep {g}", ", ".join(str(2000 + (g * 10 + m) % USERS) for m in range(10))]
        for g in range(200)
    ]
    data = csv_text(["Extensie", "Naam", "Leden"], rows).encode()
    total = 0.0
    for apply in (False, True):
        importer = HuntGroupImporter(organisation=org, by=None)
        preview, s = timed(
            "apply: plan and write" if apply else "preview: plan and dry run",
            lambda importer=importer, apply=apply: _planned_run(importer, data, apply=apply),
        )
        total += s
    print(f"  {'END TO END':<44} {total:6.2f} s  {preview.counts}")


def _planned_run(importer: HuntGroupImporter, data: bytes, *, apply: bool):
    preview = plan_import(importer, read_table(data, importer.columns))
    assert run_import(importer, preview, apply=apply) == apply, preview.errors[:3]
    return preview


def through_the_pages(org: Organisation, data: bytes) -> None:
    """What the administrator waits for: the upload answered with the preview page (2,000 rows of
    HTML), then "Doorvoeren" answered with the redirect; the portal's own middleware and views."""
    import re

    from django.test import Client

    from accounts.models import Membership, Role, User
    from core.tenancy import ORGANISATION_FIELD, SESSION_ORGANISATION

    with scopes_disabled():
        admin, _ = User.objects.get_or_create(email="bench-import@example.com")
        Membership.objects.get_or_create(user=admin, organisation=org, defaults={"role": Role.ADMIN})
        HuntGroupMember.objects.filter(group__organisation=org).delete()
        HuntGroup.objects.filter(organisation=org).delete()
        PbxUser.objects.filter(organisation=org).delete()
        DirectoryEntry.objects.filter(organisation=org).delete()
    client = Client()
    client.force_login(admin)
    session = client.session
    session[SESSION_ORGANISATION] = org.pk
    session.save()
    url = reverse("pbx:users_import")
    started = time.perf_counter()
    page = client.post(
        url,
        {
            "file": SimpleUploadedFile("gebruikers.csv", data, content_type="text/csv"),
            ORGANISATION_FIELD: org.pk,  # what every form of the portal carries
        },
    )
    preview = time.perf_counter() - started
    html = page.content.decode()
    fields = dict(re.findall(r'name="(upload|fingerprint)" value="([^"]+)"', html))
    started = time.perf_counter()
    done = client.post(url, {**fields, ORGANISATION_FIELD: org.pk})
    applied = time.perf_counter() - started
    print(
        f"  {'upload -> preview page (' + str(len(html) // 1024) + ' KB HTML)':<44} {preview:6.2f} s  status {page.status_code}"
    )
    print(f"  {'Doorvoeren -> redirect':<44} {applied:6.2f} s  status {done.status_code}")
    print(f"  {'END TO END in the browser (server time)':<44} {preview + applied:6.2f} s")
    with scopes_disabled():
        assert PbxUser.objects.filter(organisation=org).count() == USERS


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # the pages link hashed files
    org = organisation()
    data = the_file(org)
    print(
        f"CSV import of {USERS} PBX users ({len(data) / 1024:.0f} KB, {WITH_NUMBER} with an external number)"
    )
    with translation.override("nl"), scope(organisation=org):
        before = (
            PbxSync.objects.filter(organisation=org).values_list("desired_revision", flat=True).first() or 0
        )
        records = ChangeRecord.objects.filter(organisation=org).count()
        total, counts = run(org, data, apply=True)
        print(f"  {'END TO END (upload to applied)':<44} {total:6.2f} s  {counts}")
        after = (
            PbxSync.objects.filter(organisation=org).values_list("desired_revision", flat=True).first() or 0
        )
        print(
            f"  PBX revisions: {after - before}, change records: "
            f"{ChangeRecord.objects.filter(organisation=org).count() - records}, users: "
            f"{PbxUser.objects.filter(organisation=org).count()}"
        )
        print("The same file again (every row unchanged):")
        total, counts = run(org, data, apply=True)
        print(f"  {'END TO END':<44} {total:6.2f} s  {counts}")
        print("A file that changes every row (surname, voicemail, a third forward to a colleague):")
        total, counts = run(org, the_file(org, changed=True), apply=True)
        print(f"  {'END TO END':<44} {total:6.2f} s  {counts}")
        print("200 hunt groups of 10 members (the users above):")
        hunt_groups(org)
        print("Through the pages (the import page's upload and Doorvoeren, 2,000 new users):")
        through_the_pages(org, data)
        print("Export:")
        importer = UserImporter(organisation=org, by=None)
        timed(
            "export of the users as CSV",
            lambda: csv_text(
                [c.header for c in importer.columns],
                [[c.show(r.get(c.key)) for c in importer.columns] for r in importer.export_rows()],
            ),
        )


if __name__ == "__main__":
    main()
