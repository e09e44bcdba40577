"""The time schedule editor adds and removes rows in place: with htmx (the rows are swapped) and
without JavaScript (the page comes back as typed), and nothing is saved until "Opslaan"."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.urls import reverse

from schedules.models import TimeSchedule

pytestmark = pytest.mark.django_db


def _post(org, name, rows, **extra):
    data = {
        "name": name,
        "_organisation": org.pk,
        "ranges-TOTAL_FORMS": str(len(rows)),
        "ranges-INITIAL_FORMS": "0",
    }
    for i, (day, start, end) in enumerate(rows):
        data.update({f"ranges-{i}-weekday": day, f"ranges-{i}-start": start, f"ranges-{i}-end": end})
    data.update(extra)
    return data


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(selected day, from, to) of every row on the page."""
    rows = []
    for row in re.findall(r'<tr class="range-row">(.*?)</tr>', html, re.S):
        day = re.search(r'<option value="([^"]*)" selected>', row)
        start, end = (
            (m.group(1) if (m := re.search(r'value="([^"]*)"', tag)) else "")
            for tag in re.findall(r'<input type="time"[^>]*>', row)
        )
        rows.append((day.group(1) if day else "", start, end))
    return rows


def test_it_offers_one_empty_row_and_an_add_button_on_a_new_schedule(admin_client):
    html = admin_client.get(reverse("schedules:time_create")).content.decode()
    assert _rows(html) == [("", "", "")]
    assert "Regel toevoegen" in html
    assert "Heeft u meer regels nodig" not in html and "Save, and three empty rows" not in html


def test_it_adds_a_row_without_javascript_keeping_what_was_typed(admin_client, org):
    response = admin_client.post(
        reverse("schedules:time_create"), _post(org, "Winkel", [("0", "08:30", "17:30")], add_row="1")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html) == [("0", "08:30", "17:30"), ("", "", "")]
    assert 'value="Winkel"' in html
    assert "<html" in html
    assert not TimeSchedule.objects.filter(name="Winkel").exists()


def test_it_adds_a_row_with_htmx_as_a_fragment(admin_client, org):
    response = admin_client.post(
        reverse("schedules:time_create"),
        _post(org, "", [("0", "08:30", "17:30"), ("5", "", "")], add_row="1"),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="ranges">')
    assert _rows(html) == [("0", "08:30", "17:30"), ("5", "", ""), ("", "", "")]
    assert 'name="ranges-TOTAL_FORMS" value="3"' in html
    # The new row's day has the focus; an unfinished row is not yet reported as an error.
    assert re.search(r'id="id_ranges-2-weekday" autofocus', html)
    assert "is-invalid" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_it_removes_the_row_whose_button_was_pressed(admin_client, org, htmx):
    rows = [("0", "08:30", "12:00"), ("1", "09:00", "13:00"), ("2", "10:00", "14:00")]
    response = admin_client.post(
        reverse("schedules:time_create"),
        _post(org, "Winkel", rows, remove_row="1"),
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert _rows(response.content.decode()) == [("0", "08:30", "12:00"), ("2", "10:00", "14:00")]
    assert not TimeSchedule.objects.filter(name="Winkel").exists()


def test_it_saves_the_rows_after_adding_and_removing(admin_client, org):
    url = reverse("schedules:time_create")
    admin_client.post(url, _post(org, "Winkel", [("0", "08:30", "17:30")], add_row="1"))
    response = admin_client.post(
        url, _post(org, "Winkel", [("0", "08:30", "17:30"), ("5", "09:00", "12:00")])
    )
    assert response.status_code == 302
    schedule = TimeSchedule.objects.get(organisation=org, name="Winkel")
    assert [(r.weekday, r.start, r.end) for r in schedule.ranges.all()] == [
        (0, time(8, 30), time(17, 30)),
        (5, time(9), time(12)),
    ]


def test_it_removes_a_stored_row_of_an_existing_schedule_and_saves(admin_client, org):
    url = reverse("schedules:time_create")
    admin_client.post(url, _post(org, "Winkel", [("0", "08:30", "17:30"), ("5", "09:00", "12:00")]))
    schedule = TimeSchedule.objects.get(organisation=org, name="Winkel")
    detail = reverse("schedules:time_detail", kwargs={"pk": schedule.pk})
    page = admin_client.get(detail).content.decode()
    assert _rows(page)[:2] == [("0", "08:30", "17:30"), ("5", "09:00", "12:00")]
    removed = admin_client.post(detail, _post(org, "Winkel", _rows(page), remove_row="0"))
    assert admin_client.post(detail, _post(org, "Winkel", _rows(removed.content.decode()))).status_code == 302
    assert [(r.weekday, r.start) for r in schedule.ranges.all()] == [(5, time(9))]


def test_it_ignores_a_row_edit_with_nonsense_counts(admin_client, org):
    data = _post(org, "Winkel", [], remove_row="abc")
    data["ranges-TOTAL_FORMS"] = "x"
    response = admin_client.post(reverse("schedules:time_create"), data)
    assert response.status_code == 200
    assert _rows(response.content.decode()) == [("", "", "")]


def test_it_shows_no_row_buttons_to_a_read_only_member(readonly_client, org):
    html = readonly_client.get(reverse("schedules:time_create")).content.decode()
    assert "Regel toevoegen" not in html and 'name="remove_row"' not in html
