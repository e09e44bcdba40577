"""Geschiedenis in a real browser (issue 14): the demo flow from the night mode page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pbx.models import NightMode
from pbx.services.night_mode import night_mode_update

from browser_support import assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_a_night_mode_change_with_the_name_and_puts_it_back_in_one_click(
    page, live_server, admin, org
):
    admin.first_name, admin.last_name = "Els", "de Vries"
    admin.save()
    night_mode_update(organisation=org, by=admin, setting="off", time_schedule=None, holiday_schedule=None)
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/telefooncentrale/nachtschakeling/")
    page.get_by_label("Gesprekken doorschakelen naar").select_option("external")
    page.locator("input[name=destination_1]").fill("020-1234567")
    page.get_by_role("button", name="Opslaan").click()

    history = page.locator(".object-history")
    expect(history).to_contain_text("Els de Vries (beheerder@bakkerij.example)")
    expect(history).to_contain_text("bedrijfsvoicemail (999) → 020 123 4567")
    assert_no_serious_axe_violations(page)
    history.get_by_role("button", name="Terugzetten naar vóór deze wijziging").first.click()

    expect(page.locator(".messages")).to_contain_text("Teruggezet zoals het was vóór deze wijziging.")
    expect(page).to_have_url(f"{live_server.url}/telefooncentrale/nachtschakeling/")
    expect(page.locator(".object-history")).to_contain_text("Teruggezet naar een eerdere stand")
    night = NightMode.objects.get(organisation=org)
    assert (night.destination_kind, night.destination_number) == ("voicemail", "")
