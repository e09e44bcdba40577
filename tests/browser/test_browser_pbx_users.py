"""The Telefooncentrale's users in a real browser (issue 10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pbx.domain.audio import tone_wav

from browser_support import assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

DURATION = """el => new Promise(resolve => {
  if (el.readyState >= 1) { resolve(el.duration); return; }
  el.addEventListener("loadedmetadata", () => resolve(el.duration));
  el.addEventListener("error", () => resolve(-1));
  el.load();
})"""


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_it_creates_a_user_with_voicemail_a_greeting_and_a_forward(simulator, page, live_server, admin, org):
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/gebruikers/")
    expect(page.get_by_text("Dit zijn de gebruikers van de telefooncentrale")).to_be_visible()
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("Voornaam").fill("Jan")
    page.get_by_label("Achternaam").fill("de Vries")
    page.get_by_label("Extensie").fill("201")
    page.get_by_label("Extern nummer").select_option(label="020 555 1000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Gebruiker Jan de Vries aangemaakt.")).to_be_visible()
    edit_url = page.url
    expect(page.locator("#app-username")).to_contain_text("jan.devries.")

    # The number has left the pool.
    page.goto(f"{live_server.url}/telefooncentrale/gebruikers/nieuw/")
    expect(page.locator("#id_phone_number option", has_text="020 555 1000")).to_have_count(0)
    expect(page.locator("#id_phone_number option", has_text="020 555 1001")).to_have_count(1)

    # Voicemail on without an e-mail address: refused, with what to do.
    page.goto(edit_url)
    page.get_by_label("Voicemail aan").check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Vul het e-mailadres in waar de voicemailberichten naartoe gaan")).to_be_visible()
    expect(page.get_by_label("Voicemail aan")).to_be_checked()  # what was typed stays

    page.get_by_label("E-mailadres voor voicemailberichten").fill("jan@bakkerij.example")
    page.locator("#id_forward_always_0").select_option("external")
    page.locator("#id_forward_always_1").fill("06-12345678")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Wijzigingen opgeslagen")).to_be_visible()
    expect(page.locator("#id_forward_always_1")).to_have_value("06 12345678")

    # Upload a greeting and play it.
    page.locator("#id_greeting_file").set_input_files(
        files=[{"name": "begroeting.wav", "mimeType": "audio/wav", "buffer": tone_wav(1.0)}]
    )
    page.get_by_role("button", name="Begroeting uploaden").click()
    expect(page.get_by_text("Begroeting geüpload.")).to_be_visible()
    duration = page.locator("audio.greeting-player").evaluate(DURATION)
    assert duration > 0.9, duration

    # The PBX has the user, the forward and the greeting (uploaded before the document).
    expect(page.locator("#pbx-sync-status")).to_contain_text("doorgevoerd", timeout=15000)
    assert_no_serious_axe_violations(page)
    stored = simulator.store.get(org.pk)
    [user] = stored.config["users"]
    assert user["forwarding"]["always"] == {"type": "external", "number": "+31612345678"}
    assert user["greeting"] is not None

    page.goto(f"{live_server.url}/telefooncentrale/gebruikers/")
    expect(page.get_by_text("Altijd → 06 12345678")).to_be_visible()
