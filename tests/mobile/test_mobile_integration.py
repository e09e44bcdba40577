"""Business Voicemail end to end: the portal's service → on-commit task → Redis → a real Celery worker
(with beat) → the simulated studio → "Voicemail is klaar" and an e-mail.

Runs only with REDIS_URL and PostgreSQL (as CI: DATABASE_URL=postgres://…, REDIS_URL=redis://…): the worker
is a separate process, so the test commits its data (transaction=True) for it to see.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import transaction

from mobile import services
from mobile.models import VoicemailRequest, VoicemailStatus

from factories import OrganisationFactory
from mobile_factories import SubscriptionFactory

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_DB = 6  # the PBX integration tests use 8-15


def _skip_reason() -> str | None:
    missing = []
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL is not set")
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        missing.append("the database is not PostgreSQL (set DATABASE_URL=postgres://…)")
    return "needs a real worker, Redis and PostgreSQL: " + "; ".join(missing) if missing else None


SKIP_REASON = _skip_reason()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or ""),
    pytest.mark.django_db(transaction=True),
]


def _broker_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}{port}/{quote(db['NAME'], safe='')}"


def _flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def broker(settings):
    """This process queues on Redis instead of running tasks eagerly; restored afterwards."""
    import kombu.pools

    from een_portal.celery import app

    url = _broker_url()
    _flush(url)
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}

    def reset_pools() -> None:
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    reset_pools()
    yield url
    reset_pools()
    app.conf.update(saved)
    _flush(url)


@pytest.fixture
def worker(broker, tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_", "COV_"))}
    env.update(
        # The product's settings and beat schedule, only quicker: a studio that records in two
        # seconds, polled every second.
        DJANGO_SETTINGS_MODULE="een_portal.settings",
        PYTHONPATH=str(REPO),
        STUDIO_TURNAROUND_SECONDS="2",
        STUDIO_POLL_SECONDS="1",
        DATABASE_URL=_database_url(),
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="0",
        VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    command = [
        str(BIN / "celery"),
        "-A",
        "een_portal",
        "worker",
        "--beat",
        "--schedule",
        str(tmp_path / "beat"),
    ]
    command += ["--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip", "-n", "mobile@%h"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait(
            lambda: " ready." in log.read_text(errors="replace"), 30, lambda: log.read_text(errors="replace")
        )
        yield var_dir
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        print(log.read_text(errors="replace")[-4000:])


def _wait(predicate, timeout: float, detail=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s\n{detail()}")


def test_it_takes_a_request_all_the_way_to_voicemail_is_klaar(worker):
    organisation = OrganisationFactory(
        name="Bakkerij De Vries", has_mobile=True, notification_email="meldingen@bakkerij.example"
    )
    subscription = SubscriptionFactory(organisation=organisation, number="+31612345678")
    values = {
        "kind": "standard",
        "company_name": "Bakkerij De Vries",
        "person_name": "Sanne",
        "function": "eigenaar",
        "own_text": "",
        "language": "nl",
        "voice": "female",
    }
    with transaction.atomic():
        services.voicemail_requests_submit(
            organisation=organisation,
            changes=[services.VoicemailChange(subscription=subscription, values=values)],
        )

    def status() -> str:
        return VoicemailRequest.objects.with_scopes_disabled().get(subscription=subscription).status

    _wait(lambda: status() in (VoicemailStatus.SUBMITTED, VoicemailStatus.READY), 20)
    _wait(lambda: status() == VoicemailStatus.READY, 30)
    request = VoicemailRequest.objects.with_scopes_disabled().get(subscription=subscription)
    assert request.studio_reference.startswith(f"SIM-{request.pk}-1-")
    assert request.requested_at <= request.submitted_at <= request.ready_at
    mail_dir = worker / "mail"
    mails = _wait(lambda: list(mail_dir.glob("*.log")) if mail_dir.exists() else [], 20)
    text = "".join(path.read_text() for path in mails)
    assert "meldingen@bakkerij.example" in text
    assert "06 12345678" in text
    assert list(request.history.values_list("status", flat=True)) == ["ready", "submitted", "concept"]
