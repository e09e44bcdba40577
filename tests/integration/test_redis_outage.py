"""Redis (the cache with the login rate limits, and the broker) down: every page keeps answering, and what is
saved meanwhile reaches the PBX once Redis is back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from core.models import PbxSync
from telephony.models import CallBarring
from telephony.services import call_barring_update

from factories import PASSWORD, MembershipFactory, OrganisationFactory
from integration_support import RedisServer, Simulator, Worker, free_port, services_missing, wait_until

pytestmark = pytest.mark.integration

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def redis_cache(url: str) -> dict[str, Any]:
    """The production cache setting (een_portal/settings.py), on the given Redis."""
    return {
        "default": {
            "BACKEND": "core.cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def save_mobile_barring(client: Client) -> Any:
    """Ticks "Mobiele nummers" on the Telefoon page and saves, with the hidden fields the page's form carries."""
    page = client.get(reverse("telephony:index"))
    assert page.status_code == 200
    form = dict(HIDDEN_INPUT.findall(page.content.decode()))
    return client.post(reverse("telephony:index"), {**form, "mobile": "on"})


@pytest.mark.django_db
def test_a_login_works_and_stays_rate_limited_when_the_cache_cannot_reach_redis(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")  # Nothing listens there.
    organisation = OrganisationFactory(has_telephony=True)
    user = MembershipFactory(organisation=organisation, user__email="beheerder@bakkerij.example").user

    response = log_in(Client(), user.email)
    assert response.status_code == 302
    assert "Redis cache unreachable" in caplog.text

    # The failed-login limit still holds (in the process's memory) while Redis is away.
    client = Client()
    for _ in range(5):
        assert log_in(client, user.email, "fout-wachtwoord").status_code == 200
    response = log_in(client, user.email)
    assert "Te veel mislukte inlogpogingen" in response.content.decode()


@pytest.mark.django_db
def test_saves_with_the_broker_down_do_not_wait_for_it_one_after_another(
    use_broker: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("core.revision._broker_down_until", 0.0)
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # Nothing listens there.
    organisation = OrganisationFactory(has_telephony=True, has_pbx=True)
    took = []
    for blocked in (True, False, True):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            call_barring_update(organisation=organisation, by=None, mobile=blocked)
        took.append(time.monotonic() - started)
    assert PbxSync.objects.get(organisation=organisation).desired_revision == 3  # Every save kept.
    assert caplog.text.count("Could not queue PBX push") == 1
    # Only the first save paid for finding the broker down; reconcile pushes the others once it is back.
    assert max(took[1:]) < 0.5, took
    assert caplog.text.count("left to reconcile") == 2


@pytest.mark.skipif(services_missing() is not None, reason=services_missing() or "")
@pytest.mark.django_db(transaction=True)
def test_a_login_and_a_save_work_while_redis_is_down_and_reach_the_pbx_once_it_is_back(
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    use_broker: Callable[[str], None],
    start_redis: Callable[[], RedisServer],
    start_simulator: Callable[..., Simulator],
    start_worker: Callable[..., Worker],
) -> None:
    organisation: Organisation = OrganisationFactory(has_telephony=True, has_pbx=True)
    user = MembershipFactory(organisation=organisation, user__email="beheerder@bakkerij.example").user
    redis = start_redis()
    simulator = start_simulator()
    worker = start_worker(redis.url, simulator.url)
    use_broker(redis.url)
    settings.CACHES = redis_cache(redis.url)
    monkeypatch.setattr("core.revision._broker_down_until", 0.0)

    redis.stop()  # Cache and broker gone.
    client = Client()
    started = time.monotonic()
    assert log_in(client, user.email).status_code == 302
    response = save_mobile_barring(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    elapsed = time.monotonic() - started
    assert CallBarring.objects.get(organisation=organisation).mobile is True
    assert "Could not queue PBX push" in caplog.text
    assert elapsed < 5, f"login and save took {elapsed:.1f} s with Redis down"
    assert client.get(reverse("telephony:index")).status_code == 200

    redis.start()  # Empty: the push queued meanwhile was never there; reconcile pushes it.
    sync = wait_until(
        lambda: (
            (s := PbxSync.objects.get(organisation=organisation)).applied_revision == s.desired_revision
            and s.desired_revision >= 1
            and s
        ),
        timeout=30,
        message=lambda: f"the save made while Redis was down to reach the PBX\n{worker.tail(40)}",
    )
    stored = simulator.applied(organisation.pk)
    assert stored is not None and stored["revision"] == sync.desired_revision
    assert stored["config"]["barring"]["mobile"] is True
    assert worker.process is not None and worker.process.poll() is None
