"""Schedules, night mode and call barring in a real browser (issues 3 and 4)."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import expect

from schedules import engine
from schedules import services as schedule_services

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, live_server, email="beheerder@bakkerij.example"):
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("demo-portaal")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.fixture
def opening_hours(org):
    ranges = [engine.WeeklyRange(d, time(8, 30), time(17, 30)) for d in range(5)]
    return schedule_services.time_schedule_save(
        organisation=org, name="Openingstijden", ranges=ranges, by=None
    )[0]


def test_it_creates_a_schedule_across_midnight_shows_the_week_and_deletes_it(page, live_server, admin):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/telefooncentrale/schemas/")
    page.get_by_role("link", name="Nieuw tijdschema").click()
    page.get_by_label("Omschrijving").fill("Nachtdienst")
    page.locator("#id_ranges-0-weekday").select_option(label="vrijdag")
    page.locator("#id_ranges-0-start").fill("22:00")
    page.locator("#id_ranges-0-end").fill("06:00")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
    picture = page.locator("svg.week-picture")
    expect(picture).to_be_visible()
    expect(picture.locator("rect.bar")).to_have_count(2)
    expect(picture.locator("title", has_text="vrijdag 22:00-24:00")).to_have_count(1)
    expect(picture.locator("title", has_text="zaterdag 00:00-06:00")).to_have_count(1)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Schema verwijderen").click()
    expect(page.get_by_text("Schema “Nachtdienst” verwijderd.")).to_be_visible()
    expect(page.get_by_role("link", name="Nachtdienst")).to_have_count(0)


def test_it_refuses_to_delete_a_schedule_in_use_and_says_where(page, live_server, admin, opening_hours):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/telefooncentrale/nachtschakeling/")
    page.get_by_label("Automatisch").check()
    page.get_by_label("Tijdschema (openingstijden)").select_option(label="Openingstijden")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
    page.goto(f"{live_server.url}/telefooncentrale/schemas/tijd/{opening_hours.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Schema verwijderen").click()
    expect(page.get_by_text("Dit schema is in gebruik en kan niet worden verwijderd")).to_be_visible()
    expect(page.get_by_text("Nachtschakeling van het bedrijf").first).to_be_visible()


def test_it_sets_automatic_night_mode_and_overrides_it_until_the_next_change(
    page, live_server, admin, opening_hours
):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/telefooncentrale/nachtschakeling/")
    page.get_by_label("Automatisch").check()
    page.get_by_label("Tijdschema (openingstijden)").select_option(label="Openingstijden")
    page.get_by_label("Gesprekken doorschakelen naar").select_option("external")
    page.get_by_placeholder("06 1234 5678").fill("06-12345678")
    page.get_by_role("button", name="Opslaan").click()
    state = page.locator("#night-state")
    expect(state).to_contain_text("Nachtschakeling is nu")
    expect(state).to_contain_text("tot")
    expect(page.get_by_placeholder("06 1234 5678")).to_have_value("06 12345678")
    switch = page.get_by_role("button", name="Nu inschakelen").or_(
        page.get_by_role("button", name="Nu uitschakelen")
    )
    switch.click()
    expect(state).to_contain_text("Handmatig")
    expect(state).to_contain_text(" tot ")
    page.get_by_role("button", name="Handmatige schakeling beëindigen").click()
    expect(page.get_by_text("De nachtschakeling volgt het schema weer.")).to_be_visible()
    page.goto(f"{live_server.url}/telefooncentrale/")
    expect(page.locator(".night-sentence")).to_contain_text("Nachtschakeling is nu")


def test_it_refuses_an_invalid_night_destination_in_dutch(page, live_server, admin):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/telefooncentrale/nachtschakeling/")
    page.get_by_label("Aan", exact=True).check()
    page.get_by_label("Gesprekken doorschakelen naar").select_option("external")
    page.get_by_placeholder("06 1234 5678").fill("12345")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Vul een geldig telefoonnummer in")).to_be_visible()


def test_it_keeps_ticked_barring_boxes_after_a_reload(page, live_server, admin):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/telefoon/")
    page.get_by_label("Zakelijke servicenummers (0900)").check()
    page.get_by_label("Internationale nummers").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Zakelijke servicenummers (0900)")).to_be_checked()
    expect(page.get_by_label("Internationale nummers")).to_be_checked()
    expect(page.get_by_label("Mobiele nummers")).not_to_be_checked()
    # The status line tells whether the PBX has the change (in the tests no PBX listens).
    expect(page.locator("#pbx-sync-status")).to_contain_text("centrale")
