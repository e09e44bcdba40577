"""/api/v1/docs/: the OpenAPI description in Swagger UI, served from the vendored sidecar.

No inline script or style (the portal's strict CSP applies unchanged): the page loads the
sidecar's Swagger UI bundle and static/js/api-docs.js, which reads the schema URL, the CSRF
token and the organisation claim from data attributes, so "Try it out" works with the
session (CSRF + organisation header) as well as with a key (Authorize → Bearer).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")
