"""Geschiedenis (issue 14): the organisation's history, an object's history, Terugzetten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import ChangeRecord, PbxSync
from pbx.models import NightMode, NightModeSetting
from pbx.services.night_mode import night_mode_update

from factories import PbxUserFactory

pytestmark = pytest.mark.django_db


def _set_destination(org, by, **destination):
    return night_mode_update(
        organisation=org,
        by=by,
        setting=NightModeSetting.OFF,
        time_schedule=None,
        holiday_schedule=None,
        **destination,
    )


def test_it_shows_a_night_mode_change_with_the_name_and_puts_it_back_in_one_click(admin_client, admin, org):
    admin.first_name, admin.last_name = "Els", "de Vries"
    admin.save()
    sales = PbxUserFactory(organisation=org, first_name="Piet", last_name="Verkoop")
    _set_destination(org, admin)
    _set_destination(org, admin, destination_kind="entry", destination_entry=sales.entry)
    revision = PbxSync.objects.get(organisation=org).desired_revision

    page = admin_client.get(reverse("history:index")).content.decode()

    assert "Els de Vries (beheerder@bakkerij.example)" in page
    assert "Nachtschakeling" in page
    assert f"bedrijfsvoicemail (999) → Piet Verkoop (gebruiker, {sales.entry.extension})" in page
    change = ChangeRecord.objects.filter(organisation=org).latest("at")
    response = admin_client.post(
        reverse("history:restore", args=[change.pk]),
        {"object": f"pbx.nightmode:{NightMode.objects.get(organisation=org).pk}"},
        follow=True,
    )
    assert "Teruggezet" in response.content.decode() or "teruggezet" in response.content.decode()
    night = NightMode.objects.get(organisation=org)
    assert night.destination_kind == "voicemail"
    assert night.destination_entry is None
    assert PbxSync.objects.get(organisation=org).desired_revision == revision + 1
    latest = ChangeRecord.objects.filter(organisation=org).latest("at")
    assert latest.summary == "Restored to an earlier state"
    assert latest.pbx_revision == revision + 1


def test_it_says_which_pbx_revision_a_change_went_out_in_and_whether_it_is_applied(admin_client, admin, org):
    _set_destination(org, admin)
    change = ChangeRecord.objects.filter(organisation=org).latest("at")
    assert (
        f"Centraleversie {change.pbx_revision}: wordt doorgevoerd"
        in admin_client.get("/geschiedenis/").content.decode()
    )

    PbxSync.objects.filter(organisation=org).update(applied_revision=change.pbx_revision)

    assert (
        f"Centraleversie {change.pbx_revision}: doorgevoerd"
        in admin_client.get("/geschiedenis/").content.decode()
    )


def test_it_filters_by_kind_person_and_period_and_explains_a_wrong_period(admin_client, admin, org, readonly):
    _set_destination(org, admin)
    user = PbxUserFactory(organisation=org, first_name="Piet", last_name="Verkoop")
    from pbx.services.users import pbx_user_update

    pbx_user_update(user=user, by=None, values={"voicemail_on_busy": False})
    index = reverse("history:index")

    night_only = admin_client.get(index, {"kind": "pbx.nightmode"}).content.decode()
    assert "Nachtschakeling gewijzigd" in night_only and "Bij bezet" not in night_only
    by_system = admin_client.get(index, {"person": "system"}).content.decode()
    assert "Bij bezet: Aan → Uit" in by_system and "Nachtschakeling gewijzigd" not in by_system
    by_admin = admin_client.get(index, {"person": str(admin.pk)}).content.decode()
    assert "Nachtschakeling gewijzigd" in by_admin and "Bij bezet" not in by_admin
    one_user = admin_client.get(index, {"object": f"pbx.pbxuser:{user.pk}"}).content.decode()
    assert "Bij bezet: Aan → Uit" in one_user and "Nachtschakeling gewijzigd" not in one_user
    empty = admin_client.get(index, {"start": "2020-01-01", "end": "2020-01-31"}).content.decode()
    assert "Geen wijzigingen gevonden." in empty

    wrong = admin_client.get(
        index, {"start": "2026-02-01", "end": "2026-01-01", "kind": "onzin", "page": "x"}
    )
    assert wrong.status_code == 200
    assert "De periode eindigt voordat hij begint" in wrong.content.decode()
    assert admin_client.get(index, {"object": "pbx.pbxuser:99999999999999999999999"}).status_code == 200


def test_it_walks_the_demo_flow_from_the_night_mode_page(admin_client, admin, org):
    import re

    admin.first_name, admin.last_name = "Els", "de Vries"
    admin.save()
    _set_destination(org, admin)
    page = reverse("pbx:night_mode")
    changed = admin_client.post(
        page, {"setting": "off", "destination_0": "external", "destination_1": "020-1234567"}
    )
    assert changed.status_code == 302

    html = admin_client.get(page).content.decode()
    partial = re.search(r'class="object-history-entries" data-history-src="([^"]+)"', html)
    assert partial is not None, "no history section on the night mode page"
    section = admin_client.get(
        partial.group(1).replace("&amp;", "&"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    ).content.decode()
    assert "Els de Vries (beheerder@bakkerij.example)" in section
    assert "bedrijfsvoicemail (999) → 020 123 4567" in section
    form = re.search(r'<form method="post" action="([^"]+)".*?name="object" value="([^"]+)"', section, re.S)
    assert form is not None, "no Terugzetten button on the night mode page"

    back = re.search(r'name="next" value="([^"]+)"', section)
    assert back is not None and back.group(1) == f"http://testserver{page}"
    restored = admin_client.post(form.group(1), {"object": form.group(2), "next": back.group(1)})

    assert restored.status_code == 302 and restored.url == f"http://testserver{page}"
    night = NightMode.objects.get(organisation=org)
    assert (night.destination_kind, night.destination_number) == ("voicemail", "")
    sync = PbxSync.objects.get(organisation=org)
    PbxSync.objects.filter(organisation=org).update(
        applied_revision=sync.desired_revision
    )  # the worker's push
    after = admin_client.get(page).content.decode()
    assert "Teruggezet zoals het was vóór deze wijziging." in after
    assert "Alle wijzigingen zijn doorgevoerd op de centrale" in after
    again = admin_client.get(partial.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert f"Centraleversie {sync.desired_revision}: doorgevoerd" in again.content.decode()


def test_it_shows_the_history_of_hunt_groups_and_ivr_menus_on_their_pages(admin_client, org, admin):
    from pbx.services.hunt_groups import hunt_group_create, hunt_group_update
    from pbx.services.ivr import ivr_menu_create
    from schedules.models import TimeSchedule

    group = hunt_group_create(organisation=org, by=admin, name="Verkoop", extension="301")
    hunt_group_update(group=group, by=admin, values={"name": "Verkoop binnendienst"})
    schedule = TimeSchedule.objects.get(organisation=org, is_builtin=True)
    menu = ivr_menu_create(
        organisation=org, by=admin, name="Hoofdmenu", extension="401", time_schedule=schedule
    )

    group_page = admin_client.get(reverse("pbx:hunt_group_edit", args=[group.pk])).content.decode()
    menu_page = admin_client.get(reverse("pbx:ivr_edit", args=[menu.pk])).content.decode()
    assert f"object=pbx.huntgroup%3A{group.pk}" in group_page
    assert f"object=pbx.ivrmenu%3A{menu.pk}" in menu_page
    section = admin_client.get(
        reverse("history:object"), {"object": f"pbx.huntgroup:{group.pk}"}
    ).content.decode()
    assert "Naam: Verkoop → Verkoop binnendienst" in section
