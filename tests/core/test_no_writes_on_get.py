"""Pages only read: a first visit of every page of a fresh organisation writes nothing.

The built-in schedule used to be made on the first visit of Schema's or Nachtschakeling (two
first visits at once gave a server error); now it comes with the organisation.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from schedules.models import TimeSchedule

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# The session's own bookkeeping (idle timeout) is not a write of the portal's data.
BOOKKEEPING = ("django_session",)
SKIP_PREFIXES = ("admin", "account", "i18n", "static", "media", "__")  # account: allauth


def _page_names(patterns=None, namespace: str = "", prefix: str = "") -> list[str]:
    names: list[str] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIP_PREFIXES):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _page_names(entry.url_patterns, inner, route)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and not entry.pattern.regex.groups
            and not route.startswith(SKIP_PREFIXES)
        ):
            names.append(namespace + entry.name)
    return names


def _writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"] for q in queries if WRITE.match(q["sql"]) and not any(t in q["sql"] for t in BOOKKEEPING)
    ]


def test_it_gives_a_new_organisation_the_builtin_schedule_at_once(org):
    builtin = TimeSchedule.objects.get(organisation=org, is_builtin=True)
    assert builtin.name == "Elke dag, de hele dag"
    assert builtin.ranges.count() == 7


def test_it_writes_nothing_on_a_first_visit_of_any_page(admin_client, org):
    builtin = TimeSchedule.objects.get(organisation=org, is_builtin=True)
    urls = [reverse(name) for name in _page_names()]
    urls.append(reverse("schedules:time_detail", args=[builtin.pk]))
    assert reverse("schedules:list") in urls and reverse("pbx:night_mode") in urls
    visited = 0
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        if response.status_code == 405:  # a POST-only URL
            continue
        assert response.status_code in (200, 302), url
        assert _writes(queries.captured_queries) == [], url
        visited += 1
    assert visited >= 10
