from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import PbxSync
from pbx.models import DirectoryEntry, NightMode, NightModeSetting
from pbx.services import night_mode as pbx_services
from pbx.texts import night_mode_sentence
from schedules import engine
from schedules import services as schedule_services

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def opening_hours(org):
    ranges = [engine.WeeklyRange(d, time(8, 30), time(17, 30)) for d in range(5)]
    return schedule_services.time_schedule_save(
        organisation=org, name="Openingstijden", ranges=ranges, by=None
    )[0]


def _post(client, **data):
    return client.post(reverse("pbx:night_mode"), {"setting": "auto", "destination_0": "voicemail", **data})


def test_it_sets_automatic_night_mode_with_schedules(admin_client, org, opening_hours):
    response = _post(admin_client, time_schedule=opening_hours.pk)
    assert response.status_code == 302
    night = NightMode.objects.get(organisation=org)
    assert (night.setting, night.time_schedule, night.destination_kind) == (
        "auto",
        opening_hours,
        "voicemail",
    )
    html = admin_client.get(reverse("pbx:night_mode")).content.decode()
    assert "Nachtschakeling is nu" in html


def test_it_refuses_automatic_without_a_time_schedule(admin_client, org):
    response = _post(admin_client)
    assert response.status_code == 400
    assert "Kies een tijdschema voor automatische nachtschakeling" in response.content.decode()
    assert not NightMode.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("020-1234567", "+31201234567"), ("+31 6 1234 5678", "+31612345678"), ("06 1234 5678", "+31612345678")],
)
def test_it_normalises_an_external_destination(admin_client, org, typed, stored):
    post = {"setting": "on", "destination_0": "external", "destination_1": typed}
    assert admin_client.post(reverse("pbx:night_mode"), post).status_code == 302
    night = NightMode.objects.get(organisation=org)
    assert (night.destination_kind, night.destination_number) == ("external", stored)


def test_it_sends_night_calls_to_a_user_by_reference_not_by_digits(admin_client, org):
    entry = DirectoryEntry.objects.create(
        organisation=org, kind="user", name="Sanne de Vries", extension="201"
    )
    post = {"setting": "on", "destination_0": f"entry:{entry.pk}"}
    assert admin_client.post(reverse("pbx:night_mode"), post).status_code == 302
    entry.extension = "301"
    entry.save()
    night = NightMode.objects.get(organisation=org)
    assert (night.destination_kind, night.destination_entry) == ("entry", entry)
    assert "Sanne de Vries (gebruiker, 301)" in admin_client.get(reverse("pbx:night_mode")).content.decode()


