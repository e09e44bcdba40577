"""Login limits, two-factor login for operator staff, and the headers of logged-in pages."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import threading

import pytest
from allauth.account import adapter as allauth_adapter
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

TOO_MANY = "Te veel mislukte inlogpogingen"
PROXY = "10.0.0.2"


def _client(ip: str) -> Client:
    """A browser at `ip`, reaching the portal through the reverse proxy at PROXY."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip)


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def behind_proxy(settings):
    # The allauth settings that BEHIND_PROXY=1 gives in production.
    for name, value in _production_settings(BEHIND_PROXY="1").items():
        if name.startswith("ALLAUTH_"):
            setattr(settings, name, value)


def test_it_counts_failed_logins_per_client_behind_the_proxy(behind_proxy, admin, readonly):
    attacker = _client("203.0.113.5")
    for i in range(12):
        _login(attacker, f"geraden{i}@bakkerij.example", "fout-wachtwoord")
    assert TOO_MANY in _login(attacker, readonly.email).content.decode()
    customer = _client("198.51.100.7")
    _login(customer, admin.email)
    assert _logged_in(customer)


def test_it_keeps_a_wrong_password_from_one_client_from_locking_the_account_for_others(behind_proxy, admin):
    attacker = _client("203.0.113.5")
    for _ in range(6):
        _login(attacker, admin.email, "fout-wachtwoord")
    # The guesser stays locked out, even with the right password ...
    response = _login(attacker, admin.email)
    assert TOO_MANY in response.content.decode()
    assert not _logged_in(attacker)
    # ... the account's owner, elsewhere, is not.
    owner = _client("198.51.100.7")
    _login(owner, admin.email)
    assert _logged_in(owner)


def test_it_locks_an_address_for_everyone_after_30_failures_from_many_clients(behind_proxy, admin):
    for i in range(30):
        _login(_client(f"203.0.113.{i // 5 + 1}"), admin.email, "fout-wachtwoord")
    owner = _client("198.51.100.7")
    response = _login(owner, admin.email)
    assert TOO_MANY in response.content.decode()
    assert not _logged_in(owner)


def test_it_never_counts_a_correct_password_as_a_failure(admin):
    for _ in range(8):
        client = Client()
        _login(client, admin.email)
        assert _logged_in(client)
    client = Client()
    for _ in range(4):
        _login(client, admin.email, "fout-wachtwoord")
    _login(client, admin.email)
    assert _logged_in(client)


@pytest.mark.django_db(transaction=True)
def test_it_lets_eight_simultaneous_logins_with_the_right_password_in(admin, monkeypatch):
    # Eight people of one team log in with the shared account at the same moment: all eight
    # are inside the password check at once (the barrier), none is refused.
    barrier = threading.Barrier(8, timeout=3)
    check_password = allauth_adapter.authenticate

    def authenticate(request, **credentials):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return check_password(request, **credentials)

    monkeypatch.setattr(allauth_adapter, "authenticate", authenticate)
    results: list[object] = []

    def attempt() -> None:
        request = RequestFactory().post(reverse("account_login"), REMOTE_ADDR="192.0.2.10")
        try:
            results.append(get_adapter(request).authenticate(request, email=admin.email, password=PASSWORD))
        except Exception as error:  # the refusal is a ValidationError
            results.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [getattr(r, "pk", r) for r in results] == [admin.pk] * 8


def test_it_lifts_the_limit_of_an_address_after_a_password_reset(admin):
    client = Client()
    for _ in range(5):
        _login(client, admin.email, "fout-wachtwoord")
    assert TOO_MANY in _login(client, admin.email).content.decode()
    get_adapter()._delete_login_attempts_cached_email(
        RequestFactory().post("/", REMOTE_ADDR="127.0.0.1"), email=admin.email
    )
    _login(client, admin.email)
    assert _logged_in(client)


def test_it_sends_nothing_for_a_reset_request_of_an_unknown_address(db):
    response = Client().post(reverse("account_reset_password"), {"email": "niemand@nergens.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


def test_it_tells_browsers_not_to_keep_pages_behind_the_login(admin_client):
    for url in (reverse("organisation_settings"), reverse("profile"), reverse("pbx:index")):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_it_sends_staff_without_an_authenticator_to_set_one_up_before_any_admin_page(db):
    staff = UserFactory(email="nieuw@operator.example", is_staff=True, is_superuser=True, authenticator=False)
    client = Client()
    _login(client, staff.email)
    for url in (reverse("admin:index"), reverse("admin:accounts_organisation_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("admin:index"), follow=True)
    assert "Operatoraccounts moeten in twee stappen inloggen" in page.content.decode()
    # allauth asks for the password once more before an authenticator is added.
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_it_asks_staff_for_the_authenticator_code_before_the_admin(staff):
    client = Client()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.post(
        reverse("account_login") + "?next=" + reverse("admin:index"),
        {"login": staff.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    # The password alone is not enough.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_lets_staff_with_an_authenticator_into_the_admin(staff_client):
    assert staff_client.get(reverse("admin:index")).status_code == 200


@functools.cache
def _production_settings(**extra: str) -> dict[str, object]:
    """Settings as production computes them from its environment (in a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECURE_COOKIES", "BEHIND_PROXY", "DEBUG"}}
    env.update({"VAR_DIR": str(settings.VAR_DIR), **extra})
    names = [
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
    ]
    script = (
        "import json; import een_portal.settings as settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def test_it_trusts_the_proxy_and_forces_https_only_behind_one():
    production = _production_settings(BEHIND_PROXY="1", SECURE_COOKIES="1")
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["SECURE_SSL_REDIRECT"] is True
    for plain_http in (
        _production_settings(SECURE_COOKIES="0"),
        _production_settings(DATABASE_URL="sqlite://"),
    ):
        assert plain_http["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
        assert plain_http["SECURE_HSTS_SECONDS"] == 0
        assert plain_http["SECURE_SSL_REDIRECT"] is False
