import pytest
from django.urls import reverse

from factories import PhoneNumberFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Bakkerij De Vries & Zn",
    "contact_email": "info@devries.example",
    "notification_email": "meldingen@devries.example",
    "language": "nl",
    "time_zone": "Europe/Amsterdam",
}


def test_it_saves_the_general_settings(admin_client, org):
    contact_before = org.contact_email
    response = admin_client.post(reverse("organisation_settings"), VALID, follow=True)
    assert "Wijzigingen opgeslagen" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Bakkerij De Vries & Zn"
    saved, before = org.history.all()[:2]
    delta = saved.diff_against(before, excluded_fields=["version"])
    assert {change.field: (change.old, change.new) for change in delta.changes} == {
        "name": ("Bakkerij De Vries", "Bakkerij De Vries & Zn"),
        "contact_email": (contact_before, "info@devries.example"),
        "notification_email": ("", "meldingen@devries.example"),
    }


def test_it_refuses_bad_input_in_dutch_and_keeps_what_was_saved(admin_client, org):
    response = admin_client.post(
        reverse("organisation_settings"),
        {**VALID, "name": " ", "contact_email": "geen-adres", "time_zone": "Mars/Base"},
    )
    html = response.content.decode()
    assert "Vul de naam van de organisatie in." in html
    assert "Voer een geldig e-mailadres in." in html
    assert "Selecteer een geldige keuze" in html
    org.refresh_from_db()
    assert org.name == "Bakkerij De Vries"


def test_it_lists_the_number_pool_with_free_numbers(admin_client):
    html = admin_client.get(reverse("organisation_settings")).content.decode()
    assert "020 555 1000" in html
    assert "De organisatie heeft 3 nummers; 3 vrij." in html


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_numbers(
    admin_client, org, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        admin_client.get(reverse("organisation_settings"))
    for i in range(40):
        PhoneNumberFactory(organisation=org, number=f"+3120666{i:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("organisation_settings"))


def test_it_shows_a_read_only_account_the_settings_without_a_save_button(readonly_client):
    html = readonly_client.get(reverse("organisation_settings")).content.decode()
    assert "<fieldset disabled>" in html
    assert ">Opslaan</button>" not in html
    assert readonly_client.post(reverse("organisation_settings"), VALID).status_code == 403
