"""On a 390-pixel phone every tab is on screen and opens its page; nothing hides off to the side."""

from __future__ import annotations

from playwright.sync_api import expect

from browser_support import PHONE, log_in

TABS = ["Telefoon", "Telefooncentrale", "Mobiel", "Instellingen", "Gebruikers", "Mijn gegevens"]


def test_it_shows_every_tab_on_a_phone_and_each_one_opens(page, live_server, admin):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, admin.email)
    for name in TABS:
        tab = page.locator(".portal-tabs").get_by_role("link", name=name, exact=True)
        # Within the phone's width without scrolling the tab strip: a user sees it is there.
        expect(tab).to_be_in_viewport()
        box = tab.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        tab.click()
        expect(page.locator(".portal-tabs a[aria-current=page]")).to_have_text(name)
