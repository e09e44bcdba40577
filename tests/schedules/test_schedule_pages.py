from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import PbxSync
from pbx.models import NightMode, NightModeSetting
from schedules import engine, services
from schedules.models import HolidaySchedule, TimeSchedule

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def _time_post(name, rows):
    data = {"name": name, "ranges-TOTAL_FORMS": str(len(rows)), "ranges-INITIAL_FORMS": "0"}
    for i, (day, start, end) in enumerate(rows):
        data.update({f"ranges-{i}-weekday": day, f"ranges-{i}-start": start, f"ranges-{i}-end": end})
    return data


def _opening_hours(org):
    schedule, _ = services.time_schedule_save(
        organisation=org,
        name="Openingstijden",
        by=None,
        ranges=[engine.WeeklyRange(d, time(8, 30), time(17, 30)) for d in range(5)],
    )
    return schedule


def test_it_lists_time_and_holiday_schedules_with_the_builtin_one(admin_client, org):
    _opening_hours(org)
    html = admin_client.get(reverse("schedules:list")).content.decode()
    assert "Elke dag, de hele dag" in html
    assert "Openingstijden" in html
    assert "ma 08:30-17:30" in html


def test_it_creates_a_schedule_with_a_range_across_midnight(admin_client, org):
    response = admin_client.post(
        reverse("schedules:time_create"), _time_post("Nachtdienst", [("4", "22:00", "06:00"), ("", "", "")])
    )
    assert response.status_code == 302
    schedule = TimeSchedule.objects.get(organisation=org, name="Nachtdienst")
    assert [(r.weekday, r.start, r.end) for r in schedule.ranges.all()] == [(4, time(22), time(6))]
    page = admin_client.get(response["Location"]).content.decode()
    assert 'class="week-picture"' in page
    assert "vrijdag 22:00-24:00" in page and "zaterdag 00:00-06:00" in page


def test_it_expands_monday_to_friday_and_merges_overlaps(admin_client, org):
    response = admin_client.post(
        reverse("schedules:time_create"),
        _time_post("Kantoor", [("7", "09:00", "12:00"), ("0", "11:00", "17:00")]),
        follow=True,
    )
    assert "Overlappende tijden zijn samengevoegd" in response.content.decode()
    schedule = TimeSchedule.objects.get(name="Kantoor")
    assert [(r.weekday, r.start, r.end) for r in schedule.ranges.all()][:2] == [
        (0, time(9), time(17)),
        (1, time(9), time(12)),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("0", "09:00", "09:00"), "Van en tot zijn gelijk"),
        (("0", "09:00", ""), "Vul een dag, een begintijd en een eindtijd in"),
        (("0", "25:00", "26:00"), "Voer een geldige tijd in"),
    ],
)
def test_it_refuses_bad_ranges_in_dutch_and_keeps_the_old_schedule(admin_client, org, row, message):
    schedule = _opening_hours(org)
    response = admin_client.post(
        reverse("schedules:time_detail", args=[schedule.pk]), _time_post("Openingstijden", [row])
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert schedule.ranges.count() == 5


def test_it_requires_a_unique_description(admin_client, org):
    _opening_hours(org)
    response = admin_client.post(
        reverse("schedules:time_create"), _time_post("openingstijden", [("0", "09:00", "10:00")])
    )
    assert "Er bestaat al een schema met deze omschrijving" in response.content.decode()
    response = admin_client.post(reverse("schedules:time_create"), _time_post("", [("0", "09:00", "10:00")]))
    assert "Vul een duidelijke omschrijving in" in response.content.decode()


def test_it_never_changes_or_deletes_the_builtin_schedule(admin_client, org):
    builtin = services.ensure_builtin_time_schedule(organisation=org)
    admin_client.post(
        reverse("schedules:time_detail", args=[builtin.pk]), _time_post("Anders", [("0", "09:00", "10:00")])
    )
    response = admin_client.post(reverse("schedules:time_delete", args=[builtin.pk]), follow=True)
    assert "kan niet worden verwijderd" in response.content.decode()
    builtin.refresh_from_db()
    assert builtin.name == "Elke dag, de hele dag" and builtin.ranges.count() == 7


def test_it_deletes_an_unused_schedule(admin_client, org):
    schedule = _opening_hours(org)
    response = admin_client.post(reverse("schedules:time_delete", args=[schedule.pk]), follow=True)
    assert "verwijderd" in response.content.decode()
    assert not TimeSchedule.objects.filter(pk=schedule.pk).exists()


def test_it_refuses_deleting_a_schedule_in_use_and_says_where(admin_client, org):
    schedule = _opening_hours(org)
    NightMode.objects.create(organisation=org, setting=NightModeSetting.AUTO, time_schedule=schedule)
    response = admin_client.post(reverse("schedules:time_delete", args=[schedule.pk]), follow=True)
    html = response.content.decode()
    assert "in gebruik" in html and "Nachtschakeling van het bedrijf" in html
    assert TimeSchedule.objects.filter(pk=schedule.pk).exists()


def test_it_protects_a_schedule_in_use_at_the_database_level(org):
    from django.db.models import ProtectedError

    schedule = _opening_hours(org)
    NightMode.objects.create(organisation=org, setting=NightModeSetting.AUTO, time_schedule=schedule)
    with pytest.raises(ProtectedError):
        schedule.delete()


def test_it_bumps_the_pbx_revision_on_every_schedule_change(org):
    _opening_hours(org)
    first = PbxSync.objects.get(organisation=org).desired_revision
    _opening_hours_again = services.time_schedule_save(
        organisation=org, name="Zomer", by=None, ranges=[engine.WeeklyRange(0, time(9), time(12))]
    )
    assert PbxSync.objects.get(organisation=org).desired_revision == first + 1


def test_it_keeps_a_history_of_changes(org):
    schedule = _opening_hours(org)
    services.time_schedule_save(organisation=org, schedule=schedule, name="Winkel", by=None, ranges=[])
    assert [h.name for h in schedule.history.order_by("history_date")] == ["Openingstijden", "Winkel"]


def test_it_runs_a_fixed_number_of_queries_on_the_list(admin_client, org, django_assert_max_num_queries):
    _opening_hours(org)
    # One of each kind, so that the first count includes the queries for their rows.
    services.holiday_schedule_save(
        organisation=org, name="Vakantie", by=None, entries=services.dutch_public_holidays(2027)
    )
    with django_assert_max_num_queries(30) as few:
        admin_client.get(reverse("schedules:list"))
    for i in range(15):
        services.time_schedule_save(
            organisation=org,
            name=f"Schema {i}",
            by=None,
            ranges=[engine.WeeklyRange(i % 7, time(9), time(10))],
        )
        services.holiday_schedule_save(organisation=org, name=f"Vakantie {i}", by=None, entries=[])
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("schedules:list"))


