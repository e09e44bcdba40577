"""API tests: clients that send a personal token (curl-like: no cookies, no CSRF, no claim)."""

from __future__ import annotations

import pytest
from django.test import Client

from api.tokens import token_create


class TokenClient(Client):
    """Sends every request with `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token: str | None, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)
        self.token = token

    def request(self, **request):
        if self.token:
            request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return super().request(**request)

    def send(self, method: str, path: str, data=None, **headers):
        call = getattr(self, method.lower())
        if data is None:
            return call(path, headers=headers)
        return call(path, data, content_type="application/json", headers=headers)


def token_for(user, organisation, **kwargs) -> str:
    _token, raw = token_create(user=user, organisation=organisation, name="Script", **kwargs)
    return raw


@pytest.fixture
def owner_api(admin, org):
    return TokenClient(token_for(admin, org))


@pytest.fixture
def readonly_api(readonly, org):
    return TokenClient(token_for(readonly, org))


@pytest.fixture
def outsider_api(outsider, other_org):
    other_org.has_pbx = True
    other_org.has_telephony = True
    other_org.save()
    return TokenClient(token_for(outsider, other_org))


@pytest.fixture
def anonymous_api():
    return TokenClient(None)
