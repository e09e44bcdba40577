"""How the API knows who is asking: a personal token (`Authorization: Bearer een_...`) or the
portal's own session (for the browser; DRF's SessionAuthentication keeps CSRF protection).

A request that sends a token is answered for that token only: a wrong, expired or revoked
token is a 401, never a fall-back to the session. Token requests carry no cookie, so they
need neither CSRF nor the organisation claim of the portal's forms.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .tokens import token_authenticate

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the API key as 'Authorization: Bearer <key>', without spaces in the key.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        found = token_authenticate(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This API key is unknown, expired or revoked. Make a new key under Mijn gegevens → API keys."
                )
            )
        token, membership = found
        request.api_membership = membership
        return membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API key, made under Mijn gegevens → API-sleutels: `Authorization: Bearer een_…`",
        }
