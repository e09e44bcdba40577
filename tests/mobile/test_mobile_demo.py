"""The demo data of the Mobiel tab."""

from __future__ import annotations

import pytest

from mobile import demo
from mobile.models import MobileDefaults, Subscription, SubscriptionKind, VoicemailRequest, VoicemailStatus

pytestmark = pytest.mark.django_db


def _snapshot() -> list:
    return [
        Subscription.objects.count(),
        VoicemailRequest.objects.count(),
        MobileDefaults.objects.count(),
        Subscription.history.count(),
        VoicemailRequest.history.count(),
    ]


def test_it_loads_25_subscriptions_and_requests_in_every_status(org, other_org):
    demo.load({"bakkerij": org, "jansen": other_org})
    mine = Subscription.objects.filter(organisation=org)
    assert mine.count() == 25
    assert mine.filter(kind=SubscriptionKind.DATA_ONLY).count() == 3
    statuses = set(VoicemailRequest.objects.filter(organisation=org).values_list("status", flat=True))
    assert statuses == set(VoicemailStatus.values)
    assert not VoicemailRequest.objects.filter(subscription__kind=SubscriptionKind.DATA_ONLY).exists()
    assert Subscription.objects.filter(organisation=other_org).exists()
    assert VoicemailRequest.objects.filter(organisation=other_org).exists()
    for subscription in Subscription.objects.all():
        subscription.full_clean()
    for request in VoicemailRequest.objects.select_related("subscription"):
        request.full_clean()


def test_it_is_idempotent(org, other_org):
    demo.load({"bakkerij": org, "jansen": other_org})
    before = _snapshot()
    demo.load({"bakkerij": org, "jansen": other_org})
    assert _snapshot() == before
