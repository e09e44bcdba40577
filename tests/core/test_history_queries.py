"""The history pages run a fixed number of SQL queries whatever the number of rows (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import ActorKind, ChangeRecord
from pbx.models import PbxUser
from pbx.services import users as user_services

pytestmark = pytest.mark.django_db


def _history(org, admin, count: int, extension: str) -> PbxUser:
    """`count` changes of one PBX user's name, each a change record with its historical row."""
    user = user_services.pbx_user_create(
        organisation=org, by=admin, first_name="Jan", last_name="de Vries", extension=extension
    )
    start = timezone.now() - timedelta(days=30)
    records = ChangeRecord.objects.bulk_create(
        ChangeRecord(
            organisation=org,
            at=start + timedelta(seconds=i),
            by=admin,
            actor=ActorKind.MEMBER,
            summary="PBX user changed",
        )
        for i in range(count)
    )
    base = PbxUser.history.filter(id=user.pk).latest("history_id")
    rows = []
    for i, record in enumerate(records):
        row = PbxUser.history.model(
            **{f.attname: getattr(base, f.attname) for f in base._meta.concrete_fields}
        )
        row.history_id = None
        row.history_type = "~"
        row.first_name = f"Jan {i}"
        row.history_date = record.at
        row.change_id = record.pk
        rows.append(row)
    PbxUser.history.model.objects.bulk_create(rows, batch_size=2000)
    return user


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _url(page: str, user: PbxUser) -> str:
    if page == "history:object":
        return reverse(page) + f"?object=pbx.pbxuser:{user.pk}"
    return reverse(page)


@pytest.mark.parametrize("page", ["history:index", "history:object", "pbx:user_edit"])
def test_it_runs_the_same_number_of_queries_for_10_and_10000_history_rows(admin_client, org, admin, page):
    few = _history(org, admin, 10, "201")
    url = reverse(page, args=[few.pk]) if page == "pbx:user_edit" else _url(page, few)
    expected = _queries(admin_client, url)
    if page != "pbx:user_edit":
        assert "Jan 8 → Jan 9" in admin_client.get(url).content.decode()

    ChangeRecord.objects.all().delete()
    many = _history(org, admin, 10_000, "202")
    url = reverse(page, args=[many.pk]) if page == "pbx:user_edit" else _url(page, many)

    assert _queries(admin_client, url) == expected
    if page == "history:index":
        assert _queries(admin_client, url + "?page=200") <= expected
