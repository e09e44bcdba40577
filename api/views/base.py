"""The base of every API view: who asks (token or session), for which organisation, in which language.

Every request runs inside the django-scopes scope of the organisation the token (or the
session) acts for, so a query that forgets the tenant raises instead of leaking, exactly as on
the portal's pages. Writes call the services (with the token's user as the actor of the
change record); a stale save answers 409 with the stored object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt
from django_scopes import scope
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Membership, Organisation, User
from api.exceptions import Stale
from api.models import ApiToken
from core.ids import parse_id
from core.versioning import MAX_VERSION, StaleEdit


def api_language(request: HttpRequest) -> str:
    """The first language of Accept-Language the portal speaks; Dutch otherwise.

    The portal's pages ignore Accept-Language on purpose (accounts.middleware.LanguageMiddleware);
    a program that asks for English gets English.
    """
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ApiView(GenericAPIView):
    product: str | None = None
    pagination_class = Pages
    membership: Membership | None = None
    organisation: Organisation

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with ExitStack() as stack:
            self._stack = stack
            language = api_language(request)
            stack.enter_context(translation.override(language))
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = language
            patch_vary_headers(response, ("Accept-Language", "Authorization"))
            add_never_cache_headers(response)
            return response

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        user = request.user
        membership = None
        if isinstance(request.auth, ApiToken):
            membership = getattr(request, "api_membership", None)
        elif user is not None and user.is_authenticated:
            membership = getattr(request._request, "membership", None)
        if membership is not None:
            self.membership = membership
            self.organisation = membership.organisation
            self._stack.enter_context(scope(organisation=membership.organisation))

    def throttled(self, request: Request, wait: float | None) -> None:
        raise exceptions.Throttled(wait)

    @property
    def actor(self) -> User:
        return self.request.user

    def expected_version(self, data: dict[str, Any] | None = None) -> int | None:
        """The version the client read: `version` in the body, or the If-Match header (the ETag)."""
        if data and data.get("version") is not None:
            return int(data["version"])
        header = self.request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        number = parse_id(header.removeprefix("W/").strip('"'))
        if number is None or number > MAX_VERSION:
            raise exceptions.ValidationError(
                {"If-Match": [_('Send the version as the ETag of the object, e.g. "3".')]}
            )
        return number

    @contextmanager
    def saving(self, show: Callable[[Any], dict[str, Any]]) -> Iterator[None]:
        """Runs a service; a stale save answers 409 with the stored object as `show` renders it."""
        try:
            yield
        except StaleEdit as exc:
            raise Stale(show(exc.current)) from None


def with_etag(response: Response, version: int | None) -> Response:
    if version is not None:
        response["ETag"] = f'"{version}"'
    return response


@csrf_exempt  # it changes nothing, whatever the method
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other /api/v1/ address (also an id no row can have, like 00): a JSON 404, not the HTML page."""
    with translation.override(api_language(request)):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
