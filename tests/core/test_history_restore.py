"""Terugzetten (issue 14): through the services, refused with the reason on conflict, to the PBX."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.history_lines import build_entries, kinds
from core.models import ChangeRecord, PbxSync
from core.restore import restore
from pbx.models import PbxUser
from pbx.services import users as user_services
from schedules import engine
from schedules.models import TimeSchedule
from schedules.services import schedule_delete, time_schedule_save

pytestmark = pytest.mark.django_db


def _latest(org) -> ChangeRecord:
    return ChangeRecord.objects.filter(organisation=org).latest("at", "pk")


def _revision(org) -> int:
    return PbxSync.objects.get(organisation=org).desired_revision


def _user(org, by, extension="201"):
    return user_services.pbx_user_create(
        organisation=org, by=by, first_name="Jan", last_name="de Vries", extension=extension
    )


def test_it_puts_back_a_changed_extension_and_pushes_it(org, admin):
    user = _user(org, admin)
    user_services.pbx_user_update(
        user=user, by=admin, values={"extension": "202", "voicemail_on_busy": False}
    )
    change = _latest(org)
    (entry,) = build_entries([change], org)
    assert (
        entry.groups[0].label.startswith("PBX user Jan de Vries") or "Jan de Vries" in entry.groups[0].label
    )
    lines = entry.groups[0].lines
    assert "Extensie: 201 → 202" in lines
    before = _revision(org)

    restore(record=change, kind=kinds()["pbx.pbxuser"], object_id=user.pk, by=admin)

    user.refresh_from_db()
    user.entry.refresh_from_db()
    assert user.entry.extension == "201"
    assert user.voicemail_on_busy is True
    assert _revision(org) == before + 1
    assert _latest(org).summary == "Restored to an earlier state"


def test_it_refuses_to_put_back_an_extension_that_is_taken_now_and_says_why(org, admin):
    user = _user(org, admin)
    user_services.pbx_user_update(user=user, by=admin, values={"extension": "202"})
    change = _latest(org)
    _user(org, admin, extension="201")
    before = _revision(org)

    with pytest.raises(ValidationError) as refused:
        restore(record=change, kind=kinds()["pbx.pbxuser"], object_id=user.pk, by=admin)

    assert "201" in " ".join(refused.value.messages) or "in use" in " ".join(refused.value.messages).lower()
    user.entry.refresh_from_db()
    assert user.entry.extension == "202"
    assert _revision(org) == before


def test_it_restores_a_deleted_pbx_user_from_the_organisation_history(admin_client, org, admin):
    user = _user(org, admin)
    pk = user.pk
    user_services.pbx_user_delete(user=user, by=admin)
    change = _latest(org)
    page = admin_client.get(reverse("history:index")).content.decode()
    assert "Verwijderd" in page and "Terugzetten" in page

    response = admin_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"pbx.pbxuser:{pk}"}, follow=True
    )

    assert "Teruggezet" in response.content.decode()
    restored = PbxUser.objects.get(organisation=org)
    assert (restored.first_name, restored.entry.extension) == ("Jan", "201")


def test_it_restores_a_deleted_time_schedule_with_its_ranges(org, admin):
    schedule, _merged = time_schedule_save(
        organisation=org,
        by=admin,
        name="Winkel",
        ranges=[engine.WeeklyRange(0, time(8, 30), time(17, 30)), engine.WeeklyRange(5, time(9), time(12))],
    )
    (created,) = build_entries([_latest(org)], org)
    assert "Tijdvak toegevoegd: maandag 08:30-17:30" in created.groups[0].lines
    pk = schedule.pk
    schedule_delete(schedule=schedule, by=admin)
    change = _latest(org)

    restore(record=change, kind=kinds()["schedules.timeschedule"], object_id=pk, by=admin)

    again = TimeSchedule.objects.get(organisation=org, name="Winkel")
    assert [(r.weekday, r.start, r.end) for r in again.ranges.all()] == [
        (0, time(8, 30), time(17, 30)),
        (5, time(9), time(12)),
    ]


def test_it_refuses_to_restore_a_deleted_schedule_whose_name_is_taken_now(org, admin):
    schedule, _merged = time_schedule_save(organisation=org, by=admin, name="Winkel", ranges=[])
    pk = schedule.pk
    schedule_delete(schedule=schedule, by=admin)
    change = _latest(org)
    time_schedule_save(organisation=org, by=admin, name="Winkel", ranges=[])

    with pytest.raises(ValidationError):
        restore(record=change, kind=kinds()["schedules.timeschedule"], object_id=pk, by=admin)

    assert TimeSchedule.objects.filter(organisation=org, name="Winkel").count() == 1


def test_it_lets_a_read_only_member_see_the_history_but_not_restore(readonly_client, org, admin):
    user = _user(org, admin)
    user_services.pbx_user_update(user=user, by=admin, values={"extension": "202"})
    change = _latest(org)

    page = readonly_client.get(reverse("history:index"))
    assert page.status_code == 200
    assert "202" in page.content.decode()
    assert "history-restore" not in page.content.decode()
    refused = readonly_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"pbx.pbxuser:{user.pk}"}
    )
    assert refused.status_code == 403
    user.entry.refresh_from_db()
    assert user.entry.extension == "202"


def test_it_answers_404_for_the_history_of_another_organisation(outsider_client, org, admin):
    user = _user(org, admin)
    change = _latest(org)
    response = outsider_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"pbx.pbxuser:{user.pk}"}
    )
    assert response.status_code == 404
    page = outsider_client.get(reverse("history:index") + f"?object=pbx.pbxuser:{user.pk}").content.decode()
    assert "Jan de Vries" not in page
    section = outsider_client.get(
        reverse("history:object"), {"object": f"pbx.pbxuser:{user.pk}"}
    ).content.decode()
    assert "Jan de Vries" not in section and "Geen wijzigingen gevonden." in section


def test_it_puts_back_call_barring_settings_and_a_holiday_schedule(org, admin):
    from datetime import date

    from schedules.models import HolidaySchedule
    from schedules.services import EntryData, holiday_schedule_save
    from telephony.models import CallBarring
    from telephony.services import call_barring_update

    call_barring_update(organisation=org, by=admin, international=True)
    call_barring_update(organisation=org, by=admin, international=False, mobile=True)
    barring_change = _latest(org)
    entries = [EntryData(f"Dag {i}", date(2027, 1, 1 + i), date(2027, 1, 1 + i)) for i in range(30)]
    schedule = holiday_schedule_save(organisation=org, by=admin, name="Vakantie", entries=entries[:2])
    holiday_schedule_save(organisation=org, by=admin, name="Vakantie", entries=entries, schedule=schedule)
    holiday_change = _latest(org)
    (long,) = build_entries([holiday_change], org)
    assert len(long.groups[0].lines) == 25
    assert long.groups[0].lines[-1] == "… en nog 4"

    restore(
        record=barring_change,
        kind=kinds()["telephony.callbarring"],
        object_id=CallBarring.objects.get().pk,
        by=admin,
    )
    restore(record=holiday_change, kind=kinds()["schedules.holidayschedule"], object_id=schedule.pk, by=admin)

    barring = CallBarring.objects.get(organisation=org)
    assert (barring.international, barring.mobile) == (True, False)
    assert [e.name for e in HolidaySchedule.objects.get(pk=schedule.pk).entries.all()] == ["Dag 0", "Dag 1"]


def test_it_puts_back_the_organisation_settings(org, admin):
    from accounts.services import organisation_update

    organisation_update(organisation=org, by=admin, name="Bakkerij Jansen")
    change = _latest(org)

    restore(record=change, kind=kinds()["accounts.organisation"], object_id=org.pk, by=admin)

    org.refresh_from_db()
    assert org.name == "Bakkerij De Vries"


def test_it_restores_a_deleted_hunt_group_with_its_members_in_order(org, admin):
    from pbx.models import HuntGroup
    from pbx.services import hunt_groups

    jan, piet = _user(org, admin, "201"), _user(org, admin, "202")
    group = hunt_groups.hunt_group_create(
        organisation=org, by=admin, name="Verkoop", extension="301", values={"distribution": "circular"}
    )
    hunt_groups.hunt_group_set_members(group=group, by=admin, members=[piet.entry_id, jan.entry_id])
    pk = group.pk
    hunt_groups.hunt_group_delete(group=group, by=admin)
    before = _revision(org)

    restore(record=_latest(org), kind=kinds()["pbx.huntgroup"], object_id=pk, by=admin)

    again = HuntGroup.objects.get(organisation=org)
    assert (again.entry.name, again.entry.extension, again.distribution) == ("Verkoop", "301", "circular")
    assert [m.member_id for m in again.members.order_by("position")] == [piet.entry_id, jan.entry_id]
    assert _revision(org) == before + 1  # one revision, one push


def test_it_says_a_deleted_users_greeting_is_not_put_back(org, admin, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pbx.domain.audio import tone_wav

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    user = _user(org, admin)
    user_services.pbx_user_set_greeting(
        user=user, by=admin, upload=SimpleUploadedFile("groet.wav", tone_wav(0.5))
    )
    pk = user.pk
    user_services.pbx_user_delete(user=user, by=admin)

    done = restore(record=_latest(org), kind=kinds()["pbx.pbxuser"], object_id=pk, by=admin)

    assert done.changed
    assert done.notes == [
        "De begroeting is niet teruggezet: een begroeting is een geluidsbestand. "
        "Upload hem zo nodig opnieuw op de pagina."
    ]
    assert PbxUser.objects.get(organisation=org).greeting is None
