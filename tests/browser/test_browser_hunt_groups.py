"""The Telefooncentrale's hunt groups in a real browser (issue 11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pbx.services import users as user_services

from browser_support import assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def users(org):
    for first, extension in (("Anna", "201"), ("Bram", "202"), ("Cor", "203")):
        user_services.pbx_user_create(
            organisation=org, by=None, first_name=first, last_name="Jansen", extension=extension
        )


def _members(page) -> list[str]:
    return [name.split(" ")[0] for name in page.locator(".member-list .member-name").all_inner_texts()]


def test_it_builds_a_group_reorders_it_by_keyboard_and_drag_and_shows_the_ring_order(
    simulator, page, live_server, admin, org, users
):
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/belgroepen/")
    page.get_by_role("link", name="Belgroep toevoegen").click()
    expect(
        page.get_by_text("Het is aan te bevelen een belgroep altijd een extensie te geven")
    ).to_be_visible()
    page.locator("#id_name").fill("Verkoop")
    page.get_by_label("Extensie").fill("300")
    page.get_by_label("Circulair").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Belgroep Verkoop aangemaakt.")).to_be_visible()

    for name in ("Anna Jansen", "Bram Jansen", "Cor Jansen"):
        page.get_by_role("button", name=f"Toevoegen {name}").click()
        expect(page.get_by_text("Lid toegevoegd.")).to_be_visible()
    assert _members(page) == ["Anna", "Bram", "Cor"]

    # By keyboard: the arrow buttons are ordinary buttons, reached with Tab and pressed with Enter.
    page.get_by_role("button", name="Cor Jansen omhoog").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Lid verplaatst.")).to_be_visible()
    assert _members(page) == ["Anna", "Cor", "Bram"]

    # By drag and drop: Bram onto the top half of Anna.
    rows = page.locator(".member-list .member-row")
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 40, "y": 3})
    expect(page.get_by_text("De nieuwe volgorde is opgeslagen.")).to_be_visible()
    assert _members(page) == ["Bram", "Anna", "Cor"]

    page.get_by_role("link", name="Verkoop", exact=True).first.click()
    expect(page.locator("#overflow-warning")).to_be_visible()
    page.get_by_label("Vaste volgorde").check()
    page.get_by_label("Na de wachttijd doorschakelen naar").select_option("voicemail")
    page.get_by_label("Wachttijd (seconden)").fill("45")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()

    expect(page.locator("#overflow-warning")).to_have_count(0)
    expect(page.locator("#overflow-line")).to_contain_text("Niet beantwoord na 45 seconden")
    rounds = page.locator("#ring-order .ring-rounds li").all_inner_texts()
    assert [r.split(" ")[0] for r in rounds] == ["Bram", "Anna", "Cor"]
    expect(page.locator(".order-note")).to_contain_text("volgorde van deze lijst van belang")
    expect(page.locator("#pbx-sync-status")).to_contain_text("doorgevoerd", timeout=15000)
    assert_no_serious_axe_violations(page)

    stored = simulator.store.get(org.pk)
    assert stored is not None
    [group] = stored.config["hunt_groups"]
    assert (group["distribution"], len(group["members"])) == ("fixed_order", 3)
