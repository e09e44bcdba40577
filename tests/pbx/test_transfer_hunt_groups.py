"""CSV export and import of hunt groups with their members in order (issue 15)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ChangeRecord, PbxSync
from pbx.models import Distribution, HuntGroup
from pbx.services import hunt_groups as group_services
from pbx.services import users as user_services

pytestmark = pytest.mark.django_db

IMPORT = reverse("pbx:hunt_groups_import")
EXPORT = reverse("pbx:hunt_groups_export")
HEADER = "Extensie;Naam;Gespreksverdeling;Leden\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def users(org):
    return [
        user_services.pbx_user_create(organisation=org, by=None, first_name=n, last_name="X", extension=e)
        for n, e in (("Jan", "201"), ("Piet", "202"), ("Kees", "203"))
    ]


@pytest.fixture
def sales(org, users):
    group = group_services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="600")
    group_services.hunt_group_set_members(
        group=group, by=None, members=[users[1].entry_id, users[0].entry_id]
    )
    return group


def _upload(client, text: str):
    return client.post(IMPORT, {"file": SimpleUploadedFile("groepen.csv", text.encode())})


def _apply(client, response):
    return client.post(
        IMPORT, {"upload": response.context["upload"], "fingerprint": response.context["preview"].fingerprint}
    )


def _members(group: HuntGroup) -> list[str]:
    return [m.member.extension for m in group_services.members_of(group)]


def test_the_export_has_the_members_in_order(admin_client, sales):
    text = admin_client.get(EXPORT).content.decode()
    header, row = text[1:].splitlines()[:2]
    assert header.startswith("Extensie;Naam;Extern nummer")
    assert row.startswith("600;Verkoop;")
    assert row.endswith(";202, 201")


def test_round_trip_changes_nothing(admin_client, org, sales):
    exported = admin_client.get(EXPORT).content.decode()
    response = _upload(admin_client, exported)
    assert response.status_code == 200
    assert response.context["preview"].counts == {"create": 0, "change": 0, "unchanged": 1, "error": 0}


def test_import_creates_and_changes_groups_with_members_in_order_in_one_revision(
    admin_client, org, sales, users
):
    sync = PbxSync.objects.get(organisation=org)
    before, records = sync.desired_revision, ChangeRecord.objects.filter(organisation=org).count()
    text = HEADER + "600;Verkoop;Vaste volgorde;203, 201\n601;Service;Simultaan;202\n"
    response = _upload(admin_client, text)
    assert response.status_code == 200, response.context["preview"].errors
    page = response.content.decode()
    assert "Leden:</span> 202, 201" in page and "203, 201" in page
    assert _apply(admin_client, response).status_code == 302
    sales.refresh_from_db()
    assert sales.distribution == Distribution.FIXED_ORDER
    assert _members(sales) == ["203", "201"]
    service = HuntGroup.objects.get(organisation=org, entry__extension="601")
    assert service.distribution == Distribution.SIMULTANEOUS and _members(service) == ["202"]
    sync.refresh_from_db()
    assert sync.desired_revision == before + 1
    assert ChangeRecord.objects.filter(organisation=org).count() == records + 1


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (HEADER + "600;Verkoop;;201, 777\n", "777"),
        (HEADER + "600;Verkoop;;201, 201\n", "één keer"),
        (HEADER + "601;;;201\n", "naam"),
        (HEADER + "601;A;Willekeurig;\n", "Circulair"),
        (HEADER + "601;A;;\n601;B;;\n", "rij 2"),
        (HEADER + "201;A;;\n", "201"),  # the extension of a user
    ],
)
def test_bad_rows_write_nothing(admin_client, org, sales, text, said):
    response = _upload(admin_client, text)
    assert response.status_code == 400
    assert said in response.content.decode(), [e.message for e in response.context["preview"].errors]
    sales.refresh_from_db()
    assert _members(sales) == ["202", "201"]
    assert HuntGroup.objects.filter(organisation=org).count() == 1


def test_the_export_runs_a_fixed_number_of_queries(admin_client, org, users, django_assert_max_num_queries):
    def add(n):
        for _i in range(n):
            count = HuntGroup.objects.filter(organisation=org).count()
            group = group_services.hunt_group_create(
                organisation=org, by=None, name=f"G{count}", extension=f"{700 + count}"
            )
            group_services.hunt_group_set_members(group=group, by=None, members=[u.entry_id for u in users])

    add(2)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(EXPORT)
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(EXPORT).status_code == 200


def test_read_only_members_export_but_cannot_import(readonly_client, sales):
    assert readonly_client.get(EXPORT).status_code == 200
    assert (
        readonly_client.post(IMPORT, {"file": SimpleUploadedFile("g.csv", HEADER.encode())}).status_code
        == 403
    )
