"""'Used by …' on the schedules list costs one query per kind of reference, however many menus use schedules."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import IvrMenuFactory

pytestmark = pytest.mark.django_db


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("schedules:list"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_it_lists_where_schedules_are_used_in_a_fixed_number_of_queries(admin_client, org):
    IvrMenuFactory(organisation=org, entry__name="Hoofdmenu", entry__extension="400")
    few, html = _queries(admin_client)
    assert "Hoofdmenu" in html
    for extension in range(401, 421):
        IvrMenuFactory(organisation=org, entry__extension=str(extension))
    many, _ = _queries(admin_client)
    assert many == few