def test_it_creates_a_holiday_schedule_with_whole_days_and_times(admin_client, org):
    data = {
        "name": "Vakanties",
        "entries-TOTAL_FORMS": "3",
        "entries-INITIAL_FORMS": "0",
        "entries-0-name": "Zomerstop",
        "entries-0-start_date": "2027-07-19",
        "entries-0-end_date": "2027-08-06",
        "entries-1-name": "Oudejaarsmiddag",
        "entries-1-start_date": "2027-12-31",
        "entries-1-start_time": "13:00",
        "entries-1-end_date": "2027-12-31",
        "entries-1-end_time": "23:59",
    }
    response = admin_client.post(reverse("schedules:holiday_create"), data)
    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(name="Vakanties")
    assert [(e.name, e.whole_days) for e in schedule.entries.all()] == [
        ("Zomerstop", True),
        ("Oudejaarsmiddag", False),
    ]


def test_it_refuses_a_holiday_ending_before_it_starts(admin_client, org):
    data = {
        "name": "Fout",
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-0-name": "X",
        "entries-0-start_date": "2027-07-19",
        "entries-0-end_date": "2027-07-01",
    }
    response = admin_client.post(reverse("schedules:holiday_create"), data)
    assert response.status_code == 400
    assert "De einddatum ligt voor de begindatum" in response.content.decode()


def _ticked(html):
    import re

    boxes = re.findall(
        r'<input class="form-check-input" type="checkbox" name="days" value="([0-9-]+)"[^>]*?( checked)?>',
        html,
    )
    return {day: bool(checked) for day, checked in boxes}


def test_it_shows_the_dutch_public_holidays_before_adding_with_the_optional_ones_unticked(admin_client, org):
    schedule = services.holiday_schedule_save(organisation=org, name="Feestdagen", entries=[], by=None)
    response = admin_client.get(reverse("schedules:holiday_public", args=[schedule.pk]), {"year": "2027"})
    html = response.content.decode()
    assert response.status_code == 200 and schedule.entries.count() == 0
    assert (
        'Goede vrijdag, vrijdag 26 maart 2027 <span class="text-body-secondary">(optioneel: veel organisaties zijn op Goede Vrijdag open)'
        in html
    )
    assert (
        'Bevrijdingsdag, woensdag 5 mei 2027 <span class="text-body-secondary">(optioneel: voor de meesten alleen eens in de vijf jaar'
        in html
    )
    ticked = _ticked(html)
    assert ticked["2027-03-26"] is False and ticked["2027-05-05"] is False
    assert ticked["2027-04-27"] is True and ticked["2027-12-25"] is True
    lustrum = _ticked(
        admin_client.get(
            reverse("schedules:holiday_public", args=[schedule.pk]), {"year": "2030"}
        ).content.decode()
    )
    assert lustrum["2030-05-05"] is True and lustrum["2030-04-19"] is False


