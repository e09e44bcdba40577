"""Error bodies of the API: field names with the services' own messages, in the asker's language.

A service's ValidationError (the same rules and words as the portal's forms) becomes a 400 with
`{"field": ["message"]}` (errors that belong to no field under "non_field_errors"); a stale
save (core.versioning.StaleEdit) a 409 with the stored object; too many requests a 429.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.versioning import StaleEdit


class Stale(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(
            _(
                "Someone else changed this in the meantime. The stored version is in 'current'; "
                "send your change again with its version to apply it anyway."
            )
        )
        self.current = current


def validation_body(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        body: dict[str, list[str]] = {}
        for key, messages in exc.message_dict.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key
            body.setdefault(name, []).extend(str(m) for m in messages)
        return body
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]}


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleEdit):
        raise RuntimeError("a view must turn StaleEdit into api.exceptions.Stale")  # pragma: no cover
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_body(exc))
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        throttled = exceptions.Throttled(
            detail=_("Too many requests with this key. Try again in %(seconds)s seconds.") % {"seconds": wait}
        )
        throttled.wait = wait  # the Retry-After header
        exc = throttled
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, Stale):
        response.data = {"detail": str(exc.detail), "current": exc.current}
    return response
