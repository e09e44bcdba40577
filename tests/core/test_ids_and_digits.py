"""Ids and numbers from a request: ASCII digits, within 63 bits, or a clear answer (never a 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.ids import MAX_ID, parse_id, parse_ids
from mobile.models import Subscription
from pbx.models import NightMode

from factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
DIGITS_ERROR = "Typ getallen met de cijfers 0 tot en met 9."


@pytest.mark.parametrize(
    "value", ["0", "-1", str(2**63), "1" * 30, "abc", "١٢", "１２", "1.5", "", " ", None, True]
)
def test_it_finds_no_id_in_what_cannot_be_one(value):
    assert parse_id(value) is None


def test_it_reads_ids_written_in_ascii_digits():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_ids(["3", "1", "3"]) == [3, 1]
    assert parse_ids(["3", "١"]) is None


def test_it_answers_404_for_an_id_in_a_url_no_row_can_have(admin_client, org):
    subscription = SubscriptionFactory(organisation=org)
    assert admin_client.get(reverse("mobile:subscription", args=[subscription.pk])).status_code == 200
    for pk in ["1" * 30, str(2**63)]:
        assert admin_client.get(f"/mobiel/{pk}/").status_code == 404
        assert admin_client.post(f"/telefooncentrale/schemas/tijd/{pk}/verwijderen/").status_code == 404


@pytest.mark.parametrize("row", [str(2**63), "1" * 30, "١٢", "-1"])
def test_it_answers_404_for_a_voicemail_row_no_subscription_can_have(admin_client, org, row):
    SubscriptionFactory(organisation=org)
    url = reverse("mobile:business_voicemail")
    assert admin_client.post(url, {"rows": [row], "action": "submit"}).status_code == 404
    assert admin_client.get(url, {"row": row}, headers={"HX-Request": "true"}).status_code == 404


def test_it_refuses_a_schedule_choice_no_schedule_can_have(admin_client, org):
    url = reverse("pbx:night_mode")
    response = admin_client.post(
        url, {"setting": "auto", "destination_0": "voicemail", "time_schedule": "9" * 30}
    )
    assert response.status_code == 400
    assert not NightMode.objects.filter(organisation=org, setting="auto").exists()


@pytest.mark.parametrize("destination", ["١٢٣", "９９９", "٠٦١٢٣٤٥٦٧٨", "+٣١٦١٢٣٤٥٦٧٨"])
def test_it_refuses_a_night_mode_destination_in_other_digits(admin_client, org, destination):
    post = {"setting": "on", "destination_0": "external", "destination_1": destination}
    response = admin_client.post(reverse("pbx:night_mode"), post)
    assert response.status_code == 400
    assert DIGITS_ERROR in response.content.decode()
    assert not NightMode.objects.filter(organisation=org, setting="on").exists()


def test_it_still_takes_a_destination_in_ascii_digits(admin_client, org):
    post = {"setting": "on", "destination_0": "external", "destination_1": "06 1234 5678"}
    response = admin_client.post(reverse("pbx:night_mode"), post)
    assert response.status_code == 302
    assert NightMode.objects.get(organisation=org).destination_number == "+31612345678"


def test_it_refuses_a_spending_limit_in_other_digits(admin_client, org):
    subscription = SubscriptionFactory(organisation=org, spending_limit=Decimal("10"))
    response = admin_client.post(
        reverse("mobile:subscription", args=[subscription.pk]),
        {"user_name": "Sanne", "spending_limit": "٥٠", "data_limit_gb": "١٠"},
    )
    assert DIGITS_ERROR in response.content.decode()
    assert Subscription.objects.get(pk=subscription.pk).spending_limit == Decimal("10")


def test_it_refuses_a_year_in_other_digits(admin_client, org):
    from factories import HolidayScheduleFactory

    schedule = HolidayScheduleFactory(organisation=org)
    response = admin_client.post(reverse("schedules:holiday_public", args=[schedule.pk]), {"year": "٢٠٢٧"})
    assert DIGITS_ERROR in response.content.decode()
    assert not schedule.entries.exists()


@pytest.mark.parametrize("index", ["²", "١", "9" * 30, "-1"])
def test_it_keeps_the_rows_when_asked_to_remove_a_row_that_is_no_number(admin_client, org, index):
    from schedules.forms import REMOVE_ROW

    data = {
        "name": "Openingstijden",
        "ranges-TOTAL_FORMS": "2",
        "ranges-INITIAL_FORMS": "0",
        REMOVE_ROW: index,
    }
    data |= {"ranges-0-weekday": "0", "ranges-0-start": "08:00", "ranges-0-end": "17:00"}
    data |= {"ranges-1-weekday": "1", "ranges-1-start": "08:00", "ranges-1-end": "17:00"}
    response = admin_client.post(reverse("schedules:time_create"), data)
    assert response.status_code == 200
    assert response.content.decode().count('name="ranges-1-weekday"') == 1
