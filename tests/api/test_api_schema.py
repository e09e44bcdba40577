"""The published OpenAPI description, exercised by schemathesis in-process with an owner's key.

Every operation gets a few generated requests (valid and invalid bodies, odd ids and query
values): no answer is a server error, and every answer (status, content type, body) is the one
the description promises. Kept small (hypothesis settings below) to run in well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from conftest_api import token_for
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factories import HuntGroupFactory, PbxUserFactory

EXAMPLES = 120  # over all operations together, per mode: about 15 s each on 2 cores
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema():
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection when a request ends; the test's connection
    holds its transaction, so keep it open, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_published_schema(admin, org, mode, keep_test_connection):
    HuntGroupFactory(organisation=org, entry__extension="201")
    PbxUserFactory(organisation=org, entry__extension="2101")
    headers = {"Authorization": f"Bearer {token_for(admin, org)}"}
    schema = _schema()
    seen: set[str] = set()

    @given(case=schema.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        seen.add(f"{case.method} {case.path}")
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
    assert len(seen) >= 8  # the strategy reached most operations, not one over and over


def test_the_schema_is_served_at_a_stable_url_and_documents_the_endpoints(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/hunt-groups/",
        "/api/v1/hunt-groups/{id}/members/",
        "/api/v1/users/",
        "/api/v1/night-mode/",
    } <= set(paths)
    assert response.json()["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def test_the_docs_page_runs_under_the_strict_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page and "style=" not in page and "<style" not in page
    assert "swagger-ui-dist/swagger-ui-bundle.js" in page and "js/api-docs.js" in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    for vendored in ("swagger-ui-bundle.js", "swagger-ui.css"):  # served from here, no CDN
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{vendored}")
    assert finders.find("js/api-docs.js") and finders.find("css/api-docs.css")
