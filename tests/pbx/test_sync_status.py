import json
from datetime import timedelta

import httpx
import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_scopes import get_scope

from core.models import PbxSync
from core.revision import config_changed
from pbx.simulator.validation import validate_config
from pbx.sync import render as config
from pbx.sync import tasks
from telephony import services as telephony_services

pytestmark = pytest.mark.django_db


def test_it_renders_a_valid_and_stable_document(org):
    telephony_services.call_barring_update(organisation=org, by=None, mobile=True)
    first = config.render(org)
    assert validate_config(first) == []
    assert json.dumps(first, sort_keys=False) == json.dumps(config.render(org), sort_keys=False)
    assert first["barring"]["mobile"] is True
    assert first["schema_version"] == 3
    assert first["night_mode"]["destination"] == {"type": "voicemail"}


def test_it_bumps_the_revision_and_queues_one_push_on_commit(
    org, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("pbx.sync.tasks.push_config.apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        config_changed(organisation=org)
        config_changed(organisation=org)
    sync = PbxSync.objects.get(organisation=org)
    assert (sync.desired_revision, sync.applied_revision) == (2, 0)
    assert sync.pending_since is not None
    # Queued at once: nothing waits in the broker (no countdown, no eta).
    assert [(kw["args"], kw["kwargs"]) for kw in queued] == [([org.pk], {}), ([org.pk], {})]
    assert not any("countdown" in kw or "eta" in kw for kw in queued)


def _fake_pbx(monkeypatch, handler):
    from pbx.sync.client import PbxClient

    monkeypatch.setattr(
        tasks, "get_client", lambda: PbxClient("http://pbx.test", "t", transport=httpx.MockTransport(handler))
    )


class FakePbx:
    """A PBX answering like the simulator: /health, and PUTs it keeps (or refuses while down)."""

    def __init__(self, monkeypatch, up=True):
        self.up = up
        self.puts = []
        self.health_checks = 0
        _fake_pbx(monkeypatch, self)

    def __call__(self, request):
        if request.url.path == "/health":
            self.health_checks += 1
        if not self.up:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok"})
        body = json.loads(request.content)
        self.puts.append(body)
        return httpx.Response(200, json={"applied_revision": body["revision"], "status": "applied"})


def _change_and_push(org):
    config_changed(organisation=org)
    return tasks.push_config.apply(args=[org.pk]).get()


def test_it_records_applied_revision_after_a_push(org, monkeypatch):
    config_changed(organisation=org)
    _fake_pbx(
        monkeypatch, lambda request: httpx.Response(200, json={"applied_revision": 1, "status": "applied"})
    )
    tasks.push_config.apply(args=[org.pk])
    sync = PbxSync.objects.get(organisation=org)
    assert (sync.applied_revision, sync.last_error) == (1, "")


def test_it_records_the_reason_in_dutch_when_the_pbx_is_down(admin_client, org, monkeypatch):
    config_changed(organisation=org)

    def down(request):
        raise httpx.ConnectError("refused")

    _fake_pbx(monkeypatch, down)
    tasks.push_config.apply(args=[org.pk])
    sync = PbxSync.objects.get(organisation=org)
    assert sync.applied_revision == 0 and sync.attempts == 1 and sync.last_error_code == "unavailable"
    html = admin_client.get(reverse("pbx:index")).content.decode()
    assert "Doorvoeren mislukt" in html and "Nu opnieuw proberen" in html
    assert "De centrale is niet bereikbaar" in html


def test_it_shows_pending_changes_with_live_polling(admin_client, org):
    config_changed(organisation=org)
    html = admin_client.get(reverse("pbx:sync_status")).content.decode()
    assert "Wijzigingen worden doorgevoerd" in html
    assert 'hx-trigger="every 2s"' in html


def test_it_shows_applied_without_polling(admin_client, org):
    html = admin_client.get(reverse("telephony:index")).content.decode()
    assert "Alle wijzigingen zijn doorgevoerd op de centrale" in html
    assert "hx-trigger" not in html


def test_it_reconciles_organisations_that_are_behind(org, other_org, monkeypatch):
    config_changed(organisation=org)
    PbxSync.objects.create(organisation=other_org, desired_revision=3, applied_revision=3)
    FakePbx(monkeypatch)
    queued = []
    monkeypatch.setattr("pbx.sync.tasks.push_config.delay", lambda org_id, **kw: queued.append(org_id))
    assert tasks.reconcile.apply().get() == 1
    assert queued == [org.pk]
    # The push is on its way: the next run (seconds later) does not queue it again.
    assert tasks.reconcile.apply().get() == 0


def test_a_push_that_finishes_while_reconcile_runs_is_not_left_with_a_claim(org, monkeypatch):
    """Reconcile reads who is behind, then claims them; a push that lands in between keeps its
    row clean (no next attempt): the page shows "doorgevoerd" and nothing waits on a stale claim."""
    from django.db import connection

    config_changed(organisation=org)
    monkeypatch.setattr("pbx.sync.tasks.push_config.delay", lambda org_id, **kw: None)
    landed = []

    def push_lands_after_the_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not landed and sql.lstrip().upper().startswith("SELECT") and "pbx_pbxsync" in sql.lower():
            landed.append(True)
            PbxSync.objects.filter(organisation=org).update(
                applied_revision=F("desired_revision"), next_attempt_at=None
            )
        return result

    with connection.execute_wrapper(push_lands_after_the_read):
        tasks.reconcile.apply().get()
    assert landed
    sync = PbxSync.objects.get(organisation=org)
    assert sync.applied_revision == sync.desired_revision
    assert sync.next_attempt_at is None


def test_it_counts_attempts_per_outage_not_per_change(org, monkeypatch):
    pbx = FakePbx(monkeypatch, up=False)
    results = [_change_and_push(org) for _ in range(20)]
    sync = PbxSync.objects.get(organisation=org)
    # The first push found the PBX down; the 19 changes after it wait for the next attempt instead of
    # each adding an attempt (and a longer delay).
    assert results == ["failed"] + ["waiting"] * 19
    assert sync.attempts == 1 and sync.desired_revision == 20
    assert sync.next_attempt_at is not None
    assert sync.next_attempt_at - timezone.now() <= timedelta(seconds=tasks.MAX_BACKOFF_SECONDS)
    assert sync.last_error_code == "unavailable"
    assert pbx.puts == []


def test_it_never_waits_longer_than_the_cap_between_attempts():
    delays = [tasks.backoff_seconds(attempts) for attempts in range(1, 200)]
    assert max(delays) <= tasks.MAX_BACKOFF_SECONDS <= 60
    assert delays[0] < 10


def test_it_starts_counting_again_after_a_push_gets_through(org, monkeypatch):
    pbx = FakePbx(monkeypatch, up=False)
    _change_and_push(org)
    PbxSync.objects.filter(organisation=org).update(next_attempt_at=timezone.now())
    tasks.push_config.apply(args=[org.pk], kwargs={"scheduled": True})
    assert PbxSync.objects.get(organisation=org).attempts == 2
    pbx.up = True
    tasks.push_config.apply(args=[org.pk], kwargs={"scheduled": True})
    sync = PbxSync.objects.get(organisation=org)
    assert (sync.applied_revision, sync.attempts, sync.next_attempt_at, sync.last_error) == (1, 0, None, "")
    assert sync.waiting_for_pbx is False


def test_it_pushes_as_soon_as_the_pbx_answers_again_without_waiting_out_the_backoff(org, monkeypatch):
    pbx = FakePbx(monkeypatch, up=False)
    _change_and_push(org)
    _change_and_push(org)  # A change during the outage.
    PbxSync.objects.filter(organisation=org).update(next_attempt_at=timezone.now() + timedelta(seconds=20))
    assert tasks.reconcile.apply().get() == 0  # Still down: the health check fails, nothing is pushed.
    assert pbx.health_checks == 1
    pbx.up = True
    assert tasks.reconcile.apply().get() == 1  # Back: pushed now, 20 s before the backoff said.
    sync = PbxSync.objects.get(organisation=org)
    assert (sync.applied_revision, sync.desired_revision, sync.last_error) == (2, 2, "")
    assert [put["revision"] for put in pbx.puts] == [2]


def test_it_leaves_a_pbx_that_answers_with_errors_to_the_backoff(org, monkeypatch):
    def failing(request):
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(503, json={"error": "busy"})

    _fake_pbx(monkeypatch, failing)
    _change_and_push(org)
    sync = PbxSync.objects.get(organisation=org)
    assert sync.attempts == 1 and sync.next_attempt_at > timezone.now() and not sync.waiting_for_pbx
    queued = []
    monkeypatch.setattr("pbx.sync.tasks.push_config.delay", lambda org_id, **kw: queued.append(org_id))
    assert tasks.reconcile.apply().get() == 0 and queued == []


def test_it_pushes_in_the_scope_of_the_organisation(org, monkeypatch):
    scopes = []

    def handler(request):
        scopes.append(dict(get_scope()))
        return httpx.Response(200, json={"applied_revision": 1, "status": "applied"})

    _fake_pbx(monkeypatch, handler)
    _change_and_push(org)
    assert scopes == [{"organisation": org, "_enabled": True}]


def test_it_lets_staff_see_revisions_and_the_push_action(staff_client):
    from factories import OrganisationFactory

    organisation = OrganisationFactory()
    config_changed(organisation=organisation)
    html = staff_client.get("/admin/core/pbxsync/").content.decode()
    assert organisation.name in html
    assert "push_now" in html


def test_it_lets_staff_push_now_also_when_the_portal_believes_it_is_in_sync(staff_client, monkeypatch):
    from factories import OrganisationFactory

    organisation = OrganisationFactory(has_telephony=True, has_pbx=True)
    sync = PbxSync.objects.create(organisation=organisation, desired_revision=4, applied_revision=4)
    pbx = FakePbx(monkeypatch)
    response = staff_client.post(
        "/admin/core/pbxsync/", {"action": "push_now", "_selected_action": [sync.pk]}, follow=True
    )
    assert response.status_code == 200
    # The PBX received the organisation's document under a new revision (it ignores one it already has).
    assert [(put["revision"], put["config"]["organisation"]["id"]) for put in pbx.puts] == [
        (5, organisation.pk)
    ]
    sync.refresh_from_db()
    assert (sync.desired_revision, sync.applied_revision) == (5, 5)
