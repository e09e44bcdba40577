"""Issue 15's "done when" in a real browser: export the users, change the CSV as a spreadsheet
would, import it with a preview, apply, and see the PBX get it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pbx.services import users as services

from browser_support import assert_no_serious_axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_export_edit_import_with_a_preview_and_the_pbx_gets_it(
    simulator, page, live_server, admin, org, tmp_path
):
    services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )
    services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="Bakker", extension="202"
    )
    log_in(page, live_server, "beheerder@bakkerij.example")
    page.goto(f"{live_server.url}/telefooncentrale/gebruikers/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren (CSV)").click()
    exported = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    header, jan, piet = exported.splitlines()
    assert header.startswith("Extensie;Voornaam;Achternaam") and jan.startswith("201;Jan;de Vries;")

    # As a spreadsheet saves it: Jan gets another surname, a new colleague forwards busy calls to Jan.
    cells = header.split(";")
    kees = dict.fromkeys(cells, "")
    kees.update(
        {"Extensie": "203", "Voornaam": "Kees", "Achternaam": "Smit", "Doorschakelen bij bezet naar": "201"}
    )
    edited = "\r\n".join(
        [header, jan.replace(";de Vries;", ";Jansen;"), piet, ";".join(kees[c] for c in cells)]
    )
    upload = tmp_path / "gebruikers.csv"
    upload.write_bytes(edited.encode("cp1252"))  # Excel's "CSV (gescheiden door lijstscheidingsteken)"

    page.get_by_role("link", name="Importeren").click()
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    preview = page.locator("table.transfer-preview")
    expect(preview.locator("tr", has_text="Kees Smit")).to_contain_text("Nieuw")
    expect(preview.locator("tr", has_text="201")).to_contain_text("Achternaam: de Vries")
    expect(preview.locator("tr", has_text="201")).to_contain_text("Jansen")
    expect(page.locator(".transfer-counts")).to_contain_text("1 worden aangemaakt")
    assert_no_serious_axe_violations(page)
    assert not simulator.store.get(org.pk) or len(simulator.store.get(org.pk).config["users"]) == 2

    page.get_by_role("button", name="Doorvoeren").click()
    expect(
        page.get_by_text("CSV-import doorgevoerd: 1 aangemaakt, 1 gewijzigd, 1 ongewijzigd.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Jan Jansen")).to_be_visible()
    expect(page.get_by_role("cell", name="Bij bezet → Jan Jansen")).to_be_visible()
    expect(page.locator("#pbx-sync-status")).to_contain_text("doorgevoerd", timeout=15000)
    users = {user["extension"]: user for user in simulator.store.get(org.pk).config["users"]}
    assert set(users) == {"201", "202", "203"}
    assert users["201"]["last_name"] == "Jansen"
    assert users["203"]["forwarding"]["busy"] == {"type": "user", "key": users["201"]["key"]}
