"""The night-mode rules live in the service: what the page's form would refuse, the service
refuses too, with the same Dutch text (the coming CSV import and API call the service)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pbx.models import DestinationType, NightMode, NightModeSetting
from pbx.services.night_mode import night_mode_update

pytestmark = pytest.mark.django_db

WRONG_DESTINATION = (
    "Vul een extensie van 2 tot 4 cijfers in (zoals 999) of een geldig telefoonnummer zoals 020-1234567."
)


def _page_error(admin_client, destination: str) -> str:
    response = admin_client.post(reverse("pbx:night_mode"), {"setting": "on", "destination": destination})
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    ("destination_type", "destination_value"),
    [
        (DestinationType.EXTENSION, "12345"),
        (DestinationType.EXTENSION, "+31201234567"),
        (DestinationType.EXTERNAL, "999"),
        (DestinationType.EXTERNAL, "+3112"),
        (DestinationType.EXTENSION, "٩٩٩"),
    ],
)
def test_it_refuses_a_destination_the_page_would_refuse(org, destination_type, destination_value):
    with pytest.raises(ValidationError) as refused:
        night_mode_update(
            organisation=org,
            by=None,
            setting=NightModeSetting.ON,
            time_schedule=None,
            holiday_schedule=None,
            destination_type=destination_type,
            destination_value=destination_value,
        )
    assert "destination" in refused.value.message_dict
    assert not NightMode.objects.filter(organisation=org).exists()


def test_it_says_the_same_as_the_page(admin_client, org):
    assert WRONG_DESTINATION in _page_error(admin_client, "12345")
    with pytest.raises(ValidationError) as refused:
        night_mode_update(
            organisation=org,
            by=None,
            setting=NightModeSetting.ON,
            time_schedule=None,
            holiday_schedule=None,
            destination_type=DestinationType.EXTENSION,
            destination_value="12345",
        )
    assert refused.value.message_dict == {"destination": [WRONG_DESTINATION]}


def test_it_shows_the_services_refusal_of_automatic_without_schedule_on_the_field(admin_client, org):
    response = admin_client.post(reverse("pbx:night_mode"), {"setting": "auto", "destination": "999"})
    assert response.status_code == 400
    assert "Kies een tijdschema voor automatische nachtschakeling." in response.content.decode()
    assert not NightMode.objects.filter(organisation=org).exists()
