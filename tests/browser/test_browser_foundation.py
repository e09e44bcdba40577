"""The portal's foundation in a real browser: login, tabs, roles, language, accessibility."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from browser_support import DESKTOP, PHONE, log_in, serious_axe_violations
from factories import MembershipFactory

TABS = ".portal-tabs nav a.nav-link"
ACTIVE_TAB = '.portal-tabs nav a[aria-current="page"]'
NEW_PASSWORD = "Nieuw-Wachtwoord-2026"


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_it_logs_in_lands_on_the_pbx_tab_and_logs_out(page, live_server, admin, org):
    log_in(page, live_server, admin.email)

    expect(page).to_have_url(f"{live_server.url}/telefooncentrale/")
    expect(page.locator(ACTIVE_TAB)).to_have_count(1)
    expect(page.locator(ACTIVE_TAB)).to_have_text("Telefooncentrale")
    expect(page.locator("header .org-name")).to_contain_text(org.name)

    _button(page, "Afmelden").click()

    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.locator("input[name=login]")).to_be_visible()
    # The session is really gone: a portal page sends us back to the login form.
    page.goto(f"{live_server.url}/instellingen/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/instellingen/"))


def _submit_allauth_form(page) -> None:
    """Presses the submit button of an allauth page (password reset, new password).

    While templates/allauth/elements/fields.html nests a second <form> (see
    test_it_puts_the_submit_button_of_allauth_pages_inside_their_form), the browser closes the
    page's form before its button and a click does nothing; the form is then submitted
    directly, so that the rest of the round trip is still tested.
    """
    button = page.locator("main button[type=submit]").first
    with page.expect_navigation():
        if button.evaluate("b => b.form !== null"):
            button.click()
        else:
            page.locator("main form.allauth-form").evaluate("form => form.requestSubmit()")


def test_it_resets_a_forgotten_password_through_the_mailed_link(page, live_server, admin, settings):
    # Mails link to the portal's configured address (PORTAL_URL): here, the live server.
    settings.PORTAL_URL = live_server.url
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page).to_have_url(re.compile(r"/account/password/reset/$"))

    page.locator("input[name=email]").fill(admin.email)
    _submit_allauth_form(page)
    expect(page).to_have_url(re.compile(r"/account/password/reset/done/$"))

    assert len(mail.outbox) == 1
    assert mail.outbox[-1].to == [admin.email]
    match = re.search(r"https?://\S+/account/password/reset/key/\S+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    link = match.group(0)
    assert link.startswith(live_server.url), link

    page.goto(link)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    _submit_allauth_form(page)
    expect(page).to_have_url(re.compile(r"/account/password/reset/key/done/$"))

    # The old password no longer works, and says so in Dutch ...
    log_in(page, live_server, admin.email)
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("alert")).to_contain_text("Het e-mailadres of wachtwoord klopt niet")

    # ... the new one does.
    log_in(page, live_server, admin.email, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/telefooncentrale/")
    expect(_button(page, "Afmelden")).to_be_visible()


def test_it_puts_the_submit_button_of_allauth_pages_inside_their_form(page, live_server, admin):
    # templates/allauth/elements/fields.html renders {% crispy attrs.form %}, which brings its own
    # <form> tag; a nested form ends the outer one early, leaving the button outside any form.
    def assert_buttons_submit_a_form():
        buttons = page.locator("main button[type=submit]")
        assert buttons.count() >= 1
        for i in range(buttons.count()):
            button = buttons.nth(i)
            assert button.evaluate("b => b.form !== null"), (
                f"{page.url}: the button {button.inner_text().strip()!r} belongs to no form"
            )
        assert page.locator("main form form").count() == 0

    page.goto(f"{live_server.url}/account/password/reset/")
    assert_buttons_submit_a_form()
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/account/password/change/")
    assert_buttons_submit_a_form()


@pytest.mark.parametrize(
    ("account", "expected_tabs", "landing_tab"),
    [
        (
            "admin",
            ["Telefoon", "Telefooncentrale", "Mobiel", "Instellingen", "Gebruikers", "Mijn gegevens"],
            "Telefooncentrale",
        ),
        ("outsider", ["Mobiel", "Instellingen", "Gebruikers", "Mijn gegevens"], "Mobiel"),
    ],
)
def test_it_shows_only_the_tabs_of_the_organisations_products(
    page, live_server, request, account, expected_tabs, landing_tab
):
    user = request.getfixturevalue(account)
    log_in(page, live_server, user.email)

    expect(page.locator(TABS)).to_have_text(expected_tabs)
    # The landing page is the first product tab in the order PBX, Phone, Mobile.
    expect(page.locator(ACTIVE_TAB)).to_have_text(landing_tab)


def test_it_offers_a_read_only_account_no_way_to_change_anything(page, live_server, readonly, admin):
    # `admin` is a second, active member: an administrator would see a Deactiveren button for it.
    log_in(page, live_server, readonly.email)

    for path in ("/instellingen/", "/gebruikers/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator(".readonly-note")).to_be_visible()
        for label in ("Opslaan", "Uitnodiging versturen", "Deactiveren"):
            expect(_button(page, label)).to_have_count(0)

    page.goto(f"{live_server.url}/instellingen/")
    fields = page.locator("main form").first.locator("input:not([type=hidden]), select, textarea")
    assert fields.count() >= 5
    for i in range(fields.count()):
        expect(fields.nth(i)).to_be_disabled()


def test_it_switches_the_interface_language_from_the_footer(page, live_server, admin):
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/instellingen/")
    expect(page.locator("main h1")).to_have_text("Instellingen")

    page.locator("footer").get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/instellingen/")
    expect(page.locator(TABS).filter(has_text="Settings")).to_be_visible()
    expect(page.locator(TABS).filter(has_text="Users")).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("footer").get_by_role("button", name="Nederlands").click()
    expect(page.locator(TABS).filter(has_text="Instellingen")).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Instellingen")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_it_saves_a_new_organisation_name(page, live_server, admin, org):
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/instellingen/")
    name = page.locator("#id_name")
    expect(name).to_have_value("Bakkerij De Vries")

    name.fill("Bakkerij De Vries & Zonen")
    with page.expect_navigation():
        _button(page, "Opslaan").click()

    expect(page.locator(".messages")).to_contain_text("Wijzigingen opgeslagen")
    page.reload()
    expect(page.locator("#id_name")).to_have_value("Bakkerij De Vries & Zonen")
    expect(page.locator("header .org-name")).to_contain_text("Bakkerij De Vries & Zonen")
    org.refresh_from_db()
    assert org.name == "Bakkerij De Vries & Zonen"


def test_it_shows_the_organisation_switcher_only_to_members_of_several_organisations(
    page, live_server, admin, readonly, org, other_org
):
    # `readonly` is a second member of the admin's only organisation: nothing to switch to.
    log_in(page, live_server, admin.email)
    for path in ("/instellingen/", "/gebruikers/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator(".org-switch"), f"organisation switcher on {path}").to_have_count(0)
        expect(page.locator("header .org-name")).to_have_text(org.name)

    MembershipFactory(organisation=other_org, user=admin)
    for path in ("/instellingen/", "/gebruikers/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator(".org-switch"), f"organisation switcher on {path}").to_have_count(1)
        page.locator(".org-switch").click()
        expect(page.locator("header .dropdown-menu button[name=organisation]")).to_have_text(
            [org.name, other_org.name]
        )


# (test id, path, logged in as admin?)
PAGES = [
    ("login", "/account/login/", False),
    ("password-reset", "/account/password/reset/", False),
    ("settings", "/instellingen/", True),
    ("members", "/gebruikers/", True),
    ("profile", "/mijn-gegevens/", True),
    ("pbx-landing", "/", True),
]
PAGE_PARAMS = pytest.mark.parametrize(
    ("path", "logged_in"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)


def _open(page, live_server, user, path: str, logged_in: bool) -> None:
    if logged_in:
        log_in(page, live_server, user.email)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("main h1").first).to_be_visible()


@PAGE_PARAMS
def test_it_has_no_serious_accessibility_violations(page, live_server, admin, readonly, path, logged_in):
    # `readonly` is a second member, so Gebruikers shows a full row with its buttons.
    _open(page, live_server, admin, path, logged_in)
    reports = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        reports.append(serious_axe_violations(page))
    report = "\n".join(r for r in reports if r)
    if report:
        pytest.fail(report, pytrace=False)


def _assert_fits_the_phone(page, path: str) -> None:
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    if sizes["scroll"] > sizes["inner"]:
        # Name the culprits: elements sticking out on the right that no scroll container clips.
        culprits = page.evaluate(
            """() => [...document.querySelectorAll("body *")].filter(el => {
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.right <= window.innerWidth + 0.5) return false;
                // A scroll container clips an absolutely positioned element only when it
                // contains the element's containing block (its offsetParent).
                const position = getComputedStyle(el).position;
                const start = position === "fixed" ? null
                    : position === "absolute" ? el.offsetParent : el.parentElement;
                for (let a = start; a; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== "visible") return false;
                }
                return true;
            }).filter((el, _, all) => !all.some(other => other !== el && other.contains(el)))
              .slice(0, 5).map(el => el.outerHTML.slice(0, 160))"""
        )
        pytest.fail(f"{path} scrolls sideways at 390px: {sizes}; sticking out: {culprits}", pytrace=False)


@PAGE_PARAMS
def test_it_fits_a_phone_screen_without_horizontal_scrolling(
    page, live_server, admin, readonly, path, logged_in
):
    page.set_viewport_size(PHONE)
    _open(page, live_server, admin, path, logged_in)

    if logged_in:
        nav = page.locator(".portal-tabs nav")
        expect(nav).to_be_visible()
        expect(page.locator(TABS)).to_have_count(6)
        box = nav.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        # The tab strip scrolls on its own; the active tab can be brought into view.
        active = page.locator(ACTIVE_TAB)
        active.scroll_into_view_if_needed()
        expect(active).to_be_in_viewport()
    _assert_fits_the_phone(page, path)


def test_it_fits_the_organisation_switcher_on_a_phone_screen(page, live_server, admin, other_org):
    MembershipFactory(organisation=other_org, user=admin)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/instellingen/")
    expect(page.locator(".org-switch")).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden")).to_be_in_viewport(ratio=1)
    _assert_fits_the_phone(page, "/instellingen/ (two organisations)")
