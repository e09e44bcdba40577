"""A holiday schedule of many entries: capped, paged, and a fixed number of queries whatever its size."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schedules import services
from schedules.models import HolidayEntry

pytestmark = pytest.mark.django_db


def _days(count: int, first: date = date(2027, 1, 1)) -> list[services.EntryData]:
    return [
        services.EntryData(f"Dag {i + 1}", first + timedelta(days=i), first + timedelta(days=i))
        for i in range(count)
    ]


def _schedule(org, count: int):
    return services.holiday_schedule_save(organisation=org, name="Veel dagen", entries=_days(count), by=None)


def _page_post(html_page: str, schedule, **changes: str) -> dict[str, str]:
    """The form of a page as a browser would send it back, with some fields changed."""
    import re

    data = dict(re.findall(r'name="((?:entries-|name|version)[^"]*)"[^>]*?value="([^"]*)"', html_page))
    data.update(changes)
    return data


def test_it_refuses_more_than_a_thousand_entries_and_keeps_what_was_saved(org):
    schedule = _schedule(org, 10)
    with pytest.raises(ValidationError, match="ten hoogste 1000"):
        services.holiday_schedule_save(
            organisation=org, schedule=schedule, name=schedule.name, entries=_days(1001), by=None
        )
    assert schedule.entries.count() == 10
    full = services.holiday_schedule_save(organisation=org, name="Vol", entries=_days(1000), by=None)
    with pytest.raises(ValidationError, match="ten hoogste 1000"):
        services.holiday_schedule_add_public_holidays(schedule=full, year=2030, by=None)
    assert full.entries.count() == 1000


def test_it_pages_the_entries_and_saves_one_page_without_touching_the_others(admin_client, org):
    schedule = _schedule(org, 120)
    url = reverse("schedules:holiday_detail", args=[schedule.pk])
    first = admin_client.get(url).content.decode()
    assert 'value="Dag 1"' in first and 'value="Dag 50"' in first and 'value="Dag 51"' not in first
    assert "120 dagen of perioden in dit schema (ten hoogste 1000). Hier getoond: 1 tot en met 50" in first
    second = admin_client.get(url, {"pagina": "2"}).content.decode()
    assert 'value="Dag 51"' in second and 'value="Dag 100"' in second and 'value="Dag 50"' not in second
    fields = _page_post(second, schedule)
    row = {v: k.removesuffix("-name") for k, v in fields.items() if k.endswith("-name")}
    data = _page_post(
        second,
        schedule,
        **{f"{row['Dag 60']}-name": "Inventaris", f"{row['Dag 60']}-start_date": "2027-03-01"},
        **{f"{row['Dag 61']}-name": "", f"{row['Dag 61']}-start_date": ""},
    )
    response = admin_client.post(f"{url}?pagina=2", data)
    assert response.status_code == 302 and response["Location"].endswith("?pagina=2")
    names = list(schedule.entries.values_list("name", flat=True))
    assert len(names) == 119 and "Inventaris" in names and "Dag 60" not in names and "Dag 61" not in names
    assert "Dag 1" in names and "Dag 120" in names


def test_it_survives_a_page_number_that_is_no_page(admin_client, org):
    schedule = _schedule(org, 3)
    url = reverse("schedules:holiday_detail", args=[schedule.pk])
    for page in ("0", "99", "twee", "-1"):
        assert admin_client.get(url, {"pagina": page}).status_code == 200


def test_it_ignores_an_entry_id_of_another_schedule(admin_client, org):
    schedule = _schedule(org, 2)
    other = services.holiday_schedule_save(organisation=org, name="Ander", entries=_days(1), by=None)
    foreign = other.entries.get()
    url = reverse("schedules:holiday_detail", args=[schedule.pk])
    data = _page_post(admin_client.get(url).content.decode(), schedule, **{"entries-0-id": str(foreign.pk)})
    admin_client.post(url, data)
    assert HolidayEntry.objects.filter(pk=foreign.pk, schedule=other).exists()


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_entries(
    admin_client, org, django_assert_max_num_queries
):
    schedule = _schedule(org, 5)
    url = reverse("schedules:holiday_detail", args=[schedule.pk])
    with django_assert_max_num_queries(40) as few:
        admin_client.get(url)
    services.holiday_schedule_save(
        organisation=org, schedule=schedule, name=schedule.name, entries=_days(1000), by=None
    )
    services.holiday_schedule_save(organisation=org, name="Nog een", entries=_days(300), by=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert len(response.content) < 200_000
