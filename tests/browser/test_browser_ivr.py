"""The Telefooncentrale's IVR menus ("Keuzemenu's") in a real browser (issue 12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pbx.domain.audio import tone_wav
from pbx.services import users as user_services

from browser_support import PHONE, assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def jan(org, simulator):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


def test_it_builds_a_menu_with_keys_reception_and_greeting_and_says_what_plays_now(
    page, live_server, admin, org, jan, simulator
):
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/")
    page.get_by_role("link", name="Keuzemenu's", exact=True).click()
    expect(page.get_by_text("Nog geen keuzemenu's")).to_be_visible()
    page.get_by_role("link", name="Keuzemenu toevoegen").click()
    page.locator("#id_name").fill("Hoofdmenu")
    page.locator("#id_extension").fill("400")
    expect(page.locator("#id_time_schedule")).to_have_value(
        page.locator("#id_time_schedule option", has_text="Elke dag, de hele dag").get_attribute("value")
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Keuzemenu Hoofdmenu aangemaakt.")).to_be_visible()
    expect(page.locator("#ivr-warnings")).to_contain_text("heeft geen begroeting")
    expect(page.locator("#ivr-warnings")).to_contain_text("heeft geen receptie")
    # "Elke dag, de hele dag": one menu that always applies, and a line that says why.
    expect(page.locator("#ivr-after-never")).to_contain_text("is altijd open")
    expect(page.locator("#ivr-now")).to_have_text("Nu: menu onder werktijd.")

    # Three keys and a reception.
    page.get_by_text("Toetsen instellen").first.click()
    page.locator("#id_business_1_mode").select_option(label="Doorschakelen met melding")
    page.locator("#id_business_1_0").select_option(label="Jan de Vries (gebruiker, 201)")
    page.locator("#id_business_2_mode").select_option(label="Doorschakelen zonder melding")
    page.locator("#id_business_2_0").select_option("voicemail")
    page.locator("#id_business_hash_mode").select_option(label="Doorschakelen met melding")
    page.locator("#id_business_hash_0").select_option("external")
    page.locator("#id_business_hash_1").fill("06-12345678")
    page.locator("#id_business_reception_0").select_option(label="Jan de Vries (gebruiker, 201)")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()

    # The keypad reads at a glance: 1 Jan, 2 voicemail, # the mobile number, the rest off.
    keypad = page.locator(".ivr-keypad").first
    expect(keypad.locator("[role=cell]")).to_have_count(12)
    expect(keypad.locator("[role=cell]").nth(0)).to_contain_text("Jan de Vries")
    expect(keypad.locator("[role=cell]").nth(1)).to_contain_text("Voicemail 999")
    expect(keypad.locator("[role=cell]").nth(11)).to_contain_text("06 12345678")
    expect(keypad.locator("[role=cell]").nth(4)).to_contain_text("uit")

    # The greeting: upload, then it plays; the warnings are gone.
    page.locator("#id_business_greeting_file").set_input_files(
        files=[{"name": "welkom.wav", "mimeType": "audio/wav", "buffer": tone_wav(1.0)}]
    )
    page.locator("button[form=business-greeting-form]").click()
    expect(page.get_by_text("Begroeting geüpload.")).to_be_visible()
    expect(page.locator("audio.greeting-player")).to_have_count(1)
    expect(page.locator("#ivr-warnings")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    # The push (eager in the tests, the worker's job otherwise) reached the PBX: the status line says so.
    page.reload()
    expect(page.locator("#pbx-sync-status")).to_contain_text("doorgevoerd")
    menus = simulator.store.get(org.pk).config["ivr_menus"]
    assert [key["key"] for key in menus[0]["business_hours"]["keys"]] == ["1", "2", "#"]

    # On a phone the keypad keeps its three columns and nothing runs off the screen.
    page.set_viewport_size(PHONE)
    page.reload()
    first, second = (page.locator(".ivr-keypad [role=cell]").nth(i).bounding_box() for i in (0, 1))
    assert first["y"] == second["y"] and first["x"] < second["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
