"""Every URL of the project, as a member of another organisation (404) and as a read-only member (403).

The patterns are read from the URL configuration, so views added later are covered
without editing this file; a new URL that takes an id needs its model in
url_sweep.URL_OBJECTS, or the first test says so.
"""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django_scopes import scopes_disabled
from url_sweep import URL_OBJECTS, Route, id_routes, leaks, tenant_routes

from core.models import ChangeRecord
from core.tenancy import personal
from mobile.models import Subscription
from pbx.models import NightMode
from schedules.models import HolidaySchedule, TimeSchedule

from factories import TENANT_OBJECT_FACTORIES

pytestmark = pytest.mark.django_db


def test_it_knows_the_model_of_every_id_in_a_url():
    unknown = [r.name or r.route for r in id_routes() if r.name not in URL_OBJECTS]
    assert not unknown, f"add these URLs to url_sweep.URL_OBJECTS (which model does the id name?): {unknown}"
    missing = {model for model in URL_OBJECTS.values() if model not in TENANT_OBJECT_FACTORIES}
    assert not missing, f"add a factory for {missing} to factories.TENANT_OBJECT_FACTORIES"


def test_it_finds_the_tenant_urls():
    routes = {r.route for r in tenant_routes()}
    assert {"gebruikers/<id:pk>/rol/", "instellingen/", "mobiel/<id:pk>/"} <= routes
    assert not any(r.startswith(("account/", "admin/")) for r in routes)


def test_it_answers_404_for_every_object_of_another_tenant(admin_client, org, other_org):
    problems = []
    for route in id_routes():
        factory = TENANT_OBJECT_FACTORIES[URL_OBJECTS[route.name]]
        problems += leaks(
            admin_client, route, own=factory(organisation=org), foreign=factory(organisation=other_org)
        )
    assert not problems, "\n".join(problems)


def test_it_reports_a_view_that_forgets_the_organisation(admin_client, org, other_org, monkeypatch):
    """The sweep itself is tested: a lookup without the organisation filter and scope is caught."""
    from schedules import views

    def every_holiday_schedule(request):
        with scopes_disabled():
            return HolidaySchedule.objects.all()

    route = next(r for r in id_routes() if r.name == "schedules:holiday_detail")
    own = TENANT_OBJECT_FACTORIES[HolidaySchedule](organisation=org)
    foreign = TENANT_OBJECT_FACTORIES[HolidaySchedule](organisation=other_org)
    assert leaks(admin_client, route, own=own, foreign=foreign) == []
    monkeypatch.setattr(views, "_holiday_schedules", every_holiday_schedule)
    assert leaks(admin_client, route, own=own, foreign=foreign)


# Query parameters and form fields that name an object by id (the URL's ids are in URL_OBJECTS).
FIELD_OBJECTS = [
    ("mobile:business_voicemail", "GET", "row", Subscription),
    ("mobile:business_voicemail", "POST", "rows", Subscription),
    ("pbx:night_mode", "POST", "time_schedule", TimeSchedule),
    ("pbx:night_mode", "POST", "holiday_schedule", HolidaySchedule),
]


@pytest.mark.parametrize(("url_name", "method", "name", "model"), FIELD_OBJECTS)
def test_it_refuses_an_object_of_another_tenant_in_a_form_field(
    admin_client, org, other_org, url_name, method, name, model
):
    factory = TENANT_OBJECT_FACTORIES[model]
    own, foreign = factory(organisation=org), factory(organisation=other_org)
    url = reverse(url_name)

    def send(obj):
        if method == "GET":
            return admin_client.get(url, {name: obj.pk}, headers={"HX-Request": "true"})
        return admin_client.post(
            url, {"setting": "auto", "destination": "999", "action": "submit", name: [obj.pk]}
        )

    assert send(foreign).status_code in (400, 404)
    assert send(own).status_code != 404  # the field does name this model: the probe proves something
    assert not NightMode.objects.filter(organisation=org, time_schedule__organisation=other_org).exists()
    assert not NightMode.objects.filter(organisation=org, holiday_schedule__organisation=other_org).exists()


def _probe_change(organisation, obj, summary):
    """A change record of the organisation that touched obj (a save with a historical row)."""
    from core.changes import recording

    with recording(organisation=organisation, by=None, summary=summary) as record:
        type(obj)._base_manager.get(pk=obj.pk).save()
    return record


