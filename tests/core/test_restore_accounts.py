"""Terugzetten for portal accounts (issue 14): a membership's role and access through the members
page's services, so the last Beheerder rule still holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Role
from core.models import ChangeRecord

from factories import MembershipFactory, login

pytestmark = pytest.mark.django_db


def _latest(org) -> ChangeRecord:
    return ChangeRecord.objects.filter(organisation=org).latest("at", "pk")


def _restore(client, change, membership):
    return client.post(
        reverse("history:restore", args=[change.pk]),
        {"object": f"accounts.membership:{membership.pk}"},
        follow=True,
    )


@pytest.fixture
def colleague(org):
    return MembershipFactory(organisation=org, user__email="els@bakkerij.example", user__first_name="Els")


def test_it_puts_back_a_role_from_the_members_page_and_shows_it_as_an_account_change(
    admin_client, org, admin, colleague
):
    services.membership_set_role(membership=colleague, role=Role.READ_ONLY, by=admin)
    change = _latest(org)
    section = admin_client.get(reverse("history:object"), {"kind": "accounts.membership"}).content.decode()
    assert "Rol: Beheerder → Alleen lezen" in section and "history-restore" in section

    response = _restore(admin_client, change, colleague)

    assert "Teruggezet zoals het was vóór deze wijziging." in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.role == Role.ADMIN
    restored = _latest(org)
    assert restored.summary == "Restored to an earlier state" and restored.by == admin
    security = admin_client.get(reverse("history:index"), {"kind": "security"}).content.decode()
    assert "Teruggezet naar een eerdere stand" in security and "Rol: Alleen lezen → Beheerder" in security


def test_it_gives_access_back_to_a_deactivated_account(admin_client, org, admin, colleague):
    services.membership_deactivate(membership=colleague, by=admin)
    change = _latest(org)
    assert not Membership.objects.get(pk=colleague.pk).user.is_active

    _restore(admin_client, change, colleague)

    colleague.refresh_from_db()
    assert colleague.is_active and colleague.user.is_active


def test_it_refuses_to_put_back_a_role_that_leaves_no_administrator_and_says_why(org, admin):
    els = MembershipFactory(organisation=org, role=Role.READ_ONLY, user__email="els@bakkerij.example")
    services.membership_set_role(membership=els, role=Role.ADMIN, by=admin)
    promoted = _latest(org)
    mine = Membership.objects.get(organisation=org, user=admin)
    services.membership_set_role(membership=mine, role=Role.READ_ONLY, by=els.user)  # Els is the last one now

    refused = _restore(login(els.user), promoted, els)

    assert (
        "Terugzetten is niet gelukt: Dit is de laatste beheerder. Maak eerst iemand anders beheerder."
        in refused.content.decode()
    )
    els.refresh_from_db()
    assert els.role == Role.ADMIN


def test_it_refuses_to_deactivate_the_own_account_with_the_reason(admin_client, org, admin, colleague):
    mine = Membership.objects.get(organisation=org, user=admin)
    services.membership_deactivate(membership=mine, by=colleague.user)
    services.membership_reactivate(membership=mine, by=colleague.user)
    change = _latest(org)

    refused = _restore(admin_client, change, mine)

    assert "U kunt uw eigen account niet deactiveren" in refused.content.decode()
    mine.refresh_from_db()
    assert mine.is_active


def test_it_lets_a_read_only_member_see_role_changes_but_not_restore_them(
    readonly_client, outsider_client, org, admin, colleague
):
    services.membership_set_role(membership=colleague, role=Role.READ_ONLY, by=admin)
    change = _latest(org)
    section = readonly_client.get(reverse("history:object"), {"kind": "accounts.membership"}).content.decode()
    assert "Beheerder → Alleen lezen" in section and "history-restore" not in section

    assert _restore(readonly_client, change, colleague).status_code == 403
    assert _restore(outsider_client, change, colleague).status_code == 404
    colleague.refresh_from_db()
    assert colleague.role == Role.READ_ONLY
