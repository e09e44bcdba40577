"""The night-mode rules live in the service: what the page's form would refuse, the service
refuses too, with the same Dutch text (the coming CSV import and API call the service)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pbx.models import DirectoryEntry, NightMode, NightModeSetting
from pbx.services.night_mode import night_mode_update

from factories import OrganisationFactory

pytestmark = pytest.mark.django_db

WRONG_NUMBER = "Vul een geldig telefoonnummer in, bijvoorbeeld 020 123 4567 of +31 20 123 4567."


def _update(org, **destination):
    return night_mode_update(
        organisation=org,
        by=None,
        setting=NightModeSetting.ON,
        time_schedule=None,
        holiday_schedule=None,
        **destination,
    )


@pytest.mark.parametrize(
    "destination",
    [
        {"destination_kind": "external", "destination_number": "12345"},
        {"destination_kind": "external", "destination_number": "+3112"},
        {"destination_kind": "external", "destination_number": "٠٦١٢٣٤٥٦٧٨"},
        {"destination_kind": "external", "destination_number": ""},
        {"destination_kind": "entry", "destination_entry": 99999},
        {"destination_kind": "none"},
        {"destination_kind": "extension"},
    ],
)
def test_it_refuses_a_destination_the_page_would_refuse(org, destination):
    with pytest.raises(ValidationError) as refused:
        _update(org, **destination)
    assert "destination" in refused.value.message_dict
    assert not NightMode.objects.filter(organisation=org).exists()


def test_it_refuses_another_organisations_user_as_if_it_did_not_exist(org):
    theirs = DirectoryEntry.objects.create(
        organisation=OrganisationFactory(), kind="user", name="X", extension="201"
    )
    with pytest.raises(ValidationError) as refused:
        _update(org, destination_kind="entry", destination_entry=theirs.pk)
    assert refused.value.message_dict == {
        "destination": ["Kies een gebruiker, belgroep of keuzemenu uit de lijst."]
    }


def test_it_says_the_same_as_the_page(admin_client, org):
    post = {"setting": "on", "destination_0": "external", "destination_1": "12345"}
    response = admin_client.post(reverse("pbx:night_mode"), post)
    assert response.status_code == 400 and WRONG_NUMBER in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        _update(org, destination_kind="external", destination_number="12345")
    assert refused.value.message_dict == {"destination": [WRONG_NUMBER]}


def test_it_shows_the_services_refusal_of_automatic_without_schedule_on_the_field(admin_client, org):
    response = admin_client.post(reverse("pbx:night_mode"), {"setting": "auto", "destination_0": "voicemail"})
    assert response.status_code == 400
    assert "Kies een tijdschema voor automatische nachtschakeling." in response.content.decode()
    assert not NightMode.objects.filter(organisation=org).exists()