@pytest.mark.parametrize(
    ("choice", "number", "message"),
    [
        ("external", "abc", "geldig telefoonnummer"),
        ("external", "06-123", "geldig telefoonnummer"),
        ("external", "", "Vul het externe nummer in"),
        ("none", "", "Kies waar gesprekken heen gaan"),
        ("entry:99999", "", "Kies een gebruiker, belgroep of keuzemenu uit de lijst"),
        ("extension", "", "Kies in de lijst waar gesprekken heen gaan"),
    ],
)
def test_it_refuses_a_destination_it_cannot_reach(admin_client, org, choice, number, message):
    post = {"setting": "on", "destination_0": choice, "destination_1": number}
    response = admin_client.post(reverse("pbx:night_mode"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NightMode.objects.filter(organisation=org).exists()


def test_it_refuses_another_tenants_schedule(admin_client, other_org):
    foreign = schedule_services.ensure_builtin_time_schedule(organisation=other_org)
    response = _post(admin_client, time_schedule=foreign.pk)
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()


def _freeze(monkeypatch, at):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at)


def test_it_overrides_until_the_next_change_and_ends_early(admin_client, org, opening_hours, monkeypatch):
    _freeze(monkeypatch, datetime(2026, 11, 24, 10, 0, tzinfo=AMS))  # a Tuesday, open until 17:30
    _post(admin_client, time_schedule=opening_hours.pk)
    admin_client.post(reverse("pbx:night_mode_override"), {"action": "on"})
    night = NightMode.objects.get(organisation=org)
    assert night.override_active is True
    assert night.override_until == datetime(2026, 11, 24, 17, 30, tzinfo=AMS)
    html = admin_client.get(reverse("pbx:night_mode")).content.decode()
    assert "Handmatig aan tot vandaag 17:30; daarna geldt het schema weer." in html
    admin_client.post(reverse("pbx:night_mode_override"), {"action": "end"})
    night.refresh_from_db()
    assert (night.override_active, night.override_until) == (None, None)


def test_it_overrides_an_always_open_schedule_until_a_holiday_years_ahead(admin_client, org, monkeypatch):
    _freeze(monkeypatch, datetime(2026, 11, 24, 10, 0, tzinfo=AMS))
    always = schedule_services.ensure_builtin_time_schedule(organisation=org)
    holidays = schedule_services.holiday_schedule_save(
        organisation=org,
        name="Feestdagen",
        by=None,
        entries=[schedule_services.EntryData("Koningsdag", date(2029, 4, 27), date(2029, 4, 27))],
    )
    _post(admin_client, time_schedule=always.pk, holiday_schedule=holidays.pk)
    admin_client.post(reverse("pbx:night_mode_override"), {"action": "on"})
    night = NightMode.objects.get(organisation=org)
    assert night.override_until == datetime(2029, 4, 27, 0, 0, tzinfo=AMS)
    html = admin_client.get(reverse("pbx:night_mode")).content.decode()
    assert "Handmatig aan tot 27 april 2029 00:00; daarna geldt het schema weer." in html
    assert "het schema verandert nooit" not in html


def test_it_refuses_an_override_when_not_automatic(admin_client, org):
    admin_client.post(reverse("pbx:night_mode"), {"setting": "on", "destination_0": "voicemail"})
    response = admin_client.post(reverse("pbx:night_mode_override"), {"action": "off"}, follow=True)
    assert "alleen mogelijk" in response.content.decode()


def test_it_describes_the_state_in_plain_words(org, opening_hours):
    night = NightMode(organisation=org, setting=NightModeSetting.AUTO, time_schedule=opening_hours)
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=AMS)
    state = pbx_services.night_mode_state(night, friday_evening)
    from django.utils import translation

    with translation.override("nl"):
        text = night_mode_sentence(night, state, friday_evening)
    assert (
        text
        == "Nachtschakeling is nu actief (automatisch, buiten openingstijden) sinds vandaag 17:30, tot maandag 08:30"
    )


def test_it_bumps_the_revision_on_every_night_mode_change(admin_client, org, opening_hours):
    before = PbxSync.objects.get(organisation=org).desired_revision
    _post(admin_client, time_schedule=opening_hours.pk)
    admin_client.post(reverse("pbx:night_mode_override"), {"action": "on"})
    assert PbxSync.objects.get(organisation=org).desired_revision == before + 2


def test_it_shows_night_mode_at_a_glance_on_the_overview(admin_client, org, opening_hours):
    _post(admin_client, time_schedule=opening_hours.pk)
    html = admin_client.get(reverse("pbx:index")).content.decode()
    assert "Nachtschakeling:" in html and "Nachtschakeling is nu" in html


def test_it_lets_read_only_accounts_look_but_not_switch(readonly_client, org, opening_hours):
    pbx_services.night_mode_update(
        organisation=org, by=None, setting="auto", time_schedule=opening_hours, holiday_schedule=None
    )
    html = readonly_client.get(reverse("pbx:night_mode")).content.decode()
    assert "Nu inschakelen" not in html and "Nu uitschakelen" not in html
    assert readonly_client.post(reverse("pbx:night_mode_override"), {"action": "on"}).status_code == 403
