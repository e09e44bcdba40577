import json

import httpx
import pytest
from django.urls import reverse

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
    assert first["night_mode"]["destination"] == {"type": "extension", "value": "999"}


def test_it_bumps_the_revision_and_queues_one_push_on_commit(
    org, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("pbx.sync.tasks.push_config.delay", lambda org_id: queued.append(org_id))
    with django_capture_on_commit_callbacks(execute=True):
        config_changed(organisation=org)
        config_changed(organisation=org)
    sync = PbxSync.objects.get(organisation=org)
    assert (sync.desired_revision, sync.applied_revision) == (2, 0)
    assert sync.pending_since is not None
    assert queued == [org.pk, org.pk]


def _fake_pbx(monkeypatch, handler):
    from pbx.sync.client import PbxClient

    monkeypatch.setattr(
        tasks, "get_client", lambda: PbxClient("http://pbx.test", "t", transport=httpx.MockTransport(handler))
    )


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
    assert sync.applied_revision == 0 and sync.attempts == 1 and "niet bereikbaar" in sync.last_error
    html = admin_client.get(reverse("pbx:index")).content.decode()
    assert "Doorvoeren mislukt" in html and "Nu opnieuw proberen" in html


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
    queued = []
    monkeypatch.setattr("pbx.sync.tasks.push_config.delay", lambda org_id: queued.append(org_id))
    assert tasks.reconcile.apply().get() == 1
    assert queued == [org.pk]


def test_it_lets_staff_see_revisions_and_push(db):
    from django.test import Client

    from factories import OrganisationFactory, UserFactory

    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    organisation = OrganisationFactory()
    config_changed(organisation=organisation)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/admin/core/pbxsync/").content.decode()
    assert organisation.name in html
    sync = PbxSync.objects.get(organisation=organisation)
    response = client.post(
        "/admin/core/pbxsync/", {"action": "push_now", "_selected_action": [sync.pk]}, follow=True
    )
    assert response.status_code == 200
