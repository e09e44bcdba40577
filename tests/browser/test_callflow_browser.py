""" "Test een oproep", the Belplan and the Controle in a real browser, on the demo data (issue 13)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from pbx.models import IvrMenu

from browser_support import PHONE, assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def demo(simulator):
    call_command("demo")
    with scopes_disabled():
        menu = IvrMenu.objects.select_related("entry__phone_number").get(entry__name="Hoofdmenu")
    return menu


def _test(page, number: str, day: str, clock: str) -> str:
    page.locator("#id_nummer").fill(number)
    page.locator("#id_datum").fill(day)
    page.locator("#id_tijd").fill(clock)
    page.get_by_role("button", name="Oproep testen").click()
    expect(page.locator("#callflow-steps")).to_be_visible()
    return page.locator("#callflow-steps").inner_text()


def test_a_weekday_morning_and_a_sunday_night_go_different_ways_and_the_route_is_drawn(
    page, live_server, demo
):
    number = demo.entry.phone_number.number
    menu_node = f"menu:m{demo.entry_id}"
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/")
    page.get_by_role("link", name="Test een oproep", exact=True).first.click()

    weekday = _test(page, number, "2026-12-01", "10:00")  # a Tuesday

    assert "binnen werktijd" in weekday and "Hoofdmenu" in weekday
    route = page.locator("svg#callflow-route")
    expect(route.locator(f'g[data-node="{menu_node}"]')).to_be_visible()
    expect(route.locator('g[data-node="voicemail:company"]')).to_have_count(0)
    # The demo's PBX has applied everything, so it answers the same.
    expect(page.locator("#callflow-pbx")).to_contain_text("De centrale doet hetzelfde")
    assert_no_serious_axe_violations(page)

    sunday = _test(page, number, "2026-12-06", "03:00")

    assert sunday != weekday
    assert "Nachtschakeling actief" in sunday
    expect(route.locator('g[data-node="night_mode"]')).to_be_visible()
    expect(route.locator('g[data-node="voicemail:company"]')).to_be_visible()
    expect(page.locator("#callflow-outcome")).to_contain_text("bedrijfsvoicemail")


def test_the_call_plan_draws_the_organisation_and_the_check_lists_the_demos_findings(page, live_server, demo):
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/belplan/")

    plan = page.locator("svg#callflow-plan")
    expect(plan).to_be_visible()
    expect(plan.locator(f'g[data-node="number:{demo.entry.phone_number.number}"]')).to_be_visible()
    expect(plan.locator(f'g[data-node="menu:m{demo.entry_id}"]')).to_contain_text("Hoofdmenu")
    for name in ("Verkoop", "Service", "Receptie", "Sanne de Vries", "Bedrijfsvoicemail"):
        expect(plan.locator(".callflow-node", has_text=name).first).to_be_attached()
    assert plan.locator(".callflow-arrow").count() > 20
    assert_no_serious_axe_violations(page)

    # From one hunt group: only what it leads to.
    page.locator("#callflow-start").select_option(label="Verkoop (300)")
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator("svg#callflow-plan .callflow-node", has_text="Hoofdmenu")).to_have_count(0)
    expect(page.locator("svg#callflow-plan .node-user", has_text="Sanne de Vries")).to_have_count(1)

    # A box is a link to its page.
    page.locator("svg#callflow-plan a", has=page.locator(".callflow-node", has_text="Verkoop")).first.click()
    expect(page.locator("h1")).to_contain_text("Verkoop")
    # That page shows its own findings, loaded after the page.
    expect(page.locator(".callflow-object")).to_contain_text("Test een oproep naar deze belgroep")

    page.goto(f"{live_server.url}/telefooncentrale/controle/")
    expect(page.locator("#callflow-summary")).to_contain_text("problemen")
    expect(page.locator(".callflow-finding-group", has_text="Receptie")).to_contain_text(
        "Doorschakelen na wachttijd"
    )
    assert_no_serious_axe_violations(page)


def test_on_a_phone_the_route_fits_and_the_plan_scrolls_inside_its_frame(page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "kijker@bakkerij.example")  # read-only: testing changes nothing
    page.goto(f"{live_server.url}/telefooncentrale/test-een-oproep/?nummer=201")
    route = page.locator("svg#callflow-route")
    expect(route).to_be_visible()
    assert route.bounding_box()["width"] <= PHONE["width"]
    page.goto(f"{live_server.url}/telefooncentrale/belplan/")
    frame = page.locator(".callflow-scroll")
    assert frame.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
