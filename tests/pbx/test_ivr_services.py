"""The IVR menus' services and pure rules (R7.1-R7.6, R3.5 per menu; issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import PhoneNumber
from core.models import ChangeRecord
from pbx.domain import ivr as domain
from pbx.domain.audio import tone_wav
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry, Greeting, IvrKey, IvrMenu
from pbx.services import ivr as services
from pbx.services import users as user_services
from schedules import engine
from schedules.models import TimeRange, TimeSchedule
from schedules.services import schedule_delete

from factories import HolidayScheduleFactory, OrganisationFactory, TimeScheduleFactory

pytestmark = pytest.mark.django_db


def _dutch(text):
    with translation.override("nl"):
        return gettext(text)


VOICEMAIL = DestinationValue("voicemail")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def office_hours(org):
    schedule = TimeSchedule.objects.create(organisation=org, name="Kantoortijden")
    for day in range(5):
        TimeRange.objects.create(schedule=schedule, weekday=day, start=time(8, 30), end=time(17, 30))
    return schedule


@pytest.fixture
def builtin(org):
    return TimeSchedule.objects.get(organisation=org, is_builtin=True)


@pytest.fixture
def jan(org):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


@pytest.fixture
def menu(org, office_hours):
    return services.ivr_menu_create(
        organisation=org, by=None, name="Hoofdmenu", extension="300", time_schedule=office_hours
    )


def _to(user):
    return DestinationValue("entry", user.entry)


def _key(part, key, destination, mode="announce"):
    return services.KeyChoice(part, key, mode, destination)


def test_it_needs_a_number_or_an_extension(org, builtin):
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_create(
            organisation=org, by=None, name="Hoofdmenu", extension="", time_schedule=builtin
        )
    assert "extensie of een extern nummer" in caught.value.message_dict["extension"][0]
    number = PhoneNumber.objects.filter(organisation=org).first()
    menu = services.ivr_menu_create(
        organisation=org,
        by=None,
        name="Hoofdmenu",
        extension=None,
        phone_number=number,
        time_schedule=builtin,
    )
    assert menu.entry.phone_number == number and menu.entry.extension is None


def test_it_shares_the_numbering_plan_with_users(org, builtin, jan):
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_create(
            organisation=org, by=None, name="Menu", extension="201", time_schedule=builtin
        )
    assert "in gebruik bij Jan de Vries" in caught.value.message_dict["extension"][0]


def test_it_refuses_a_schedule_of_another_organisation(org, builtin):
    foreign = TimeScheduleFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_create(
            organisation=org, by=None, name="Menu", extension="300", time_schedule=foreign
        )
    assert caught.value.message_dict["time_schedule"] == ["Kies een van uw eigen schema's."]
    foreign_holidays = HolidayScheduleFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError):
        services.ivr_menu_create(
            organisation=org,
            by=None,
            name="Menu",
            extension="300",
            time_schedule=builtin,
            holiday_schedule=foreign_holidays,
        )
    assert not IvrMenu.objects.exists()


def test_it_saves_keys_as_rows_and_changes_only_the_keys_that_changed(org, menu, jan):
    services.ivr_menu_update(
        menu=menu,
        by=None,
        values={},
        keys=[_key("business", "1", _to(jan)), _key("business", "2", VOICEMAIL, "silent")],
    )
    first = {k.key: k.pk for k in IvrKey.objects.filter(menu=menu)}
    assert set(first) == {"1", "2"}
    services.ivr_menu_update(
        menu=menu,
        by=None,
        values={},
        keys=[
            _key("business", "1", _to(jan)),
            _key("business", "#", DestinationValue("external", None, "0612345678")),
        ],
    )
    second = {k.key: k for k in IvrKey.objects.filter(menu=menu)}
    assert set(second) == {"1", "#"}
    assert second["1"].pk == first["1"], "an unchanged key is left alone"
    assert second["#"].destination_number == "+31612345678"
    # History sees each key: key 2 deleted, key # created, in the change's record.
    history = IvrKey.history.filter(key__in=["2", "#"]).order_by("history_id")
    assert [(h.key, h.history_type) for h in history] == [("2", "+"), ("2", "-"), ("#", "+")]
    assert history.last().change.summary == "IVR menu changed"


def test_it_refuses_the_same_key_twice_and_saves_nothing(org, menu, jan):
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_update(
            menu=menu,
            by=None,
            values={"reception_seconds": 15},
            keys=[_key("business", "1", _to(jan)), _key("business", "1", VOICEMAIL)],
        )
    assert "Toets 1 is meer dan eens opgegeven" in caught.value.message_dict["business_1"][0]
    menu.refresh_from_db()
    assert menu.reception_seconds == 10 and not IvrKey.objects.exists()


def test_it_refuses_a_key_without_destination_or_to_a_deleted_user(org, menu, jan):
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_update(
            menu=menu, by=None, values={}, keys=[_key("after", "*", DestinationValue("none"))]
        )
    assert "Kies waarheen toets * doorschakelt" in caught.value.message_dict["after_star"][0]
    entry = jan.entry
    user_services.pbx_user_delete(user=jan, by=None)
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_update(
            menu=menu, by=None, values={}, keys=[_key("business", "1", _to_entry(entry))]
        )
    assert caught.value.message_dict["business_1"] == [
        _dutch("Choose a user, hunt group or IVR menu from the list.")
    ]


def _to_entry(entry):
    return DestinationValue("entry", entry)


def test_it_allows_a_menu_that_leads_back_to_itself_and_warns_of_the_loop(org, menu):
    own = _to_entry(menu.entry)
    services.ivr_menu_update(
        menu=menu,
        by=None,
        values={"business_reception": own},
        keys=[_key("business", key, own) for key in domain.KEYPAD],
    )
    menu = services.with_keys(services.ivr_menus(organisation=org)).get(pk=menu.pk)
    warnings = services.menu_warnings(menu)
    assert any("leidt terug naar dit keuzemenu" in w for w in warnings)
    # The menu's own keys do not keep it from being deleted.
    assert services.ivr_menu_usages(menu) == []
    services.ivr_menu_delete(menu=menu, by=None)
    assert not IvrMenu.objects.exists() and not DirectoryEntry.objects.filter(extension="300").exists()


def test_it_warns_while_a_menu_has_no_greeting_or_reception(org, menu, jan):
    loaded = services.with_keys(services.ivr_menus(organisation=org)).get(pk=menu.pk)
    warnings = services.menu_warnings(loaded)
    assert len(warnings) == 4  # no greeting and no reception, business and after hours
    upload = SimpleUploadedFile("welkom.wav", tone_wav(0.5))
    services.ivr_menu_set_greeting(menu=menu, by=None, part="business", upload=upload)
    services.ivr_menu_update(
        menu=menu,
        by=None,
        values={"business_reception": _to(jan), "after_hours": "destination", "after_destination": VOICEMAIL},
    )
    loaded = services.with_keys(services.ivr_menus(organisation=org)).get(pk=menu.pk)
    assert services.menu_warnings(loaded) == []


def test_it_refuses_to_delete_a_menu_another_menu_sends_calls_to(org, menu, builtin):
    other = services.ivr_menu_create(
        organisation=org, by=None, name="Service", extension="301", time_schedule=builtin
    )
    services.ivr_menu_update(
        menu=other, by=None, values={}, keys=[_key("business", "9", _to_entry(menu.entry))]
    )
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_delete(menu=menu, by=None)
    assert "Service (keuzemenu, 301), toets 9" in caught.value.messages[0]
    assert IvrMenu.objects.filter(pk=menu.pk).exists()


def test_it_refuses_a_greeting_that_is_not_wav_and_keeps_the_previous(org, menu):
    services.ivr_menu_set_greeting(
        menu=menu, by=None, part="after", upload=SimpleUploadedFile("a.wav", tone_wav(0.5))
    )
    with pytest.raises(ValidationError) as caught:
        services.ivr_menu_set_greeting(
            menu=menu, by=None, part="after", upload=SimpleUploadedFile("a.mp3", b"ID3" + b"\0" * 100)
        )
    assert "geen WAV-bestand" in caught.value.messages[0]
    menu.refresh_from_db()
    assert menu.after_greeting is not None and Greeting.objects.count() == 1
    services.ivr_menu_remove_greeting(menu=menu, by=None, part="after")
    assert not Greeting.objects.exists()


def test_it_records_each_change(org, menu):
    assert ChangeRecord.objects.filter(organisation=org, summary="IVR menu created").exists()


def test_it_says_which_menu_plays_and_until_when():
    ranges = tuple(engine.WeeklyRange(day, time(8, 30), time(17, 30)) for day in range(5))
    tuesday_noon = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam
    now = domain.playing_at(ranges, (), "Europe/Amsterdam", tuesday_noon, after_is_menu=True)
    assert now.playing == domain.Playing.BUSINESS
    assert now.until.astimezone(engine.resolve_tz("Europe/Amsterdam")).time() == time(17, 30)
    evening = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    later = domain.playing_at(ranges, (), "Europe/Amsterdam", evening, after_is_menu=False)
    assert later.playing == domain.Playing.AFTER_DESTINATION
    night = domain.playing_at(
        ranges, (), "Europe/Amsterdam", tuesday_noon, after_is_menu=True, night_active=True
    )
    assert night.playing == domain.Playing.NIGHT


def test_it_knows_when_the_after_hours_menu_never_plays():
    always = tuple(engine.WeeklyRange(day, time(0), time(0)) for day in range(7))
    assert domain.always_business(always, ())
    holiday = engine.HolidayPeriod(datetime(2026, 12, 25).date(), datetime(2026, 12, 26).date())
    assert not domain.always_business(always, (holiday,))
    assert not domain.always_business(always[:5], ())


def test_it_keeps_a_schedule_in_use_by_a_menu_and_says_which(org, menu, office_hours):
    with pytest.raises(ValidationError) as caught:
        schedule_delete(schedule=office_hours, by=None)
    assert "Keuzemenu Hoofdmenu (keuzemenu, 300)" in " ".join(caught.value.messages)
    assert TimeSchedule.objects.filter(pk=office_hours.pk).exists()
