"""The call-flow pages (R10.1, R10.2; issue 13): "Test een oproep", "Belplan", "Controle" and the
findings on each object's page."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbx.forms.destination import DestinationValue
from pbx.models import HuntGroupMember
from pbx.services import hunt_groups as group_services
from pbx.services import ivr as ivr_services
from pbx.services import night_mode as night_services
from pbx.services import users as user_services
from schedules.models import TimeRange, TimeSchedule

from factories import PbxUserFactory

pytestmark = pytest.mark.django_db

TEST = reverse("pbx:callflow_test")
PLAN = reverse("pbx:callflow_plan")
CHECKS = reverse("pbx:callflow_checks")
PART = reverse("pbx:callflow_findings")


@pytest.fixture
def office_hours(org):
    schedule = TimeSchedule.objects.create(organisation=org, name="Kantoortijden")
    for day in range(5):
        TimeRange.objects.create(schedule=schedule, weekday=day, start=time(8, 30), end=time(17, 30))
    return schedule


@pytest.fixture
def jan(org):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


@pytest.fixture
def piet(org):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="Bakker", extension="202"
    )


@pytest.fixture
def group(org, jan, piet):
    made = group_services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="300")
    group_services.hunt_group_set_members(group=made, by=None, members=[jan.entry_id, piet.entry_id])
    return made


@pytest.fixture
def menu(org, office_hours, group):
    number = org.phone_numbers.order_by("number").first()
    made = ivr_services.ivr_menu_create(
        organisation=org,
        by=None,
        name="Hoofdmenu",
        extension="400",
        phone_number=number,
        time_schedule=office_hours,
    )
    keys = [ivr_services.KeyChoice("business", "1", "announce", DestinationValue("entry", group.entry))]
    ivr_services.ivr_menu_update(
        menu=made, by=None, values={"business_reception": DestinationValue("entry", group.entry)}, keys=keys
    )
    return made


def _loop(jan, piet):
    """Jan forwards to Piet when he does not answer, Piet to Jan: a call can go round."""
    user_services.pbx_user_update(
        user=jan, by=None, values={"forward_no_answer": DestinationValue("entry", piet.entry)}
    )
    user_services.pbx_user_update(
        user=piet, by=None, values={"forward_no_answer": DestinationValue("entry", jan.entry)}
    )


# --- Controle -------------------------------------------------------------------------------------


def test_the_check_page_groups_findings_by_object_with_a_link_to_fix_each(admin_client, jan, piet, group):
    _loop(jan, piet)

    page = admin_client.get(CHECKS).content.decode()

    assert "Controle" in page
    assert "Jan de Vries" in page and "schakelt door in een kring" in page
    assert reverse("pbx:user_edit", args=[jan.pk]) in page
    assert reverse("pbx:hunt_group_edit", args=[group.pk]) in page  # Verkoop has no overflow: advice
    assert "Doorschakelen na wachttijd" in page


def test_a_clean_organisation_has_nothing_to_report(admin_client, org):
    page = admin_client.get(CHECKS).content.decode()
    assert "Geen problemen en geen adviezen" in page


def test_read_only_members_see_the_checks_and_the_plan(readonly_client, jan, piet, group, menu):
    _loop(jan, piet)
    assert readonly_client.get(CHECKS).status_code == 200
    assert readonly_client.get(PLAN).status_code == 200
    assert readonly_client.get(TEST).status_code == 200


def test_an_objects_findings_load_on_its_own_page(admin_client, jan, piet, group):
    _loop(jan, piet)
    edit = admin_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert f'data-callflow-src="{PART}?node=user:u{jan.entry_id}"' in edit
    assert f"{TEST}?nummer=201" in edit and "Test een oproep naar deze gebruiker" in edit

    part = admin_client.get(PART, {"node": f"user:u{jan.entry_id}"}).content.decode()

    assert "Probleem" in part and "Piet Bakker" in part
    assert "Verkoop" not in part  # only Jan's own findings


def test_the_group_menu_night_mode_and_schedule_pages_carry_the_findings_and_test_link(
    admin_client, group, menu, office_hours
):
    for url, node in (
        (reverse("pbx:hunt_group_edit", args=[group.pk]), f"group:g{group.entry_id}"),
        (reverse("pbx:ivr_edit", args=[menu.pk]), f"menu:m{menu.entry_id}"),
        (reverse("pbx:night_mode"), "night_mode"),
        (reverse("schedules:time_detail", args=[office_hours.pk]), f"schedule:t{office_hours.pk}"),
    ):
        page = admin_client.get(url).content.decode()
        assert f"?node={node}" in page, url
    group_page = admin_client.get(reverse("pbx:hunt_group_edit", args=[group.pk])).content.decode()
    assert f"{TEST}?nummer=300" in group_page and "Test een oproep naar deze belgroep" in group_page
    part = admin_client.get(PART, {"node": f"group:g{group.entry_id}"}).content.decode()
    assert "Doorschakelen na wachttijd" in part and "Advies" in part


def test_another_organisations_object_is_a_404(admin_client, other_org, jan):
    theirs = PbxUserFactory(organisation=other_org)
    assert admin_client.get(PART, {"node": f"user:u{theirs.entry_id}"}).status_code == 404
    assert admin_client.get(PART, {"node": "user:abc"}).status_code == 404
    assert admin_client.get(PLAN, {"vanaf": f"user:u{theirs.entry_id}"}).status_code == 404
    assert admin_client.get(PLAN, {"vanaf": f"user:u{jan.entry_id}"}).status_code == 200


def test_the_overview_counts_problems_and_advice(admin_client, jan, piet, group):
    _loop(jan, piet)
    index = admin_client.get(reverse("pbx:index")).content.decode()
    assert f'data-callflow-src="{PART}"' in index

    count = admin_client.get(PART).content.decode()

    assert "2 problemen" in count and "1 advies" in count


def test_the_side_menu_has_test_a_call_and_the_check(admin_client, org):
    page = admin_client.get(reverse("pbx:index")).content.decode()
    assert f'href="{TEST}"' in page and f'href="{CHECKS}"' in page and "Test een oproep" in page


def test_the_check_page_speaks_english(admin_client, admin, group):
    admin.language = "en"
    admin.save()
    page = admin_client.get(CHECKS).content.decode()
    assert "Configuration check" in page and "Forward after waiting time" in page


# --- Belplan --------------------------------------------------------------------------------------


def test_the_plan_draws_numbers_menus_groups_users_and_voicemail(admin_client, org, menu, group, jan):
    group_services.hunt_group_update(
        group=group, by=None, values={"overflow_to": DestinationValue("voicemail"), "overflow_seconds": 60}
    )

    page = admin_client.get(PLAN).content.decode()

    assert "<svg" in page and "callflow-plan" in page
    number = org.phone_numbers.order_by("number").first().number
    for node in (
        f"number:{number}",
        f"menu:m{menu.entry_id}",
        f"group:g{group.entry_id}",
        f"user:u{jan.entry_id}",
    ):
        assert f'data-node="{node}"' in page, node
    assert 'data-node="voicemail:company"' in page
    assert f'data-source="group:g{group.entry_id}" data-target="voicemail:company"' in page
    assert reverse("pbx:ivr_edit", args=[menu.pk]) in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_plan_from_one_start_shows_only_what_it_leads_to(
    admin_client, menu, group, jan, office_hours, org
):
    other = user_services.pbx_user_create(
        organisation=org, by=None, first_name="Els", last_name="Smit", extension="209"
    )

    page = admin_client.get(PLAN, {"vanaf": f"group:g{group.entry_id}"}).content.decode()

    assert f'data-node="user:u{jan.entry_id}"' in page
    assert f'data-node="user:u{other.entry_id}"' not in page
    assert f'data-node="menu:m{menu.entry_id}"' not in page


# --- Query counts ---------------------------------------------------------------------------------


def _add_users(org, group, count, start):
    users = [PbxUserFactory(organisation=org, entry__extension=str(5000 + start + i)) for i in range(count)]
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=group, member=u.entry, position=100 + start + i) for i, u in enumerate(users)
    )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (CHECKS, {}),
        (PLAN, {}),
        (PART, {}),
        (TEST, {}),
        (TEST, {"nummer": "300", "datum": "2026-06-01", "tijd": "10:00"}),
    ],
)
def test_the_pages_run_a_fixed_number_of_queries(admin_client, org, menu, group, url, params):
    _add_users(org, group, 2, 0)
    admin_client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url, params).status_code == 200
    _add_users(org, group, 60, 10)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url, params).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Test een oproep ------------------------------------------------------------------------------


def test_the_form_offers_the_organisations_numbers_and_extensions(admin_client, org, menu, jan):
    page = admin_client.get(TEST).content.decode()
    number = org.phone_numbers.order_by("number").first().number
    assert f'<option value="{number}">' in page
    assert '<option value="201">' in page and '<option value="400">' in page
    assert 'id="callflow-result"' not in page


def test_it_prefills_from_nummer_and_tests_right_away(admin_client, menu, group):
    page = admin_client.get(TEST, {"nummer": "300"}).content.decode()
    assert 'value="300"' in page and 'id="callflow-result"' in page
    assert "Verkoop" in page and 'id="callflow-route"' in page


def test_a_weekday_morning_and_a_sunday_night_go_different_ways(admin_client, org, menu, group):
    night_services.night_mode_update(
        organisation=org, by=None, setting="auto", time_schedule=menu.time_schedule, holiday_schedule=None
    )
    number = org.phone_numbers.order_by("number").first().number
    weekday = admin_client.get(
        TEST, {"nummer": number, "datum": "2026-06-02", "tijd": "10:00"}
    ).content.decode()
    sunday = admin_client.get(
        TEST, {"nummer": number, "datum": "2026-06-07", "tijd": "03:00"}
    ).content.decode()

    def steps(page):
        return page.split('id="callflow-steps"', 1)[1].split("</ol>", 1)[0]

    assert steps(weekday) != steps(sunday)
    assert "Hoofdmenu" in steps(weekday)
    assert 'data-node="voicemail:company"' in sunday  # night mode's destination: the company voicemail


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"nummer": "abc"}, "Vul een van uw nummers in"),
        ({"nummer": "0612345678"}, "is geen nummer van uw organisatie"),
        ({"nummer": "777"}, "Extensie 777 is bij uw organisatie niet in gebruik"),
        ({"nummer": "٣٠٠"}, "cijfers 0-9"),
        ({"nummer": "300", "tijd": "25:00"}, "Vul een tijd in zoals 10:00"),
        ({"nummer": "300", "datum": "2026-02-30"}, "Vul een datum in zoals 2026-06-02"),
        ({"nummer": "300", "toetsen": "1 x"}, "Toetsen zijn 0 tot en met 9"),
        ({"nummer": "300", "bezet": ["999999"]}, "Kies gebruikers van uw organisatie uit de lijst"),
        ({"nummer": ""}, "Vul een nummer of extensie in om te testen"),
    ],
)
def test_bad_input_gets_a_clear_dutch_error(admin_client, menu, group, params, error):
    response = admin_client.get(TEST, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page, page[page.find("invalid-feedback") - 200 : page.find("invalid-feedback") + 300]
    assert 'id="callflow-result"' not in page


def test_another_organisations_extension_is_unknown_here(admin_client, other_org, menu):
    theirs = PbxUserFactory(organisation=other_org, entry__extension="555")
    response = admin_client.get(TEST, {"nummer": theirs.entry.extension})
    assert response.status_code == 400


def test_without_the_pbx_the_page_still_answers_and_says_so(admin_client, settings, menu, group):
    settings.PBX_URL = "http://127.0.0.1:9"  # nothing listens there
    page = admin_client.get(TEST, {"nummer": "300"}).content.decode()
    assert 'id="callflow-result"' in page
    assert "De centrale kon nu niet worden gevraagd" in page


def test_the_test_page_speaks_english(admin_client, admin, menu, group):
    admin.language = "en"
    admin.save()
    page = admin_client.get(TEST, {"nummer": "300"}).content.decode()
    assert "Test a call" in page and "A call to 300" in page


def test_it_compares_with_what_the_pbx_has_applied_and_says_when_the_change_alters_the_route(
    admin_client, settings, org, menu, group, jan, pbx_simulator, pbx_token
):
    from pbx.sync.client import PbxClient
    from pbx.sync.render import render

    settings.PBX_URL, settings.PBX_TOKEN = pbx_simulator.base_url, pbx_token
    with PbxClient(pbx_simulator.base_url, pbx_token) as client:
        client.push_config(org.pk, 1, render(org))
    same = admin_client.get(TEST, {"nummer": "300", "datum": "2026-06-02", "tijd": "10:00"}).content.decode()
    assert "De centrale doet hetzelfde" in same

    # A pending change: night mode always on for Verkoop, so its calls go to the night destination.
    group_services.hunt_group_update(group=group, by=None, values={"night_mode": "on"})
    changed = admin_client.get(
        TEST, {"nummer": "300", "datum": "2026-06-02", "tijd": "10:00"}
    ).content.decode()

    assert "Na het doorvoeren van uw wijziging verloopt deze oproep anders" in changed
    pbx_part = changed.split('id="callflow-pbx"', 1)[1]
    assert "Verkoop" in pbx_part and "Jan de Vries" in pbx_part  # today the PBX still rings the members
