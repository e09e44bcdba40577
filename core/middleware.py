"""Response headers that apply to every page of the portal."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponse]


class NoStoreMiddleware:
    """Pages shown to a logged-in person are never kept by the browser or a proxy.

    On a shared computer the next person must not find them with the back button or in the
    browser's cache. Static files are served before this runs (WhiteNoise) and stay cached.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
