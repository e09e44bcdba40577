import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.middleware import SESSION_ACTIVE_AT, SESSION_LOGIN_AT

from factories import PASSWORD, login

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_it_logs_in_with_email_and_password_and_lands_on_the_first_product_tab(admin):
    client = Client()
    response = _login(client, admin.email)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("pbx:index")
    assert "Bakkerij De Vries" in response.content.decode()


def test_it_refuses_a_wrong_password_with_a_dutch_message(admin):
    response = _login(Client(), admin.email, "verkeerd-wachtwoord")
    assert response.status_code == 200
    assert "Het e-mailadres of wachtwoord klopt niet" in response.content.decode()


def test_it_logs_out_on_post(admin_client):
    response = admin_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert admin_client.get(reverse("organisation_settings")).status_code == 302


def test_it_rate_limits_failed_logins(admin):
    client = Client()
    for _ in range(5):
        _login(client, admin.email, "fout-wachtwoord")
    response = _login(client, admin.email, PASSWORD)
    assert "Te veel mislukte inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_answers_a_reset_request_the_same_for_unknown_addresses(admin):
    known = Client().post(reverse("account_reset_password"), {"email": admin.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "niemand@nergens.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox if "Wachtwoord" in m.subject or "wachtwoord" in m.body] != []


def _reset_link() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^\s]+/account/password/reset/key/[^\s]+", body)
    assert match, body
    return match.group(0).removeprefix(settings.PORTAL_URL)


def test_it_resets_a_password_through_the_one_time_link(admin):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": admin.email})
    link = _reset_link()
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(
        form_url, {"password1": "Nieuw-Wachtwoord-2026", "password2": "Nieuw-Wachtwoord-2026"}
    )
    assert response.status_code == 302
    assert _login(Client(), admin.email, "Nieuw-Wachtwoord-2026").status_code == 302
    # The link works once.
    again = Client().get(link, follow=True)
    assert "password1" not in again.content.decode()


def test_it_rate_limits_reset_mails_for_one_address(admin):
    for _ in range(5):
        Client().post(reverse("account_reset_password"), {"email": admin.email})
    assert len(mail.outbox) == 3


def test_it_ends_a_session_after_30_minutes_idle(admin_client):
    session = admin_client.session
    session[SESSION_ACTIVE_AT] = time.time() - 31 * 60
    session.save()
    response = admin_client.get(reverse("organisation_settings"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_ends_a_session_after_12_hours_even_when_active(admin_client):
    session = admin_client.session
    session[SESSION_LOGIN_AT] = time.time() - 12 * 3600 - 60
    session.save()
    response = admin_client.get(reverse("organisation_settings"))
    assert response.status_code == 302


def test_it_keeps_an_active_session(admin_client):
    session = admin_client.session
    session[SESSION_ACTIVE_AT] = time.time() - 20 * 60
    session.save()
    assert admin_client.get(reverse("organisation_settings")).status_code == 200


def test_it_ends_other_sessions_when_the_password_changes(admin):
    laptop, phone = Client(), Client()
    _login(laptop, admin.email)
    _login(phone, admin.email)
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Nog-Een-Wachtwoord-9", "password2": "Nog-Een-Wachtwoord-9"},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("organisation_settings")).status_code == 200
    assert phone.get(reverse("organisation_settings")).status_code == 302


def test_it_requires_the_current_password_to_change_it(admin_client):
    response = admin_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "niet-goed",
            "password1": "Nog-Een-Wachtwoord-9",
            "password2": "Nog-Een-Wachtwoord-9",
        },
    )
    assert response.status_code == 200
    assert "huidige wachtwoord" in response.content.decode().lower()


def test_it_logs_a_deactivated_account_out_everywhere(admin_client, readonly):
    readonly_session = login(readonly)
    assert readonly_session.get(reverse("organisation_settings")).status_code == 200
    membership = readonly.memberships.get()
    admin_client.post(reverse("member_deactivate", args=[membership.pk]))
    assert readonly_session.get(reverse("organisation_settings")).status_code == 302
    assert _login(Client(), readonly.email)["Location"] == reverse("account_inactive")
