"""The Mobiel tab in a real browser: a limit, Business Voicemail for two numbers, Wijzig, resubmit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mobile import services
from mobile.models import SubscriptionKind, VoicemailRequest, VoicemailStatus

from browser_support import assert_no_serious_axe_violations, log_in


@pytest.fixture
def subscriptions(org):
    return [
        services.subscription_create(organisation=org, number="0612345678", user_name="Sanne de Vries"),
        services.subscription_create(organisation=org, number="0622222222", user_name="Kees Kok"),
        services.subscription_create(
            organisation=org, number="0633333333", user_name="Tablet winkel", kind=SubscriptionKind.DATA_ONLY
        ),
    ]


def _row(page, subscription):
    return page.locator(f"#vm-row-{subscription.pk}")


def test_it_changes_a_limit_and_requests_business_voicemail_for_two_numbers(
    page, live_server, admin, subscriptions
):
    sanne, kees, tablet = subscriptions
    log_in(page, live_server, admin.email)
    page.locator(".portal-tabs").get_by_role("link", name="Mobiel").click()
    expect(page.get_by_role("heading", name="Mobiel", exact=True)).to_be_visible()
    expect(page.locator("#subscription-results")).to_contain_text("Alleen data")
    assert_no_serious_axe_violations(page)

    # Search narrows the list while typing (htmx), then open a subscription and change a limit.
    page.get_by_label("Zoek op nummer of naam").fill("kees")
    expect(page.locator("#subscription-results tbody tr")).to_have_count(1)
    page.get_by_role("link", name="06 22222222").click()
    page.get_by_label("Bestedingslimiet per maand").fill("75,50")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Wijzigingen opgeslagen.")
    expect(page.get_by_label("Bestedingslimiet per maand")).to_have_value("75,50")

    # "Instellen" opens the Business Voicemail page; data only is not offered.
    page.locator(".portal-tabs").get_by_role("link", name="Mobiel").click()
    page.get_by_role("link", name="Instellen").click()
    expect(page.get_by_role("heading", name="Business Voicemail", exact=True)).to_be_visible()
    expect(_row(page, tablet)).to_have_count(0)
    expect(page.get_by_text("Het kan tot 30 dagen duren")).to_be_visible()

    # Number 1: standard text, with the live preview.
    row = _row(page, sanne)
    row.get_by_label("Bedrijfsnaam").fill("Bakkerij De Vries")
    row.get_by_label("Naam", exact=True).fill("Sanne")
    row.get_by_label("Functie").fill("eigenaar")
    expect(row.locator("[data-vm-preview]")).to_contain_text(
        "U bent verbonden met de voicemail van Sanne, eigenaar bij Bakkerij De Vries."
    )
    row.get_by_label("Engels").check()
    expect(row.locator("[data-vm-preview]")).to_contain_text("You have reached the voicemail of Sanne")
    expect(row.get_by_label("Aanvragen voor dit nummer")).to_be_checked()

    # Number 2: own text; the fields change without a page load (htmx), with a counter.
    row = _row(page, kees)
    row.get_by_label("Eigen tekst").check()
    expect(row.get_by_label("Uw tekst")).to_be_visible()
    expect(row.get_by_label("Bedrijfsnaam")).to_have_count(0)
    row.get_by_label("Uw tekst").fill("Welkom bij Bakkerij De Vries.")
    expect(row.locator("[data-vm-counter]")).to_contain_text("29 / 500")
    row.get_by_label("man", exact=True).check()
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="Aanvragen").click()
    expect(page.locator(".messages")).to_contain_text("2 aanvragen voor Business Voicemail opgeslagen")
    for subscription in (sanne, kees):
        expect(_row(page, subscription).locator(".vm-status")).to_have_text("Aanvraag ingediend")
    expect(_row(page, kees)).to_contain_text("Welkom bij Bakkerij De Vries.")
    expect(_row(page, sanne).get_by_label("Naam", exact=True)).to_have_count(0)  # read-only now

    # "Wijzig" makes one number editable again; the next "Aanvragen" resubmits it.
    _row(page, sanne).get_by_role("button", name="Wijzig").click()
    row = _row(page, sanne)
    expect(row.get_by_label("Naam", exact=True)).to_have_value("Sanne")
    row.get_by_label("Naam", exact=True).fill("Sanne de Vries")
    page.get_by_role("button", name="Aanvragen").click()
    expect(page.locator(".messages")).to_contain_text("1 aanvraag voor Business Voicemail opgeslagen")
    expect(_row(page, sanne)).to_contain_text("You have reached the voicemail of Sanne de Vries")
    expect(_row(page, sanne).locator(".vm-status")).to_have_text("Aanvraag ingediend")

    first = VoicemailRequest.objects.get(subscription=sanne)
    assert (first.version, first.status, first.language) == (2, VoicemailStatus.SUBMITTED, "en")
    assert VoicemailRequest.objects.get(subscription=kees).voice == "male"
    sanne_list = page.goto(f"{live_server.url}/mobiel/")
    assert sanne_list is not None
    expect(page.locator("#subscription-results")).to_contain_text("Aanvraag ingediend")


def test_it_changes_the_voicemail_fields_without_javascript(browser, live_server, admin, subscriptions):
    sanne = subscriptions[0]
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email)
        page.goto(f"{live_server.url}/mobiel/business-voicemail/")
        row = _row(page, sanne)
        row.get_by_label("Eigen tekst").check()
        row.get_by_role("button", name="Toon de velden voor dit type").click()
        row = _row(page, sanne)
        row.get_by_label("Uw tekst").fill("Hallo, dit is Sanne.")
        page.get_by_role("button", name="Aanvragen").click()
        expect(page.locator(".messages")).to_contain_text("1 aanvraag voor Business Voicemail opgeslagen")
        expect(_row(page, sanne)).to_contain_text("Hallo, dit is Sanne.")
        expect(page).to_have_url(re.compile(r"/mobiel/business-voicemail/$"))
    finally:
        context.close()
