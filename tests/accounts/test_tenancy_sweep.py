"""Every URL of the project, as an outsider (404) and as a read-only member on POST (403).

The patterns are read from the URL configuration, so views added later are covered
without editing this file.
"""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

from accounts.middleware import TENANT_APPS

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def tenant_patterns():
    for route, entry in _walk(get_resolver().url_patterns):
        view = entry.callback
        module = getattr(view, "__module__", "").split(".")[0]
        if module in TENANT_APPS:
            yield route, entry


def _routes_with_ids():
    return [(route, e) for route, e in tenant_patterns() if "<int:" in route]


def _fill(route: str, value: int) -> str:
    import re

    return "/" + re.sub(r"<int:\w+>", str(value), route)


def _other_tenant_ids(other_org) -> list[int]:
    ids: set[int] = set()
    with scopes_disabled():
        for model in apps.get_models():
            field = next((f for f in model._meta.fields if f.name == "organisation"), None)
            if (
                field is None
                or model._meta.app_label not in TENANT_APPS
                or model.__name__.startswith("Historical")
            ):
                continue
            ids.update(model._default_manager.filter(organisation=other_org).values_list("pk", flat=True))
    return sorted(ids)


def test_it_finds_the_tenant_urls():
    routes = [r for r, _ in tenant_patterns()]
    assert "gebruikers/<int:pk>/rol/" in routes
    assert "instellingen/" in routes


def test_it_answers_404_for_every_object_of_another_tenant(admin_client, other_org, outsider):
    ids = _other_tenant_ids(other_org)
    assert ids, "the other tenant needs objects to probe with"
    for (route, _entry), pk in itertools.product(_routes_with_ids(), ids):
        url = _fill(route, pk)
        get = admin_client.get(url)
        post = admin_client.post(url, {})
        assert get.status_code in (404, 405), (url, get.status_code)
        assert post.status_code in (404, 405), (url, post.status_code)
        assert 404 in (get.status_code, post.status_code), url


def test_it_refuses_every_write_of_a_read_only_member(readonly_client, org, readonly, admin):
    with scopes_disabled():
        own_ids = [readonly.memberships.get().pk, admin.memberships.get().pk]
    for route, entry in tenant_patterns():
        if getattr(entry.callback, "personal", False):
            continue
        urls = [_fill(route, pk) for pk in own_ids] if "<int:" in route else ["/" + route]
        if "<" in route.replace("<int:", ""):
            continue
        for url in urls:
            response = readonly_client.post(url, {})
            assert response.status_code in (403, 405), (url, response.status_code)


GARBAGE = {
    "name": "x" * 500,
    "email": "niet-een-adres",
    "role": "koning",
    "setting": "soms",
    "destination": "'; DROP TABLE--",
    "year": "-1",
    "action": "??",
    "language": "xx",
    "time_zone": "Mars/Olympus",
    "organisation": "abc",
    "ranges-TOTAL_FORMS": "2",
    "ranges-INITIAL_FORMS": "0",
    "ranges-0-weekday": "9",
    "ranges-0-start": "25:61",
    "entries-TOTAL_FORMS": "x",
    "entries-INITIAL_FORMS": "0",
    "file": "geen bestand",
}


def test_it_never_answers_a_server_error_to_empty_or_garbage_input(admin_client, org, admin, readonly):
    """Every tenant URL, GET and POST, with nothing and with nonsense: never a 500."""
    from mobile.models import Subscription
    from schedules import services as schedule_services

    with scopes_disabled():
        subscription = Subscription.objects.create(organisation=org, number="+31612345678", user_name="Sanne")
        time_schedule = schedule_services.ensure_builtin_time_schedule(organisation=org)
        holiday = schedule_services.holiday_schedule_save(organisation=org, name="Vrij", entries=[], by=None)
        ids = [subscription.pk, time_schedule.pk, holiday.pk, readonly.memberships.get().pk]
    for route, _entry in tenant_patterns():
        urls = [_fill(route, pk) for pk in ids] if "<int:" in route else ["/" + route]
        if "<" in route.replace("<int:", ""):
            continue
        for url in urls:
            for response in (
                admin_client.get(url),
                admin_client.get(url, {"q": "\x00", "page": "-5", "type": "?", "status": "?"}),
                admin_client.post(url, {}),
                admin_client.post(url, GARBAGE),
            ):
                assert response.status_code < 500, (url, response.status_code)
