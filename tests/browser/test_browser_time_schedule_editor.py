"""The time schedule editor in a real browser: rows are added and removed in place (htmx)."""

from __future__ import annotations

from datetime import time

from playwright.sync_api import expect

from schedules.models import TimeSchedule

from browser_support import log_in


def test_it_adds_two_rows_removes_one_and_saves(page, live_server, admin, org):
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/telefooncentrale/schemas/tijd/nieuw/")
    page.get_by_label("Omschrijving").fill("Winkel")
    rows = page.locator("tr.range-row")
    expect(rows).to_have_count(1)
    page.locator("#id_ranges-0-weekday").select_option(label="maandag")
    page.locator("#id_ranges-0-start").fill("08:30")
    page.locator("#id_ranges-0-end").fill("17:30")

    url = page.url
    page.get_by_role("button", name="Regel toevoegen").click()
    expect(rows).to_have_count(2)
    # In place: the same page, the new row's day has the focus, what was typed is still there.
    assert page.url == url
    expect(page.locator("#id_ranges-1-weekday")).to_be_focused()
    expect(page.locator("#id_ranges-0-start")).to_have_value("08:30")
    page.locator("#id_ranges-1-weekday").select_option(label="dinsdag")
    page.locator("#id_ranges-1-start").fill("10:00")
    page.locator("#id_ranges-1-end").fill("11:00")
    page.get_by_role("button", name="Regel toevoegen").click()
    expect(rows).to_have_count(3)
    page.locator("#id_ranges-2-weekday").select_option(label="zaterdag")
    page.locator("#id_ranges-2-start").fill("09:00")
    page.locator("#id_ranges-2-end").fill("12:00")

    page.get_by_role("button", name="Regel 2 verwijderen").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#id_ranges-1-start")).to_have_value("09:00")
    expect(page.get_by_label("Omschrijving")).to_have_value("Winkel")

    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
    schedule = TimeSchedule.objects.get(organisation=org, name="Winkel")
    assert [(r.weekday, r.start, r.end) for r in schedule.ranges.all()] == [
        (0, time(8, 30), time(17, 30)),
        (5, time(9), time(12)),
    ]


def test_it_adds_and_removes_rows_without_javascript(browser, live_server, admin, org):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email)
        page.goto(f"{live_server.url}/telefooncentrale/schemas/tijd/nieuw/")
        page.get_by_label("Omschrijving").fill("Winkel")
        page.locator("#id_ranges-0-weekday").select_option(label="maandag")
        page.locator("#id_ranges-0-start").fill("08:30")
        page.locator("#id_ranges-0-end").fill("17:30")
        page.get_by_role("button", name="Regel toevoegen").click()
        page.get_by_role("button", name="Regel toevoegen").click()
        expect(page.locator("tr.range-row")).to_have_count(3)
        expect(page.locator("#id_ranges-0-start")).to_have_value("08:30")
        page.locator("#id_ranges-2-weekday").select_option(label="zaterdag")
        page.locator("#id_ranges-2-start").fill("09:00")
        page.locator("#id_ranges-2-end").fill("12:00")
        page.get_by_role("button", name="Regel 2 verwijderen").click()
        expect(page.locator("tr.range-row")).to_have_count(2)
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
        schedule = TimeSchedule.objects.get(organisation=org, name="Winkel")
        assert [(r.weekday, r.start) for r in schedule.ranges.all()] == [(0, time(8, 30)), (5, time(9))]
    finally:
        context.close()
