import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_changes_own_name_and_language(readonly_client, readonly):
    response = readonly_client.post(
        reverse("profile"), {"first_name": "Kees", "last_name": "Kijker", "language": "en"}, follow=True
    )
    assert "Changes saved." in response.content.decode()
    readonly.refresh_from_db()
    assert (readonly.first_name, readonly.language) == ("Kees", "en")


def test_it_speaks_dutch_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Wachtwoord vergeten?" in response.content.decode()
    assert response["Content-Language"] == "nl"


def test_it_switches_to_english_and_back_before_login(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert "Forgot your password?" in client.get(reverse("account_login")).content.decode()
    client.post(reverse("set_language"), {"language": "nl"})
    assert "Wachtwoord vergeten?" in client.get(reverse("account_login")).content.decode()


def test_it_remembers_the_language_on_the_account(admin_client, admin):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/instellingen/"})
    admin.refresh_from_db()
    assert admin.language == "en"
    fresh = Client()
    fresh.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert ">Settings</a>" in fresh.get(reverse("organisation_settings")).content.decode()


def test_it_ignores_an_unknown_language_and_an_external_next(admin_client, admin):
    response = admin_client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    admin.refresh_from_db()
    assert admin.language == "nl"


def test_it_lets_staff_into_the_admin_through_the_portal_login(db):
    from factories import UserFactory, totp_code

    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    anonymous = Client().get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("account_login"))
    client = Client()
    client.post(reverse("account_login"), {"login": staff.email, "password": "demo-portaal"})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    for url in [
        "/admin/",
        "/admin/accounts/organisation/",
        "/admin/accounts/phonenumber/add/",
        "/admin/accounts/membership/",
        "/admin/accounts/user/",
    ]:
        assert client.get(url).status_code == 200, url


def test_it_keeps_customers_out_of_the_admin(admin_client):
    assert admin_client.get("/admin/", follow=True).status_code == 403


def test_it_lets_staff_add_a_phone_number_in_e164_only(db):
    from factories import OrganisationFactory, UserFactory

    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    organisation = OrganisationFactory()
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    client.post(
        "/admin/accounts/phonenumber/add/", {"organisation": organisation.pk, "number": "020-7654321"}
    )
    from accounts.models import PhoneNumber

    assert PhoneNumber.objects.get().number == "+31207654321"
    response = client.post(
        "/admin/accounts/phonenumber/add/", {"organisation": organisation.pk, "number": "12"}
    )
    assert "geldig telefoonnummer" in response.content.decode()


def test_it_gives_an_organisation_made_by_staff_the_builtin_schedule(db):
    from schedules.models import TimeSchedule

    from factories import UserFactory

    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    data = {
        "name": "Nieuwe Klant BV",
        "contact_email": "",
        "notification_email": "",
        "language": "nl",
        "time_zone": "Europe/Amsterdam",
        "has_pbx": "on",
        "phone_numbers-TOTAL_FORMS": "0",
        "phone_numbers-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/accounts/organisation/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TimeSchedule.objects.filter(organisation__name="Nieuwe Klant BV", is_builtin=True).count() == 1