def test_it_adds_only_the_ticked_dutch_public_holidays_once(admin_client, org):
    schedule = services.holiday_schedule_save(organisation=org, name="Feestdagen", entries=[], by=None)
    url = reverse("schedules:holiday_public", args=[schedule.pk])
    ticked = [
        day for day, on in _ticked(admin_client.get(url, {"year": "2027"}).content.decode()).items() if on
    ]
    admin_client.post(url, {"year": "2027", "days": [*ticked, "2027-05-05", "geen-datum", "2027-06-01"]})
    names = {e.start_date.isoformat(): e.name for e in schedule.entries.all()}
    assert names["2027-04-27"] == "Koningsdag" and names["2027-05-05"] == "Bevrijdingsdag"
    assert (
        "2027-03-26" not in names and "2027-06-01" not in names
    )  # Good Friday not ticked, 1 June no holiday
    count = schedule.entries.count()
    response = admin_client.post(url, {"year": "2027", "days": ticked}, follow=True)
    assert "De gekozen dagen van 2027 stonden al in het schema" in response.content.decode()
    assert schedule.entries.count() == count
    again = admin_client.get(url, {"year": "2027"}).content.decode()
    assert (
        'Koningsdag, dinsdag 27 april 2027 <span class="text-body-secondary">(staat al in het schema)'
        in again
    )


def test_it_lets_read_only_accounts_see_the_list_but_not_add(readonly_client, org):
    schedule = services.holiday_schedule_save(organisation=org, name="Feestdagen", entries=[], by=None)
    url = reverse("schedules:holiday_public", args=[schedule.pk])
    assert readonly_client.get(url, {"year": "2027"}).status_code == 200
    assert readonly_client.post(url, {"year": "2027", "days": ["2027-04-27"]}).status_code == 403
    assert schedule.entries.count() == 0


def test_it_moves_kings_day_to_the_26th_when_the_27th_is_a_sunday():
    days = {e.start_date.isoformat() for e in services.dutch_public_holidays(2025)}
    assert "2025-04-26" in days and "2025-04-27" not in days


def test_it_imports_and_exports_icalendar(admin_client, org):
    schedule = services.holiday_schedule_save(organisation=org, name="Feestdagen", entries=[], by=None)
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Bedrijfsuitje\r\nDTSTART;VALUE=DATE:20270610\r\nDTEND;VALUE=DATE:20270612\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_client.post(
        reverse("schedules:holiday_import", args=[schedule.pk]),
        {"file": SimpleUploadedFile("dagen.ics", ics, "text/calendar")},
    )
    entry = schedule.entries.get()
    assert (entry.name, entry.start_date.isoformat(), entry.end_date.isoformat()) == (
        "Bedrijfsuitje",
        "2027-06-10",
        "2027-06-11",
    )
    exported = admin_client.get(reverse("schedules:holiday_export", args=[schedule.pk]))
    assert exported["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Bedrijfsuitje" in exported.content and b"DTEND;VALUE=DATE:20270612" in exported.content


def test_it_refuses_a_malformed_ics_and_changes_nothing(admin_client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    schedule = services.holiday_schedule_save(organisation=org, name="Feestdagen", entries=[], by=None)
    response = admin_client.post(
        reverse("schedules:holiday_import", args=[schedule.pk]),
        {"file": SimpleUploadedFile("x.ics", b"dit is geen agenda", "text/calendar")},
    )
    assert response.status_code == 400
    assert "geen geldig iCalendar-bestand" in response.content.decode()
    assert schedule.entries.count() == 0


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (
            datetime(2026, 11, 24, 10, 0, tzinfo=AMS),
            '<span class="badge text-bg-success">open</span> <span class="small">tot vandaag 17:30</span>',
        ),
        (
            datetime(2026, 11, 27, 19, 0, tzinfo=AMS),
            '<span class="badge text-bg-secondary">gesloten</span> <span class="small">tot maandag 08:30</span>',
        ),
    ],
)
def test_it_shows_whether_it_is_open_now(admin_client, org, freeze, now, state):
    schedule = _opening_hours(org)
    freeze(now)
    html = admin_client.get(reverse("schedules:time_detail", args=[schedule.pk])).content.decode()
    assert f'<p class="fw-semibold schedule-now">Nu: {state}' in html
