"""Every mail the portal sends: formal Dutch or English by the account's language, signed with
the portal's name, linking to the portal's own address (PORTAL_URL), not the request's host."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from factories import MembershipFactory, login

PORTAL_URL = "https://beheer.een.example"
INFORMAL = re.compile(r"\b(je|jij|jouw|jou)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _portal_url(settings):
    settings.PORTAL_URL = PORTAL_URL


def _link(body: str) -> str:
    match = re.search(re.escape(PORTAL_URL) + r"/[^\s]+", body)
    assert match, body
    return match.group(0)


def _path(link: str) -> str:
    return link.removeprefix(PORTAL_URL)


def _ask_reset(email: str, client: Client | None = None) -> mail.EmailMessage:
    client = client or Client()
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    return mail.outbox[-1]


def test_it_mails_a_dutch_account_a_formal_dutch_reset_mail_with_a_working_link(admin):
    message = _ask_reset(admin.email)
    text = message.subject + "\n" + message.body
    assert "Hallo van" not in text and "Hello from" not in text
    assert not INFORMAL.search(text), text
    assert " uw " in text and "ÉÉN beheerportaal" in message.body
    assert "wachtwoord" in message.subject.lower()

    client = Client()
    page = client.get(_path(_link(message.body)), follow=True)
    assert "Kies een nieuw wachtwoord" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": "Nieuw-Wachtwoord-2026", "password2": "Nieuw-Wachtwoord-2026"})
    assert done.status_code == 302
    assert Client().login(email=admin.email, password="Nieuw-Wachtwoord-2026")


def test_it_mails_an_english_account_in_english_whatever_the_browser_says(admin):
    admin.language = "en"
    admin.save()
    client = Client(headers={"accept-language": "nl"})
    message = _ask_reset(admin.email, client)
    assert "Choose a new password" in message.subject
    assert "Choose your new password with this link" in message.body
    assert message.body.startswith("Hello,") and "Kind regards,\nÉÉN beheerportaal" in message.body
    assert "wachtwoord" not in message.body.lower()


def test_it_mails_a_dutch_account_in_dutch_when_the_request_is_english(admin):
    client = Client()
    client.cookies["portal_language"] = "en"
    message = _ask_reset(admin.email, client)
    assert "Kies uw nieuwe wachtwoord" in message.body


def test_it_shows_the_reset_pages_in_formal_dutch(db):
    client = Client()
    form = client.get(reverse("account_reset_password")).content.decode()
    done = client.get(reverse("account_reset_password_done")).content.decode()
    bad = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "ongeldig"}), follow=True
    ).content.decode()
    for page in (form, done, bad):
        visible = re.sub(r"<[^>]+>", " ", page)
        assert not INFORMAL.search(visible), visible
    assert "Vul het e-mailadres van uw account in" in form
    assert "Kijk in uw e-mail" in done
    assert "Deze link werkt niet meer" in bad


def test_it_confirms_a_new_email_address_with_a_formal_dutch_mail_and_a_working_link(admin):
    client = login(admin)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "nieuw@bakkerij.example"})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["nieuw@bakkerij.example"]
    assert "Bevestig uw e-mailadres" in message.subject
    assert not INFORMAL.search(message.body) and "ÉÉN beheerportaal" in message.body
    link = _link(message.body)
    page = client.get(_path(link))
    assert "Bevestig dat" in page.content.decode()
    client.post(_path(link))
    assert admin.emailaddress_set.get(email="nieuw@bakkerij.example").verified


def test_it_links_the_invitation_to_the_portal_address(admin_client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("members"), {"email": "nieuw@bakkerij.example", "role": "admin", "_organisation": org.pk}
        )
    message = mail.outbox[-1]
    assert message.to == ["nieuw@bakkerij.example"]
    link = _link(message.body)
    assert Client().get(_path(link)).status_code == 200
    assert "ÉÉN beheerportaal" in message.body


def test_it_writes_the_invitation_of_an_english_account_in_english(
    admin_client, org, other_org, django_capture_on_commit_callbacks
):
    english = MembershipFactory(
        organisation=other_org, user__email="partner@it.example", user__language="en"
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("members"), {"email": english.email, "role": "admin", "_organisation": org.pk}
        )
    assert "You have been invited" in mail.outbox[-1].subject


def test_it_shows_the_account_pages_in_formal_dutch(admin):
    client = login(admin)
    client.post(reverse("account_email"), {"action_add": "", "email": "nieuw@bakkerij.example"})
    pages = {
        url: client.get(url).content.decode()
        for url in (reverse("account_email"), reverse("account_logout"), reverse("account_reauthenticate"))
    }
    for url, page in pages.items():
        main = page[page.index("<main") : page.index("</main>")]
        visible = re.sub(r"<[^>]+>", " ", main)
        assert not INFORMAL.search(visible), (url, visible)
        # Strict CSP: no inline style on these pages.
        assert "style=" not in main, url
    assert "nieuw@bakkerij.example" in pages[reverse("account_email")]
    assert "Wilt u afmelden?" in pages[reverse("account_logout")]
    assert "Bevestig dat u het bent" in pages[reverse("account_reauthenticate")]
