"""Mijn gegevens → API-sleutels: a key is shown once, stored hashed, expires, is revoked, notes its use."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from conftest_api import TokenClient, token_for
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership
from api.models import ApiToken
from core.models import ChangeRecord

from factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/mijn-gegevens/api-sleutels/"


def _make(client, **data):
    return client.post(URL, {"name": "Koppeling HR", **data})


def test_a_new_key_is_shown_once_and_stored_only_as_a_hash(admin_client, org):
    response = _make(admin_client, organisation=org.pk)
    assert response.status_code == 200
    page = response.content.decode()
    raw = response.context["raw_token"]
    assert raw.startswith("een_") and raw in page
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())  # not stored anywhere in the row
    again = admin_client.get(URL).content.decode()
    assert raw not in again and f"een_{token.prefix}_" in again and "Koppeling HR" in again
    assert TokenClient(raw).get("/api/v1/sync-status/").status_code == 200
    assert ChangeRecord.objects.filter(organisation=org, summary="API key created", by=token.user).exists()


def test_the_key_works_only_for_the_organisation_it_was_made_for(admin, org):
    second = OrganisationFactory(name="Tweede", has_pbx=True)
    MembershipFactory(organisation=second, user=admin)
    raw = token_for(admin, second)
    body = TokenClient(raw).get("/api/v1/hunt-groups/").json()
    assert body["count"] == 0
    with scopes_disabled():
        assert ApiToken.objects.get().organisation == second


def test_a_key_can_only_be_made_for_ones_own_organisations(admin_client, other_org):
    response = _make(admin_client, organisation=other_org.pk)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_expired_key_stops_working(admin, org):
    raw = token_for(admin, org, expires_at=timezone.now() + timedelta(days=1))
    api = TokenClient(raw)
    assert api.get("/api/v1/sync-status/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/sync-status/").status_code == 401


def test_an_expiry_in_the_past_is_refused(admin_client, org):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = _make(admin_client, organisation=org.pk, expires_on=yesterday)
    assert response.status_code == 400
    assert "toekomst" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_key_stops_working_at_once(admin_client, admin, org):
    raw = token_for(admin, org)
    api = TokenClient(raw)
    assert api.get("/api/v1/sync-status/").status_code == 200
    token = ApiToken.objects.get()
    assert admin_client.post(f"{URL}{token.pk}/intrekken/").status_code == 302
    assert api.get("/api/v1/sync-status/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Ingetrokken" in admin_client.get(URL).content.decode()


def test_another_accounts_key_cannot_be_revoked(readonly_client, admin, org):
    token_for(admin, org)
    token = ApiToken.objects.get()
    assert readonly_client.post(f"{URL}{token.pk}/intrekken/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_last_use_is_noted(admin_client, admin, org):
    raw = token_for(admin, org)
    assert "Nooit" in admin_client.get(URL).content.decode()
    TokenClient(raw).get("/api/v1/sync-status/")
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < timedelta(minutes=1)
    assert "Nooit" not in admin_client.get(URL).content.decode()


def test_a_read_only_member_makes_a_key_that_only_reads(readonly_client, org):
    response = _make(readonly_client, organisation=org.pk)
    assert response.status_code == 200
    api = TokenClient(response.context["raw_token"])
    assert api.get("/api/v1/night-mode/").status_code == 200
    assert api.send("PATCH", "/api/v1/night-mode/", {"setting": "on"}).status_code == 403


def test_a_key_follows_its_owners_role_and_membership(admin, org):
    raw = token_for(admin, org)
    api = TokenClient(raw)
    with scopes_disabled():
        Membership.objects.filter(user=admin, organisation=org).update(role="read_only")
    assert api.send("PATCH", "/api/v1/night-mode/", {"setting": "on"}).status_code == 403
    with scopes_disabled():
        Membership.objects.filter(user=admin, organisation=org).update(is_active=False)
    assert api.get("/api/v1/night-mode/").status_code == 401


def test_a_tampered_key_is_refused(admin, org):
    raw = token_for(admin, org)
    assert (
        TokenClient(raw[:-1] + ("A" if raw[-1] != "A" else "B")).get("/api/v1/sync-status/").status_code
        == 401
    )
    assert TokenClient("een_zz").get("/api/v1/sync-status/").status_code == 401
    assert TokenClient("ÿ").get("/api/v1/sync-status/").status_code == 401
