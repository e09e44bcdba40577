"""Shared fixtures: two tenants, an administrator, a read-only member and an outsider."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled

from factories import (
    MembershipFactory,
    OrganisationFactory,
    PhoneNumberFactory,
    PortalClient,
    UserFactory,
    login,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache; one test's failed logins must not block the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_scope_in_test_code():
    # Test bodies set up and inspect data across tenants; requests still run scoped.
    with scopes_disabled():
        yield


@pytest.fixture
def org(db):
    organisation = OrganisationFactory(
        name="Bakkerij De Vries", has_telephony=True, has_pbx=True, has_mobile=True
    )
    for i in range(3):
        PhoneNumberFactory(organisation=organisation, number=f"+3120555{1000 + i:04d}")
    return organisation


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Jansen", has_mobile=True)


@pytest.fixture
def admin(org):
    return MembershipFactory(organisation=org, user__email="beheerder@bakkerij.example").user


@pytest.fixture
def readonly(org):
    return MembershipFactory(organisation=org, role="read_only", user__email="kijker@bakkerij.example").user


@pytest.fixture
def outsider(other_org):
    return MembershipFactory(organisation=other_org, user__email="beheerder@jansen.example").user


@pytest.fixture
def client():
    """pytest-django's client, posting like the portal's pages (with the organisation claim)."""
    return PortalClient()


@pytest.fixture
def admin_client(admin):
    return login(admin)


@pytest.fixture
def readonly_client(readonly):
    return login(readonly)


@pytest.fixture
def outsider_client(outsider):
    return login(outsider)


@pytest.fixture
def staff(db):
    # An operator: staff and superuser, with the authenticator app the admin requires.
    return UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff):
    return login(staff)
