"""The Telefooncentrale's "Belgroepen" pages (R6.1-R6.5, R3.5 per group; issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import PbxSync
from pbx.forms.destination import DestinationValue
from pbx.models import HuntGroup, HuntGroupMember
from pbx.services import hunt_groups as services
from pbx.services import users as user_services

from factories import HuntGroupFactory, PbxUserFactory

pytestmark = pytest.mark.django_db


def _revision(org) -> int:
    sync = PbxSync.objects.filter(organisation=org).first()
    return sync.desired_revision if sync else 0


@pytest.fixture
def users(org):
    return [
        user_services.pbx_user_create(
            organisation=org, by=None, first_name=first, last_name="Jansen", extension=extension
        )
        for first, extension in (("Anna", "201"), ("Bram", "202"), ("Cor", "203"))
    ]


@pytest.fixture
def group(org):
    return services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="300")


def _order(group) -> list[int]:
    return list(group.members.order_by("position").values_list("member_id", flat=True))


def _edit_data(group: HuntGroup, **changes):
    group = HuntGroup.objects.select_related("entry").get(pk=group.pk)
    data = {
        "version": str(group.version),
        "name": group.entry.name,
        "first_name": group.first_name,
        "last_name": group.last_name,
        "extension": group.entry.extension or "",
        "phone_number": str(group.entry.phone_number_id or ""),
        "distribution": group.distribution,
        "rings": str(group.rings),
        "overflow_to_0": group.overflow_kind,
        "overflow_to_1": "",
        "overflow_seconds": str(group.overflow_seconds),
        "night_mode": group.night_mode,
    }
    if group.move_on:
        data["move_on"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- The list ---------------------------------------------------------------------------------


def test_it_lists_groups_with_policy_members_overflow_and_night_mode(admin_client, org, group, users):
    services.hunt_group_set_members(group=group, by=None, members=[u.entry_id for u in users])
    services.hunt_group_update(
        group=group, by=None, values={"distribution": "simultaneous", "night_mode": "on"}
    )

    html = admin_client.get(reverse("pbx:hunt_groups")).content.decode()

    assert "Belgroepen" in html and "Belgroep toevoegen" in html
    row = html[html.index("Verkoop") :]
    assert "300" in row and "Simultaan" in row and ">3<" in row and "Niet ingesteld" in row
    assert "Aan" in row


def test_it_runs_the_same_number_of_queries_for_a_few_or_200_groups(admin_client, org):
    for _ in range(3):
        HuntGroupFactory(organisation=org)
    admin_client.get(reverse("pbx:hunt_groups"))
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(reverse("pbx:hunt_groups")).status_code == 200
    for _ in range(197):
        HuntGroupFactory(organisation=org)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse("pbx:hunt_groups"), {"page": "8"})

    assert "200 belgroepen" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def _with_members(org, group, count):
    users = [PbxUserFactory(organisation=org) for _ in range(count)]
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=group, member=u.entry, position=i) for i, u in enumerate(users, start=1)
    )


@pytest.mark.parametrize("page", ["pbx:hunt_group_edit", "pbx:hunt_group_members"])
def test_it_runs_the_same_number_of_queries_for_3_or_200_members(admin_client, org, group, page):
    url = reverse(page, args=[group.pk])
    _with_members(org, group, 3)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    _with_members(org, HuntGroupFactory(organisation=org), 0)
    users = [PbxUserFactory(organisation=org) for _ in range(197)]
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=group, member=u.entry, position=10 + i) for i, u in enumerate(users)
    )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.content.decode().count("member-name" if "leden" in url else "<li>") >= 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Create and edit --------------------------------------------------------------------------


def test_it_creates_a_group_and_goes_to_its_members(admin_client, org):
    number = org.phone_numbers.order_by("number").first()
    before = _revision(org)

    response = admin_client.post(
        reverse("pbx:hunt_group_create"),
        {
            "name": "Service",
            "first_name": "Service",
            "last_name": "",
            "extension": "",
            "phone_number": number.pk,
            "distribution": "fixed_order",
        },
    )

    group = HuntGroup.objects.get(organisation=org)
    assert response.status_code == 302
    assert response["Location"] == reverse("pbx:hunt_group_members", args=[group.pk])
    assert (group.entry.name, group.entry.phone_number, group.distribution) == (
        "Service",
        number,
        "fixed_order",
    )
    assert _revision(org) > before


def test_it_refuses_a_group_with_neither_number_nor_extension_and_keeps_what_was_typed(admin_client, org):
    response = admin_client.post(
        reverse("pbx:hunt_group_create"),
        {
            "name": "Service",
            "first_name": "Balie",
            "extension": "",
            "phone_number": "",
            "distribution": "uniform",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Geef de groep een extensie of een extern nummer" in html
    assert 'value="Balie"' in html
    assert not HuntGroup.objects.filter(organisation=org).exists()


def test_it_explains_each_policy_and_advises_an_extension(admin_client, org):
    html = admin_client.get(reverse("pbx:hunt_group_create")).content.decode()

    assert "Het is aan te bevelen een belgroep altijd een extensie te geven" in html
    for line in (
        "beginnend waar het laatste gesprek is gestopt",
        "beginnend bij de eerste gebruiker uit de ledenlijst",
        "Alle leden uit de belgroep worden gelijktijdig opgeroepen",
        "die het langst geen gesprek heeft ontvangen vanuit de belgroep",
    ):
        assert line in html, line


def test_it_shows_the_advice_while_the_group_has_no_extension(admin_client, org):
    number = org.phone_numbers.order_by("number").first()
    group = services.hunt_group_create(
        organisation=org, by=None, name="Service", extension=None, phone_number=number
    )

    html = admin_client.get(reverse("pbx:hunt_group_edit", args=[group.pk])).content.decode()

    assert 'id="extension-advice"' in html


def test_it_saves_the_settings_and_shows_the_overflow_instead_of_the_warning(admin_client, org, group):
    url = reverse("pbx:hunt_group_edit", args=[group.pk])
    assert 'id="overflow-warning"' in admin_client.get(url).content.decode()

    response = admin_client.post(
        url,
        _edit_data(
            group,
            distribution="uniform",
            rings="6",
            overflow_to_0="voicemail",
            overflow_seconds="45",
            night_mode="off",
            move_on=None,
        ),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.distribution, group.rings, group.move_on) == ("uniform", 6, False)
    assert (group.overflow_kind, group.overflow_seconds, group.night_mode) == ("voicemail", 45, "off")
    html = admin_client.get(url).content.decode()
    assert 'id="overflow-warning"' not in html
    assert "Niet beantwoord na 45 seconden" in html


@pytest.mark.parametrize(
    ("rings", "message"),
    [
        ("0", "Kies een aantal keer overgaan van 1 tot 20"),
        ("1000", "Kies een aantal keer overgaan van 1 tot 20"),
        ("drie", "Kies een aantal keer overgaan van 1 tot 20"),
        ("٤", "cijfers 0 tot en met 9"),
    ],
)
def test_it_refuses_rings_outside_the_range(admin_client, group, rings, message):
    response = admin_client.post(
        reverse("pbx:hunt_group_edit", args=[group.pk]), _edit_data(group, rings=rings)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    group.refresh_from_db()
    assert group.rings == 4


def test_it_refuses_an_overflow_to_the_group_itself(admin_client, group):
    response = admin_client.post(
        reverse("pbx:hunt_group_edit", args=[group.pk]),
        _edit_data(group, overflow_to_0=f"entry:{group.entry_id}"),
    )

    assert response.status_code == 400
    group.refresh_from_db()
    assert group.overflow_kind == "none"


def test_it_says_next_to_the_members_whether_their_order_matters(admin_client, org, group):
    url = reverse("pbx:hunt_group_edit", args=[group.pk])
    assert "de volgorde van deze lijst van belang" in admin_client.get(url).content.decode()

    services.hunt_group_update(group=group, by=None, values={"distribution": "simultaneous"})

    assert "maakt de volgorde van deze lijst niet uit" in admin_client.get(url).content.decode()


# --- Members ----------------------------------------------------------------------------------


def test_it_adds_moves_and_removes_members_with_plain_posts(admin_client, group, users):
    url = reverse("pbx:hunt_group_members", args=[group.pk])
    a, b, c = (u.entry_id for u in users)
    for member in (a, b, c):
        assert admin_client.post(url, {"add": member}).status_code == 302
    assert _order(group) == [a, b, c]

    admin_client.post(url, {"up": c})
    assert _order(group) == [a, c, b]
    admin_client.post(url, {"down": a})
    assert _order(group) == [c, a, b]
    admin_client.post(url, {"order": [b, c, a], "reorder": "1"})
    assert _order(group) == [b, c, a]
    admin_client.post(url, {"remove": c})
    assert _order(group) == [b, a]


def test_it_shows_who_rings_next_in_which_order(admin_client, group, users):
    services.hunt_group_set_members(group=group, by=None, members=[u.entry_id for u in users])
    services.hunt_group_update(group=group, by=None, values={"distribution": "fixed_order"})

    html = admin_client.get(reverse("pbx:hunt_group_members", args=[group.pk])).content.decode()

    rounds = html[html.index('class="mb-1 ring-rounds"') :]
    assert rounds.index("Anna") < rounds.index("Bram") < rounds.index("Cor")


def test_it_searches_the_candidates_and_leaves_out_members(admin_client, group, users):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)
    url = reverse("pbx:hunt_group_members", args=[group.pk])

    html = admin_client.get(url, {"q": "bram"}).content.decode()

    candidates = html[html.index('id="candidate-form"') :]
    assert "Bram Jansen" in candidates
    assert "Cor Jansen" not in candidates and "Anna Jansen" not in candidates


def test_it_refuses_a_forged_member_of_another_organisation_and_changes_nothing(
    admin_client, org, other_org, group, users
):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)
    stranger = PbxUserFactory(organisation=other_org)
    before = _revision(org)
    url = reverse("pbx:hunt_group_members", args=[group.pk])

    added = admin_client.post(url, {"add": stranger.entry_id})
    reordered = admin_client.post(url, {"order": [stranger.entry_id], "reorder": "1"})

    assert added.status_code == reordered.status_code == 400
    assert "Er is niets gewijzigd" in added.content.decode()
    assert _order(group) == [users[0].entry_id]
    assert _revision(org) == before


@pytest.mark.parametrize("data", [{"add": "abc"}, {"up": ""}, {"order": ["x"], "reorder": "1"}, {}])
def test_it_refuses_nonsense_member_posts_with_a_message(admin_client, group, data):
    response = admin_client.post(reverse("pbx:hunt_group_members", args=[group.pk]), data)

    assert response.status_code == 400
    assert "Er is niets gewijzigd" in response.content.decode()


def test_it_gives_404_for_another_organisations_group(admin_client, other_org):
    theirs = HuntGroupFactory(organisation=other_org)

    for name in ("pbx:hunt_group_edit", "pbx:hunt_group_members", "pbx:hunt_group_delete"):
        assert admin_client.get(reverse(name, args=[theirs.pk])).status_code == 404


def test_it_refuses_member_changes_to_read_only_members(readonly_client, group, users):
    response = readonly_client.post(
        reverse("pbx:hunt_group_members", args=[group.pk]), {"add": users[0].entry_id}
    )

    assert response.status_code == 403
    assert _order(group) == []


# --- Delete -----------------------------------------------------------------------------------


def test_it_refuses_deleting_a_group_in_use_and_says_where(admin_client, org, group):
    other = services.hunt_group_create(organisation=org, by=None, name="Service", extension="301")
    services.hunt_group_update(
        group=other, by=None, values={"overflow_to": DestinationValue("entry", group.entry)}
    )
    url = reverse("pbx:hunt_group_delete", args=[group.pk])

    page = admin_client.get(url).content.decode()
    refused = admin_client.post(url)

    assert "Service" in page and "kan niet worden verwijderd" in page
    assert refused.status_code == 400
    assert HuntGroup.objects.filter(pk=group.pk).exists()


def test_it_deletes_a_group(admin_client, org, group, users):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)

    response = admin_client.post(reverse("pbx:hunt_group_delete", args=[group.pk]))

    assert response.status_code == 302
    assert not HuntGroup.objects.filter(organisation=org).exists()


def test_it_names_the_group_when_a_member_user_cannot_be_deleted(admin_client, group, users):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)

    page = admin_client.get(reverse("pbx:user_delete", args=[users[0].pk])).content.decode()

    assert "Belgroep Verkoop" in page
