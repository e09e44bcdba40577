"""Two pages open on the same object: the second save is refused, never silently lost (issue 17).

Every edit page is in ``EDIT_PAGES`` with a scenario: a page is loaded, someone else saves
the same object, and the loaded page is saved with other values. The sweep walks every
tenant URL of the project, so a new page with a POST form that is in neither ``EDIT_PAGES``
nor ``NOT_EDIT_PAGES`` fails the test until it is classified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_scopes import scopes_disabled

from accounts.models import Organisation
from mobile import services as mobile_services
from mobile.models import MobileDefaults, Subscription, VoicemailRequest
from pbx.models import HuntGroup, IvrMenu, NightMode, PbxUser
from pbx.services import hunt_groups as hunt_group_services
from pbx.services import ivr as ivr_services
from pbx.services import night_mode as night_services
from pbx.services import users as pbx_user_services
from schedules import engine
from schedules import services as schedule_services
from schedules.models import HolidaySchedule, TimeSchedule
from telephony import services as telephony_services
from telephony.models import CallBarring

pytestmark = pytest.mark.django_db

STALE_TEXT = "Iemand anders heeft dit intussen gewijzigd"


# --- Reading a page's forms as a browser submits them ----------------------------------------


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: list[tuple[str, str]]

    def data(self, **typed: Any) -> dict[str, Any]:
        """What the browser posts, with the fields in ``typed`` changed (None: unticked)."""
        data: dict[str, Any] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in typed.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = [value]
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._disabled_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(
                method=a.get("method", "get").lower(), action=a.get("action", ""), fields=[]
            )
            self.forms.append(self._form)
        if self._form is None or ("disabled" in a and tag in ("input", "select", "textarea")):
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _s in options[:1]]
            self._form.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).lstrip("\n")))
            self._textarea = None


def post_forms(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def edit_form(html: str) -> HtmlForm:
    """The form of the page that carries a version."""
    forms = [f for f in post_forms(html) if any(name.endswith("version") for name, _v in f.fields)]
    assert forms, "the page has no form with a version"
    return forms[0]


def stale_notice(html: str) -> str:
    match = re.search(r'<div class="alert alert-warning stale-edit".*?</dl>', html, re.S)
    assert match, "no stale-edit notice on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


# --- The edit pages and how to make each one stale ------------------------------------------


@dataclass
class Scenario:
    """``url``: the page; ``someone_else``: another administrator's save; ``typed``: what the
    user of the stale page changes; ``stored``: reads the value the two saves fight over."""

    url: str
    someone_else: Callable[[], None]
    typed: dict[str, Any]
    stored: Callable[[], Any]
    theirs: Any  # what ``stored`` returns after someone else's save
    theirs_shown: str  # how the notice shows it
    mine: Any  # what ``stored`` returns after the second, deliberate save
    mine_shown: str  # a pattern: how the re-rendered form shows what was typed
    open: dict[str, Any] | None = None  # a page that opens the object for editing by a POST
    button: dict[str, Any] | None = None  # the name and value of the save button, if it has one


def _night_mode(org: Organisation) -> Scenario:
    night_services.night_mode_update(
        organisation=org, by=None, setting="on", time_schedule=None, holiday_schedule=None
    )
    return Scenario(
        url=reverse("pbx:night_mode"),
        someone_else=lambda: night_services.night_mode_update(
            organisation=org,
            by=None,
            setting="on",
            time_schedule=None,
            holiday_schedule=None,
            destination_kind="external",
            destination_number="+31201234567",
        ),
        typed={"destination_0": "external", "destination_1": "06 1234 5678"},
        stored=lambda: NightMode.objects.get(organisation=org).destination_number,
        theirs="+31201234567",
        theirs_shown="020 123 4567",
        mine="+31612345678",
        mine_shown='value="06 1234 5678"',
    )


def _call_barring(org: Organisation) -> Scenario:
    telephony_services.call_barring_update(organisation=org, by=None)
    return Scenario(
        url=reverse("telephony:index"),
        someone_else=lambda: telephony_services.call_barring_update(organisation=org, by=None, mobile=True),
        typed={"international": "on"},
        stored=lambda: (lambda b: (b.international, b.mobile))(CallBarring.objects.get(organisation=org)),
        theirs=(False, True),
        theirs_shown="Mobiele nummers Ja wijkt af van uw invoer",
        mine=(True, False),
        mine_shown='name="international"[^>]*checked',
    )


def _time_schedule(org: Organisation) -> Scenario:
    ranges = [engine.WeeklyRange(d, time(8, 30), time(17, 30)) for d in range(5)]
    schedule, _merged = schedule_services.time_schedule_save(
        organisation=org, name="Openingstijden", ranges=ranges, by=None
    )
    return Scenario(
        url=reverse("schedules:time_detail", args=[schedule.pk]),
        someone_else=lambda: schedule_services.time_schedule_save(
            organisation=org, schedule=schedule, name="Winkeltijden", ranges=ranges[:1], by=None
        ),
        typed={"name": "Kantoortijden"},
        stored=lambda: (lambda s: (s.name, s.ranges.count()))(TimeSchedule.objects.get(pk=schedule.pk)),
        theirs=("Winkeltijden", 1),
        theirs_shown="Winkeltijden wijkt af van uw invoer Openingstijden ma 08:30-17:30",
        mine=("Kantoortijden", 5),
        mine_shown='value="Kantoortijden"',
    )


def _holiday_schedule(org: Organisation) -> Scenario:
    entries = [
        schedule_services.EntryData(name="Kerst", start_date=date(2030, 12, 25), end_date=date(2030, 12, 26))
    ]
    schedule = schedule_services.holiday_schedule_save(
        organisation=org, name="Feestdagen", entries=entries, by=None
    )
    return Scenario(
        url=reverse("schedules:holiday_detail", args=[schedule.pk]),
        someone_else=lambda: schedule_services.holiday_schedule_save(
            organisation=org, schedule=schedule, name="Vakantie", entries=entries, by=None
        ),
        typed={"name": "Sluitingsdagen"},
        stored=lambda: HolidaySchedule.objects.get(pk=schedule.pk).name,
        theirs="Vakantie",
        theirs_shown="Vakantie wijkt af van uw invoer",
        mine="Sluitingsdagen",
        mine_shown='value="Sluitingsdagen"',
    )


def _subscription(org: Organisation) -> Scenario:
    subscription = mobile_services.subscription_create(
        organisation=org, number="+31612345678", user_name="Sanne"
    )
    return Scenario(
        url=reverse("mobile:subscription", args=[subscription.pk]),
        someone_else=lambda: mobile_services.subscription_update(
            subscription=subscription, values={"spending_limit": Decimal("50")}
        ),
        typed={"user_name": "Sanne de Vries"},
        stored=lambda: (lambda s: (s.user_name, s.spending_limit))(
            Subscription.objects.get(pk=subscription.pk)
        ),
        theirs=("Sanne", Decimal("50")),
        theirs_shown="50,00 wijkt af van uw invoer",
        mine=("Sanne de Vries", None),
        mine_shown='value="Sanne de Vries"',
    )


def _mobile_settings(org: Organisation) -> Scenario:
    mobile_services.mobile_defaults_update(organisation=org, values={})
    return Scenario(
        url=reverse("mobile:settings"),
        someone_else=lambda: mobile_services.mobile_defaults_update(
            organisation=org, values={"spending_limit": Decimal("50")}
        ),
        typed={"data_limit_gb": "10"},
        stored=lambda: (lambda d: (d.spending_limit, d.data_limit_gb))(
            MobileDefaults.objects.get(organisation=org)
        ),
        theirs=(Decimal("50"), None),
        theirs_shown="50,00 wijkt af van uw invoer",
        mine=(None, Decimal("10")),
        mine_shown='name="data_limit_gb" value="10"',
    )


def _organisation_settings(org: Organisation) -> Scenario:
    from accounts import services as account_services

    return Scenario(
        url=reverse("organisation_settings"),
        someone_else=lambda: account_services.organisation_update(
            organisation=org, by=None, notification_email="meldingen@bakkerij.example"
        ),
        typed={"name": "Bakkerij De Vries en Zonen"},
        stored=lambda: (lambda o: (o.name, o.notification_email))(Organisation.objects.get(pk=org.pk)),
        theirs=("Bakkerij De Vries", "meldingen@bakkerij.example"),
        theirs_shown="meldingen@bakkerij.example wijkt af van uw invoer",
        mine=("Bakkerij De Vries en Zonen", ""),
        mine_shown='value="Bakkerij De Vries en Zonen"',
    )


VOICEMAIL_VALUES = {
    "kind": "standard",
    "company_name": "Bakkerij De Vries",
    "person_name": "Sanne",
    "function": "eigenaar",
    "own_text": "",
    "language": "nl",
    "voice": "female",
}


def _business_voicemail(org: Organisation) -> Scenario:
    subscription = mobile_services.subscription_create(
        organisation=org, number="+31687654321", user_name="Sanne"
    )
    mobile_services.voicemail_requests_submit(
        organisation=org,
        changes=[mobile_services.VoicemailChange(subscription=subscription, values=VOICEMAIL_VALUES)],
    )
    prefix = f"vm{subscription.pk}"
    return Scenario(
        url=reverse("mobile:business_voicemail"),
        open={"edit": str(subscription.pk)},
        someone_else=lambda: mobile_services.voicemail_requests_submit(
            organisation=org,
            changes=[
                mobile_services.VoicemailChange(
                    subscription=subscription, values={**VOICEMAIL_VALUES, "function": "bedrijfsleider"}
                )
            ],
        ),
        typed={f"{prefix}-person_name": "Sanne de Vries"},
        button={"action": "submit"},
        stored=lambda: (lambda r: (r.person_name, r.function))(
            VoicemailRequest.objects.get(subscription=subscription)
        ),
        theirs=("Sanne", "bedrijfsleider"),
        theirs_shown="bedrijfsleider wijkt af van uw invoer",
        mine=("Sanne de Vries", "eigenaar"),
        mine_shown='value="Sanne de Vries"',
    )


def _pbx_user(org: Organisation) -> Scenario:
    user = pbx_user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )
    return Scenario(
        url=reverse("pbx:user_edit", args=[user.pk]),
        someone_else=lambda: pbx_user_services.pbx_user_update(
            user=user, by=None, values={"last_name": "Bakker"}
        ),
        typed={"first_name": "Johan"},
        stored=lambda: (lambda u: (u.first_name, u.last_name))(PbxUser.objects.get(pk=user.pk)),
        theirs=("Jan", "Bakker"),
        theirs_shown="Bakker wijkt af van uw invoer",
        mine=("Johan", "de Vries"),
        mine_shown='value="Johan"',
    )


def _hunt_group(org: Organisation) -> Scenario:
    group = hunt_group_services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="300")
    return Scenario(
        url=reverse("pbx:hunt_group_edit", args=[group.pk]),
        someone_else=lambda: hunt_group_services.hunt_group_update(
            group=group, by=None, values={"last_name": "Bakkerij"}
        ),
        typed={"first_name": "Sales"},
        stored=lambda: (lambda g: (g.first_name, g.last_name))(HuntGroup.objects.get(pk=group.pk)),
        theirs=("", "Bakkerij"),
        theirs_shown="Bakkerij wijkt af van uw invoer",
        mine=("Sales", ""),
        mine_shown='value="Sales"',
    )


def _ivr_menu(org: Organisation) -> Scenario:
    menu = ivr_services.ivr_menu_create(
        organisation=org,
        by=None,
        name="Hoofdmenu",
        extension="400",
        time_schedule=TimeSchedule.objects.get(organisation=org, is_builtin=True),
    )
    return Scenario(
        url=reverse("pbx:ivr_edit", args=[menu.pk]),
        someone_else=lambda: ivr_services.ivr_menu_update(
            menu=menu, by=None, values={"last_name": "Bakkerij"}
        ),
        typed={"first_name": "Welkom"},
        stored=lambda: (lambda m: (m.first_name, m.last_name))(IvrMenu.objects.get(pk=menu.pk)),
        theirs=("", "Bakkerij"),
        theirs_shown="Bakkerij wijkt af van uw invoer",
        mine=("Welkom", ""),
        mine_shown='value="Welkom"',
    )


EDIT_PAGES: dict[str, Callable[[Organisation], Scenario]] = {
    "pbx:night_mode": _night_mode,
    "telephony:index": _call_barring,
    "schedules:time_detail": _time_schedule,
    "schedules:holiday_detail": _holiday_schedule,
    "mobile:subscription": _subscription,
    "mobile:settings": _mobile_settings,
    "organisation_settings": _organisation_settings,
    "mobile:business_voicemail": _business_voicemail,
    "pbx:user_edit": _pbx_user,
    "pbx:hunt_group_edit": _hunt_group,
    "pbx:ivr_edit": _ivr_menu,
}

# The forms of the layout on every page: not an edit of the page's object.
LAYOUT_ACTIONS = {"switch_organisation", "set_language", "account_logout"}

# Pages with a POST form that do not edit a versioned aggregate, and why.
NOT_EDIT_PAGES: dict[str, str] = {
    "pbx:index": "one-click switch of the night mode against its schedule; nothing typed",
    "schedules:time_create": "creates a new schedule: there is no stored version to be stale against",
    "schedules:holiday_create": "creates a new schedule: there is no stored version to be stale against",
    "members": "invites (creates) accounts; role changes and (de)activation are one-click actions",
    "profile": "the user's own account, not an object of the organisation that others edit",
    "mobile:settings_apply": "a confirmation with no typed values; it applies what is stored at that moment",
    "pbx:user_create": "creates a new PBX user: there is no stored version to be stale against",
    "pbx:user_password": "sets a new app password, typed in full each time; it does not edit the user's settings",
    "pbx:user_delete": "a confirmation with no typed values",
    "pbx:hunt_group_create": "creates a new hunt group: there is no stored version to be stale against",
    "pbx:hunt_group_members": (
        "one-click member actions (add, remove, up, down); a drag-and-drop reorder names every member "
        "and is refused when the members changed in the meantime"
    ),
    "pbx:hunt_group_delete": "a confirmation with no typed values",
    "pbx:ivr_create": "creates a new IVR menu: there is no stored version to be stale against",
    "pbx:ivr_delete": "a confirmation with no typed values",
    "api_tokens": "makes a new API key of one's own account and revokes keys: nothing stored is edited",
    "pbx:users_import": "a CSV import: its preview carries a fingerprint and a stale one is refused and shown again",
    "pbx:hunt_groups_import": "a CSV import: its preview carries a fingerprint and a stale one is refused and shown again",
    "mobile:subscriptions_import": (
        "a CSV import: its preview carries a fingerprint and a stale one is refused and shown again"
    ),
}


@pytest.mark.parametrize("page", sorted(EDIT_PAGES))
def test_it_refuses_a_stale_save_and_keeps_what_was_typed_on_every_edit_page(page, admin_client, org):
    scenario = EDIT_PAGES[page](org)
    loaded = admin_client.get(scenario.url)
    assert loaded.status_code == 200
    if scenario.open is not None:  # without JavaScript: "Wijzig" posts the page
        page_form = next(f for f in post_forms(loaded.content.decode()) if _page_name(f.action) == page)
        loaded = admin_client.post(scenario.url, page_form.data(**scenario.open))
        assert loaded.status_code == 200
    form = edit_form(loaded.content.decode())

    scenario.someone_else()
    refused = admin_client.post(scenario.url, form.data(**scenario.typed, **(scenario.button or {})))

    assert refused.status_code == 409
    html = refused.content.decode()
    notice = stale_notice(html)
    assert STALE_TEXT in notice
    assert scenario.theirs_shown in notice
    assert re.search(scenario.mine_shown, html), scenario.mine_shown
    assert scenario.stored() == scenario.theirs

    again = admin_client.post(scenario.url, edit_form(html).data(**(scenario.button or {})))
    assert again.status_code == 302, again.content.decode()[:3000]
    assert scenario.stored() == scenario.mine


def _walk(patterns: list[Any], prefix: str = "") -> Any:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def portal_patterns() -> Any:
    """Every URL of the project's own apps (not the admin's, allauth's or Django's)."""
    for route, entry in _walk(get_resolver().url_patterns):
        module = getattr(entry.callback, "__module__", "") or ""
        if not module.startswith(("django.", "allauth.")) and not route.startswith("admin/"):
            yield route, entry


def _page_name(path: str) -> str:
    match = resolve(path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def test_it_knows_every_edit_page(admin_client, org):
    """Every tenant page whose GET renders a POST form is an edit page with a scenario, or is
    listed as not editing a versioned object."""
    for build in EDIT_PAGES.values():
        build(org)
    with scopes_disabled():
        ids = sorted(
            {
                *TimeSchedule.objects.filter(organisation=org).values_list("pk", flat=True),
                *HolidaySchedule.objects.filter(organisation=org).values_list("pk", flat=True),
                *Subscription.objects.filter(organisation=org).values_list("pk", flat=True),
                *org.memberships.values_list("pk", flat=True),
                *PbxUser.objects.filter(organisation=org).values_list("pk", flat=True),
                *HuntGroup.objects.filter(organisation=org).values_list("pk", flat=True),
                *IvrMenu.objects.filter(organisation=org).values_list("pk", flat=True),
            }
        )
    found: set[str] = set()
    for route, _entry in portal_patterns():
        # Every parameter filled with the ids of the objects made above; a wrong fill answers 404.
        urls = [re.sub(r"<[^>]+>", str(pk), "/" + route) for pk in ids] if "<" in route else ["/" + route]
        for url in urls:
            response = admin_client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            actions = {_page_name(f.action or url) for f in post_forms(response.content.decode())}
            if actions - LAYOUT_ACTIONS:
                found.add(_page_name(url))
    unknown = found - set(EDIT_PAGES) - set(NOT_EDIT_PAGES)
    assert not unknown, (
        f"pages with a POST form that are neither in EDIT_PAGES nor in NOT_EDIT_PAGES: {unknown}"
    )
    assert set(EDIT_PAGES) <= found, f"edit pages that render no POST form: {set(EDIT_PAGES) - found}"
