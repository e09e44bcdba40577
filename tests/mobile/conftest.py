"""Fixtures for the Mobiel tests."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mobile.models import SubscriptionKind

from mobile_factories import SubscriptionFactory


@pytest.fixture
def subscription(org):
    return SubscriptionFactory(organisation=org, number="+31612345678", user_name="Sanne de Vries")


@pytest.fixture
def data_only(org):
    return SubscriptionFactory(
        organisation=org, number="+31687654321", user_name="Tablet winkel", kind=SubscriptionKind.DATA_ONLY
    )


@pytest.fixture
def foreign_subscription(other_org):
    return SubscriptionFactory(organisation=other_org, number="+31699999999", user_name="Piet Jansen")


@pytest.fixture
def instant_studio():
    """The simulated studio records at once."""
    with override_settings(STUDIO_TURNAROUND_SECONDS=0):
        yield
