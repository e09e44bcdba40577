"""Importing and exporting holiday schedules as iCalendar, with files as real calendar tools write them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schedules import services
from schedules.models import HolidayEntry

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
KEPT = services.EntryData("Bestaande dag", date(2027, 1, 2), date(2027, 1, 2))


@pytest.fixture
def schedule(org, freeze):
    freeze(datetime(2026, 12, 1, 10, tzinfo=AMS))
    return services.holiday_schedule_save(organisation=org, name="Sluitingsdagen", entries=[KEPT], by=None)


def _import(client, schedule, data: bytes):
    return client.post(
        reverse("schedules:holiday_import", args=[schedule.pk]),
        {"file": SimpleUploadedFile("agenda.ics", data, "text/calendar")},
        follow=True,
    )


def _entries(schedule):
    return [
        (e.name, e.start_date.isoformat(), e.end_date.isoformat(), e.start_time, e.end_time)
        for e in schedule.entries.exclude(name=KEPT.name)
    ]


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{i}@test\r\n{event}END:VEVENT\r\n" for i, event in enumerate(events))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//NL\r\n{body}END:VCALENDAR\r\n".encode()


GOOD = "SUMMARY:Goede dag\r\nDTSTART;VALUE=DATE:20270610\r\n"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("SUMMARY:Geen datum\r\nDTSTART:morgen\r\n", "is geen datum of tijd die bestaat"),
        (
            "SUMMARY:Gemengd\r\nDTSTART;VALUE=DATE:20270301\r\nDTEND:20270301T120000\r\n",
            "niet van dezelfde soort",
        ),
        ("SUMMARY:Periode\r\nDTSTART;VALUE=PERIOD:20270301T100000Z/20270301T120000Z\r\n", "is een periode"),
        (
            "SUMMARY:Dubbel\r\nDTSTART;VALUE=DATE:20270301\r\nDTSTART;VALUE=DATE:20270302\r\n",
            "meer dan één DTSTART",
        ),
        (
            "SUMMARY:Achterstevoren\r\nDTSTART;VALUE=DATE:20270305\r\nDTEND;VALUE=DATE:20270301\r\n",
            "eindigt voordat",
        ),
        ("SUMMARY:Dertig februari\r\nDTSTART;VALUE=DATE:20270230\r\n", "is geen datum of tijd die bestaat"),
        ("SUMMARY:Moment\r\nDTSTART:20270301T100000Z\r\nDTEND:20270301T100000Z\r\n", "op hetzelfde moment"),
        ("SUMMARY:Te ver\r\nDTSTART;VALUE=DATE:99991230\r\nDURATION:P5D\r\n", "na het jaar 9999"),
        ("SUMMARY:Regel\r\nDTSTART;VALUE=DATE:20270301\r\nRRULE:FREQ=SOMETIMES\r\n", "herhaling"),
    ],
)
def test_it_skips_an_event_it_cannot_understand_by_name_and_imports_the_rest(
    admin_client, schedule, event, reason
):
    response = _import(admin_client, schedule, _calendar(event, GOOD))
    html = response.content.decode()
    assert response.status_code == 200
    name = event.split("\r\n")[0].removeprefix("SUMMARY:")
    assert f"“{name}” overgeslagen" in html and reason in html
    assert _entries(schedule) == [("Goede dag", "2027-06-10", "2027-06-10", None, None)]
    assert schedule.entries.filter(name=KEPT.name).exists()


def test_it_imports_a_day_in_the_year_9999_and_exports_it_again(admin_client, schedule):
    _import(admin_client, schedule, _calendar("SUMMARY:Laatste dag\r\nDTSTART;VALUE=DATE:99991231\r\n"))
    assert _entries(schedule) == [("Laatste dag", "9999-12-31", "9999-12-31", None, None)]
    exported = admin_client.get(reverse("schedules:holiday_export", args=[schedule.pk]))
    assert exported.status_code == 200
    event = next(
        e for e in icalendar.Calendar.from_ical(exported.content).walk("VEVENT") if "Laatste" in e["SUMMARY"]
    )
    assert (
        event.decoded("DTSTART") == date(9999, 12, 31) and str(event["DURATION"].to_ical(), "ascii") == "P1D"
    )


def test_it_exports_an_entry_on_the_last_day_the_form_accepts(admin_client, org, schedule):
    HolidayEntry.objects.create(
        schedule=schedule, name="Einde", start_date=date(9999, 12, 31), end_date=date(9999, 12, 31)
    )
    HolidayEntry.objects.create(
        schedule=schedule,
        name="Einde middag",
        start_date=date(9999, 12, 31),
        end_date=date(9999, 12, 31),
        start_time=time(13),
        end_time=time(23, 59),
    )
    response = admin_client.get(reverse("schedules:holiday_export", args=[schedule.pk]))
    assert response.status_code == 200
    assert b"DTSTART:99991231T120000Z" in response.content


def test_it_imports_a_zero_length_appointment_beside_an_all_day_event_without_error(admin_client, schedule):
    response = _import(
        admin_client,
        schedule,
        _calendar(
            "SUMMARY:Herinnering\r\nDTSTART:20270301T090000Z\r\n",
            "SUMMARY:Studiedag\r\nDTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n",
        ),
    )
    html = response.content.decode()
    assert "“Herinnering” overgeslagen" in html
    assert _entries(schedule) == [("Studiedag", "2027-03-01", "2027-03-01", None, None)]


def test_it_refuses_a_file_that_is_no_calendar_and_keeps_what_was_saved(admin_client, schedule):
    response = admin_client.post(
        reverse("schedules:holiday_import", args=[schedule.pk]),
        {"file": SimpleUploadedFile("x.ics", b"BEGIN:VCARD\r\nEND:VCARD\r\n", "text/calendar")},
    )
    assert response.status_code == 400
    assert "geen geldig iCalendar-bestand" in response.content.decode()
    assert list(schedule.entries.values_list("name", flat=True)) == [KEPT.name]


def test_it_imports_an_outlook_export_with_its_windows_zone_and_a_yearly_event_without_end(
    admin_client, schedule, ics_file
):
    html = _import(admin_client, schedule, ics_file("outlook.ics")).content.decode()
    assert _entries(schedule) == [
        ("Kerstavond", "2026-12-24", "2026-12-24", None, None),
        ("Koningsdag", "2027-04-27", "2027-04-27", None, None),
        ("Kerstavond", "2027-12-24", "2027-12-24", None, None),
        ("Oudejaarsmiddag gesloten", "2027-12-31", "2027-12-31", time(13), time(17)),
        ("Kerstavond", "2028-12-24", "2028-12-24", None, None),
    ]
    assert "“Kerstavond”: herhaalt zich, 3 keer van 24 december 2026 tot 24 december 2028" in html


def test_it_expands_a_google_series_with_a_moved_and_a_cancelled_instance(admin_client, schedule, ics_file):
    html = _import(admin_client, schedule, ics_file("google.ics")).content.decode()
    entries = _entries(schedule)
    # 1 March, 8 March moved to the afternoon, 15 March excluded, 22 March cancelled; UTC read as local time.
    assert entries[:2] == [
        ("Teamtraining", "2027-03-01", "2027-03-01", time(9), time(12, 30)),
        ("Teamtraining (verplaatst)", "2027-03-08", "2027-03-08", time(13), time(16, 30)),
    ]
    # The summary is folded in the middle of "é": it must come out whole.
    assert (
        entries[2][0]
        == "Zomersluiting van bakkerij en winkel in de Kerkstraat, ook het café — tot 9 augustus"
    )
    assert entries[2][1:3] == ("2027-07-19", "2027-08-06")
    assert len(entries) == 3  # the cancelled "Personeelsuitje" is no closing day
    assert "“Personeelsuitje” overgeslagen: het is geannuleerd." in html
    assert "1 geannuleerde keer weggelaten" in html


def test_it_leaves_out_a_cancelled_apple_event_and_repeats_a_yearly_one(admin_client, schedule, ics_file):
    _import(admin_client, schedule, ics_file("apple.ics"))
    assert _entries(schedule) == [
        ("Sinterklaas", "2026-12-05", "2026-12-05", None, None),
        ("Verbouwing", "2027-04-16", "2027-04-16", time(12), time(15)),
        ("Sinterklaas", "2027-12-05", "2027-12-05", None, None),
        ("Sinterklaas", "2028-12-05", "2028-12-05", None, None),
    ]


def test_it_reads_a_duration_instead_of_an_end(admin_client, schedule, ics_file):
    _import(admin_client, schedule, ics_file("nextcloud.ics"))
    _import(admin_client, schedule, ics_file("thunderbird.ics"))
    assert _entries(schedule) == [
        ("EHBO-training", "2027-09-17", "2027-09-17", time(9), time(12, 30)),
        ("Tussen kerst en oud en nieuw", "2027-12-27", "2027-12-31", None, None),
    ]


def test_it_says_what_was_in_the_schedule_already(admin_client, schedule, ics_file):
    _import(admin_client, schedule, ics_file("nextcloud.ics"))
    html = _import(admin_client, schedule, ics_file("nextcloud.ics")).content.decode()
    assert "Niets nieuws geïmporteerd" in html
    assert len(_entries(schedule)) == 1


def test_it_exports_timed_entries_in_utc_so_other_tools_read_the_right_hour(admin_client, schedule):
    services.holiday_schedule_save(
        organisation=schedule.organisation,
        schedule=schedule,
        name=schedule.name,
        by=None,
        entries=[
            services.EntryData("Winter", date(2027, 1, 15), date(2027, 1, 15), time(13), time(17)),
            services.EntryData("Zomer", date(2027, 7, 15), date(2027, 7, 15), time(13), time(17)),
        ],
    )
    content = admin_client.get(reverse("schedules:holiday_export", args=[schedule.pk])).content
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}
    assert events["Winter"].decoded("DTSTART") == datetime(2027, 1, 15, 12, tzinfo=UTC)
    assert events["Zomer"].decoded("DTSTART") == datetime(2027, 7, 15, 11, tzinfo=UTC)
    assert events["Zomer"].decoded("DTEND") == datetime(2027, 7, 15, 15, tzinfo=UTC)


def test_it_reads_its_own_export_back_unchanged(admin_client, org, schedule, ics_file):
    _import(admin_client, schedule, ics_file("google.ics"))
    content = admin_client.get(reverse("schedules:holiday_export", args=[schedule.pk])).content
    copy = services.holiday_schedule_save(organisation=org, name="Kopie", entries=[], by=None)
    _import(admin_client, copy, content)
    assert sorted(_entries(copy)) == sorted(_entries(schedule))
    assert copy.entries.filter(name=KEPT.name).exists()


def test_it_refuses_an_import_that_would_pass_the_limit_and_changes_nothing(admin_client, schedule):
    daily = "SUMMARY:Elke dag\r\nDTSTART;VALUE=DATE:20261201\r\nRRULE:FREQ=DAILY\r\n"
    response = _import(admin_client, schedule, _calendar(daily))
    html = response.content.decode()
    assert "ten hoogste 1000" in html and "Er is niets gewijzigd" in html
    assert list(schedule.entries.values_list("name", flat=True)) == [KEPT.name]


def test_it_says_on_the_page_how_far_ahead_repetitions_are_imported(admin_client, schedule):
    html = admin_client.get(reverse("schedules:holiday_detail", args=[schedule.pk])).content.decode()
    assert "de komende 3 jaar" in html