def test_it_shows_and_restores_nothing_of_another_tenant_through_the_history_object_filter(
    admin_client, org, other_org
):
    """?object=<kind>:<id> (history:index and history:object) and Terugzetten's object field name
    an object by id: another organisation's object shows nothing and is never put back."""
    from core.history_lines import kind_of

    probed, problems = [], []
    for model, factory in TENANT_OBJECT_FACTORIES.items():
        kind = kind_of(model)
        if kind is None or not kind.is_root:
            continue
        own, foreign = factory(organisation=org), factory(organisation=other_org)
        mine = _probe_change(org, own, "Own probe change")
        _probe_change(other_org, foreign, "Foreign probe change")
        for url_name in ("history:index", "history:object"):
            url = reverse(url_name)
            seen = admin_client.get(url, {"object": f"{kind.key}:{foreign.pk}"}).content.decode()
            if "Foreign probe change" in seen:
                problems.append(f"{url}?object={kind.key}:<foreign> shows another organisation's change")
            if (
                "Own probe change"
                not in admin_client.get(url, {"object": f"{kind.key}:{own.pk}"}).content.decode()
            ):
                problems.append(f"{url}?object={kind.key}:<own> shows nothing: the probe proves nothing")
        forged = admin_client.post(
            reverse("history:restore", args=[mine.pk]), {"object": f"{kind.key}:{foreign.pk}"}
        )
        restored = ChangeRecord.objects.filter(summary="Restored to an earlier state").exists()
        if forged.status_code != 302 or restored:
            problems.append(f"Terugzetten of {kind.key} of another organisation was not refused")
        probed.append(kind.key)
    assert len(probed) >= 6, probed
    assert not problems, "\n".join(problems)


def test_it_refuses_every_write_of_a_read_only_member(readonly_client, org):
    problems = []
    for route in tenant_routes():
        factory = TENANT_OBJECT_FACTORIES.get(URL_OBJECTS.get(route.name))  # type: ignore[arg-type]
        url = route.url(factory(organisation=org).pk if factory else 1)
        status = readonly_client.post(url, {}).status_code
        if status not in (403, 405):
            problems.append(f"POST {url}: {status}")
    assert not problems, "\n".join(problems)


def _brand_new_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("changed")


@personal
def _own_session_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("changed")


urlpatterns = [
    path("nieuw/", _brand_new_view),
    path("eigen/", _own_session_view),
    path("", include("een_portal.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
def test_it_refuses_a_read_only_write_to_a_view_in_a_module_no_list_names(readonly_client, admin_client):
    assert _brand_new_view.__module__.split(".")[0] == "test_tenancy_sweep"  # in no app, no list
    assert readonly_client.post("/nieuw/", {}).status_code == 403
    assert readonly_client.post("/eigen/", {}).status_code == 200
    assert admin_client.post("/nieuw/", {}).status_code == 200


@override_settings(ROOT_URLCONF=__name__)
def test_it_refuses_a_form_that_does_not_say_its_organisation(admin, org):
    browser = Client()  # posts exactly what it is given: no organisation claim
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post("/nieuw/", {})
    assert response.status_code == 400
    assert "niet opgeslagen" in response.content.decode().lower()
    assert browser.post("/nieuw/", {"_organisation": str(org.pk)}).status_code == 200
    assert browser.post("/nieuw/", {}, headers={"X-Portal-Organisation": str(org.pk)}).status_code == 200
    assert browser.post("/eigen/", {}).status_code == 200  # the visitor's own session: no claim needed


def test_it_refuses_a_real_form_without_its_organisation(admin, org):
    browser = Client()
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post("/instellingen/", {"name": "Gekaapt", "contact_email": "a@b.nl"})
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.name == "Bakkerij De Vries"


def test_it_leaves_login_pages_without_an_organisation_claim(admin, org):
    browser = Client()
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.post("/account/logout/").status_code == 302


def test_routes_fill_ids_and_other_parameters():
    route = Route("uitnodiging/<str:token>/<id:pk>/", "x", None)
    assert route.url(7) == "/uitnodiging/onzin/7/"
