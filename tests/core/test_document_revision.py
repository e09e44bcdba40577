"""Every way of changing what the PBX document contains bumps the revision, so the PBX hears of it.

The models come from the document's own registry (core.document.register_section(models=...)):
a section that starts reading a new model fails test_it_covers_every_model_the_document_reads
until its paths are added here. Each path changes one field the way a person does (the
portal page or the Django admin change form, as a browser would post it) and checks that the
organisation's desired revision moved, and that the document itself changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest
from django.urls import reverse
from forms_in_html import form_data

from accounts.models import Organisation
from core.document import document_models
from core.models import PbxSync
from pbx.models import (
    DirectoryEntry,
    Greeting,
    HuntGroup,
    HuntGroupMember,
    IvrKey,
    IvrMenu,
    NightMode,
    NightModeSetting,
    PbxUser,
)
from pbx.services import hunt_groups as hunt_group_services
from pbx.services.night_mode import night_mode_update
from pbx.simulator import RunningSimulator
from pbx.sync.render import render
from schedules import engine
from schedules import services as schedule_services
from schedules.models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule
from telephony.models import CallBarring
from telephony.services import call_barring_update
from tests.factories import HuntGroupFactory, IvrMenuFactory, PbxUserFactory

pytestmark = pytest.mark.django_db


def _revision(org: Organisation) -> int:
    sync = PbxSync.objects.filter(organisation=org).first()
    return sync.desired_revision if sync else 0


def _document(org: Organisation) -> dict:
    return render(Organisation.objects.get(pk=org.pk))


def _post_form(client, url: str, having: str, change: Callable[[dict[str, list[str]]], None], **extra):
    page = client.get(url)
    assert page.status_code == 200, url
    data = form_data(page.content.decode(), having)
    change(data)
    response = client.post(url, data, **extra)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def _set(name: str, value: str, **also: str) -> Callable[[dict[str, list[str]]], None]:
    def change(data: dict[str, list[str]]) -> None:
        assert name in data, sorted(data)
        data[name] = [value]
        for other, other_value in also.items():
            data[other] = [other_value]

    return change


def _toggle(name: str) -> Callable[[dict[str, list[str]]], None]:
    def change(data: dict[str, list[str]]) -> None:
        if name in data:
            del data[name]
        else:
            data[name] = ["on"]

    return change


# --- what each model needs to exist, and its admin change URL ---------------------------------


def _barring(org: Organisation) -> CallBarring:
    return call_barring_update(organisation=org, by=None, premium_0900=True)[0]


def _time_schedule(org: Organisation) -> TimeSchedule:
    ranges = [engine.WeeklyRange(d, time(8, 30), time(17, 30)) for d in range(5)]
    return schedule_services.time_schedule_save(
        organisation=org, name="Openingstijden", ranges=ranges, by=None
    )[0]


def _holiday_schedule(org: Organisation) -> HolidaySchedule:
    entries = [
        schedule_services.EntryData(
            name="Koningsdag", start_date=date(2027, 4, 27), end_date=date(2027, 4, 27)
        )
    ]
    return schedule_services.holiday_schedule_save(
        organisation=org, name="Feestdagen", entries=entries, by=None
    )


def _night_mode(org: Organisation) -> NightMode:
    return night_mode_update(
        organisation=org,
        by=None,
        setting=NightModeSetting.AUTO,
        time_schedule=_time_schedule(org),
        holiday_schedule=None,
    )


def _pbx_user(org: Organisation) -> PbxUser:
    return PbxUserFactory(organisation=org, first_name="Anna", last_name="de Boer", entry__extension="201")


def _hunt_group(org: Organisation) -> HuntGroup:
    """A group of two members (a reorder changes the document)."""
    group = HuntGroupFactory(organisation=org, entry__extension="300", entry__name="Verkoop")
    members = [PbxUserFactory(organisation=org, entry__extension=ext).entry_id for ext in ("211", "212")]
    hunt_group_services.hunt_group_set_members(group=group, by=None, members=members)
    return group


def _ivr_menu(org: Organisation) -> IvrMenu:
    """A menu whose key 1 forwards to a user (a key's change changes the document)."""
    menu = IvrMenuFactory(organisation=org, entry__extension="400", entry__name="Hoofdmenu")
    IvrKey.objects.create(
        menu=menu, part="business", key="1", destination_kind="entry", destination_entry=_pbx_user(org).entry
    )
    return menu


def _reverse_members(data: dict[str, list[str]]) -> None:
    assert len(data.get("order", [])) == 2, sorted(data)
    data["order"] = data["order"][::-1]
    data["reorder"] = ["1"]


def _admin_url(obj: object, action: str = "change") -> str:
    meta = obj._meta  # type: ignore[attr-defined]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Path:
    """One way of changing one field of a model: the page, a field on its form, the change."""

    url: Callable[[Organisation], str]
    having: str
    change: Callable[[dict[str, list[str]]], None]


PORTAL: dict[type, Path] = {
    Organisation: Path(
        lambda org: reverse("organisation_settings"), "time_zone", _set("time_zone", "Europe/Brussels")
    ),
    CallBarring: Path(
        lambda org: (_barring(org), reverse("telephony:index"))[1], "premium_0900", _toggle("international")
    ),
    NightMode: Path(
        lambda org: (_night_mode(org), reverse("pbx:night_mode"))[1],
        "destination_0",
        _set("destination_0", "external", destination_1="020 555 0199"),
    ),
    TimeSchedule: Path(
        lambda org: reverse("schedules:time_detail", args=[_time_schedule(org).pk]),
        "name",
        _set("name", "Winkel"),
    ),
    TimeRange: Path(
        lambda org: reverse("schedules:time_detail", args=[_time_schedule(org).pk]),
        "ranges-0-end",
        _set("ranges-0-end", "18:00"),
    ),
    HolidaySchedule: Path(
        lambda org: reverse("schedules:holiday_detail", args=[_holiday_schedule(org).pk]),
        "name",
        _set("name", "Vrije dagen"),
    ),
    HolidayEntry: Path(
        lambda org: reverse("schedules:holiday_detail", args=[_holiday_schedule(org).pk]),
        "entries-0-name",
        _set("entries-0-name", "Koning"),
    ),
    PbxUser: Path(
        lambda org: reverse("pbx:user_edit", args=[_pbx_user(org).pk]),
        "first_name",
        _set("first_name", "Anneke"),
    ),
    DirectoryEntry: Path(
        lambda org: reverse("pbx:user_edit", args=[_pbx_user(org).pk]), "extension", _set("extension", "205")
    ),
    HuntGroup: Path(
        lambda org: reverse("pbx:hunt_group_edit", args=[_hunt_group(org).pk]), "rings", _set("rings", "6")
    ),
    HuntGroupMember: Path(
        lambda org: reverse("pbx:hunt_group_members", args=[_hunt_group(org).pk]), "order", _reverse_members
    ),
    IvrMenu: Path(
        lambda org: reverse("pbx:ivr_edit", args=[_ivr_menu(org).pk]),
        "reception_seconds",
        _set("reception_seconds", "15"),
    ),
    IvrKey: Path(
        lambda org: reverse("pbx:ivr_edit", args=[_ivr_menu(org).pk]),
        "business_1_mode",
        _set("business_1_mode", "silent"),
    ),
}

ADMIN: dict[type, Path] = {
    Organisation: Path(lambda org: _admin_url(org), "time_zone", _set("time_zone", "Europe/Brussels")),
    CallBarring: Path(lambda org: _admin_url(_barring(org)), "premium_0900", _toggle("international")),
    NightMode: Path(
        lambda org: _admin_url(_night_mode(org)),
        "destination_kind",
        _set("destination_kind", "external", destination_number="+31205550199"),
    ),
    TimeSchedule: Path(lambda org: _admin_url(_time_schedule(org)), "name", _set("name", "Winkel")),
    TimeRange: Path(
        lambda org: _admin_url(_time_schedule(org)), "ranges-0-end", _set("ranges-0-end", "18:00:00")
    ),
    HolidaySchedule: Path(
        lambda org: _admin_url(_holiday_schedule(org)), "name", _set("name", "Vrije dagen")
    ),
    HolidayEntry: Path(
        lambda org: _admin_url(_holiday_schedule(org)), "entries-0-name", _set("entries-0-name", "Koning")
    ),
    PbxUser: Path(lambda org: _admin_url(_pbx_user(org)), "first_name", _set("first_name", "Anneke")),
    DirectoryEntry: Path(lambda org: _admin_url(_pbx_user(org).entry), "extension", _set("extension", "205")),
    HuntGroup: Path(lambda org: _admin_url(_hunt_group(org)), "rings", _set("rings", "6")),
    HuntGroupMember: Path(
        lambda org: _admin_url(_hunt_group(org)), "members-0-position", _set("members-0-position", "9")
    ),
    IvrMenu: Path(
        lambda org: _admin_url(_ivr_menu(org)), "reception_seconds", _set("reception_seconds", "15")
    ),
    IvrKey: Path(lambda org: _admin_url(_ivr_menu(org)), "keys-0-mode", _set("keys-0-mode", "silent")),
}

# Deleting through the admin (rows of TimeRange and HolidayEntry are deleted in their parent's form).
ADMIN_DELETE: dict[type, Callable[[Organisation], Any]] = {
    CallBarring: _barring,
    NightMode: _night_mode,
    TimeSchedule: _time_schedule,
    HolidaySchedule: _holiday_schedule,
    PbxUser: _pbx_user,
    DirectoryEntry: lambda org: _pbx_user(org).entry,
    HuntGroup: _hunt_group,
    IvrMenu: _ivr_menu,
}

# Rows the document reads that nothing changes in place: a greeting is its content (sha256); another
# greeting is another row, which a user's change points at (the PbxUser paths). Their admin is read-only.
IMMUTABLE = {Greeting}


def test_it_covers_every_model_the_document_reads():
    declared = set(document_models())
    assert {
        Organisation,
        CallBarring,
        NightMode,
        TimeSchedule,
        TimeRange,
        HolidaySchedule,
        HolidayEntry,
    } <= declared
    assert declared - IMMUTABLE <= set(PORTAL), "a model the document reads has no portal path in this test"
    assert declared - IMMUTABLE <= set(ADMIN), "a model the document reads has no admin path in this test"


def test_it_lets_no_one_change_a_greeting_in_place_in_the_admin(staff_client, org):
    greeting = Greeting.objects.create(
        organisation=org, sha256="a" * 64, name="welkom.wav", size=44, duration_ms=1
    )

    assert staff_client.get(_admin_url(greeting)).status_code == 200  # Staff may look.
    assert staff_client.post(_admin_url(greeting), {"sha256": "b" * 64}).status_code == 403
    assert staff_client.get(reverse("admin:pbx_greeting_add")).status_code == 403
    greeting.refresh_from_db()
    assert greeting.sha256 == "a" * 64


@pytest.mark.parametrize("model", list(PORTAL), ids=lambda m: m.__name__)
def test_it_bumps_the_revision_when_the_portal_changes(model, admin_client, org):
    path = PORTAL[model]
    url = path.url(org)
    before, document = _revision(org), _document(org)
    _post_form(admin_client, url, path.having, path.change)
    assert _revision(org) > before
    assert _document(org) != document


@pytest.mark.parametrize("model", list(ADMIN), ids=lambda m: m.__name__)
def test_it_bumps_the_revision_when_staff_change_it_in_the_admin(model, staff_client, org):
    path = ADMIN[model]
    url = path.url(org)
    before, document = _revision(org), _document(org)
    _post_form(staff_client, url, path.having, path.change)
    assert _revision(org) > before
    assert _document(org) != document


@pytest.mark.parametrize("model", list(ADMIN_DELETE), ids=lambda m: m.__name__)
def test_it_bumps_the_revision_when_staff_delete_it_in_the_admin(model, staff_client, org):
    obj = ADMIN_DELETE[model](org)
    if isinstance(obj, TimeSchedule):
        NightMode.objects.filter(time_schedule=obj).delete()
    before = _revision(org)
    response = staff_client.post(_admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    assert _revision(org) > before


def test_it_bumps_the_revision_when_staff_delete_schedules_from_the_list(staff_client, org):
    schedule = _holiday_schedule(org)
    before = _revision(org)
    response = staff_client.post(
        reverse("admin:schedules_holidayschedule_changelist"),
        {"action": "delete_selected", "_selected_action": [schedule.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not HolidaySchedule.objects.filter(pk=schedule.pk).exists()
    assert _revision(org) > before


def test_it_leaves_the_revision_alone_when_no_document_field_changed(admin_client, org):
    before = _revision(org)
    _post_form(
        admin_client,
        reverse("organisation_settings"),
        "contact_email",
        _set("contact_email", "nieuw@bakkerij.example"),
    )
    assert _revision(org) == before


def test_it_refuses_to_change_the_builtin_schedule_in_the_admin(staff_client, org):
    builtin = TimeSchedule.objects.get(organisation=org, is_builtin=True)
    assert staff_client.post(_admin_url(builtin), {"name": "Anders"}).status_code == 403
    assert staff_client.post(_admin_url(builtin, "delete"), {"post": "yes"}).status_code == 403
    builtin.refresh_from_db()
    assert builtin.name == TimeSchedule.BUILTIN_NAME


@pytest.fixture
def simulator(tmp_path, settings):
    running = RunningSimulator(tmp_path / "pbx.sqlite3", "test-pbx-token").start()
    settings.PBX_URL = running.base_url
    settings.PBX_TOKEN = "test-pbx-token"
    try:
        yield running
    finally:
        running.stop()


def test_it_reaches_the_pbx_when_staff_change_the_time_zone_in_the_admin(
    simulator, staff_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_form(staff_client, _admin_url(org), "time_zone", _set("time_zone", "Europe/Brussels"))
    sync = PbxSync.objects.get(organisation=org)
    assert sync.applied_revision == sync.desired_revision
    stored = simulator.store.get(org.pk)
    assert stored is not None and stored.revision == sync.desired_revision
    assert stored.config["organisation"]["time_zone"] == "Europe/Brussels"
