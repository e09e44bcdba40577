"""CSV export of IVR menus with their keys (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pbx.models import IvrKey, IvrPart, KeyMode
from pbx.services import users as user_services

from factories import IvrMenuFactory

pytestmark = pytest.mark.django_db
EXPORT = reverse("pbx:ivr_export")


def _menu(org, name, extension, keys=()):
    menu = IvrMenuFactory(organisation=org, entry__name=name, entry__extension=extension)
    for key, entry in keys:
        IvrKey.objects.create(
            menu=menu,
            part=IvrPart.BUSINESS,
            key=key,
            mode=KeyMode.SILENT,
            destination_kind="entry",
            destination_entry=entry,
        )
    return menu


def test_the_export_has_one_row_per_key_in_dutch(admin_client, org):
    jan = user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="V", extension="201"
    )
    _menu(org, "Hoofdmenu", "500", keys=[("1", jan.entry), ("2", jan.entry)])
    _menu(org, "Leeg", "501")
    response = admin_client.get(EXPORT)
    assert response.status_code == 200
    lines = response.content.decode()[1:].splitlines()
    assert lines[0].split(";")[:3] == ["Naam", "Extensie", "Extern nummer"]
    assert len(lines) == 4
    first = lines[1].split(";")
    assert first[:2] == ["Hoofdmenu", "500"]
    assert first[6:] == ["1", "Doorschakelen zonder melding", "201"]
    assert lines[3].startswith("Leeg;501;")


def test_the_export_runs_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    jan = user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="V", extension="201"
    )
    _menu(org, "M0", "500", keys=[("1", jan.entry)])
    with django_assert_max_num_queries(12) as few:
        admin_client.get(EXPORT)
    for i in range(1, 8):
        _menu(org, f"M{i}", f"5{i:02d}", keys=[("1", jan.entry), ("2", jan.entry)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(EXPORT).content.decode().count("\r\n") == 1 + 1 + 14


def test_read_only_members_may_export(readonly_client, org):
    assert readonly_client.get(EXPORT).status_code == 200
