"""Every endpoint for the owner (works), a read-only key (reads only), an outsider (404) and no key (401)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from core.models import ChangeRecord, PbxSync
from mobile.models import VoicemailRequest
from pbx.models import HuntGroup, PbxUser

from factories import (
    DirectoryEntryFactory,
    HolidayScheduleFactory,
    HuntGroupFactory,
    IvrMenuFactory,
    PbxUserFactory,
    SubscriptionFactory,
    TimeScheduleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(org):
    group = HuntGroupFactory(organisation=org, entry__extension="201", entry__name="Verkoop")
    user = PbxUserFactory(organisation=org, first_name="Anna", last_name="de Vries", entry__extension="2101")
    return {
        "group": group,
        "user": user,
        "time": TimeScheduleFactory(organisation=org),
        "holiday": HolidayScheduleFactory(organisation=org),
        "menu": IvrMenuFactory(organisation=org, entry__extension="301"),
        "subscription": SubscriptionFactory(organisation=org),
    }


WEEK = [{"weekday": 0, "start": "08:30", "end": "17:30"}]
VOICEMAIL = {"kind": "own", "own_text": "Welkom bij de bakkerij.", "language": "nl", "voice": "female"}


def _endpoints(objects):
    g, u = objects["group"].pk, objects["user"].pk
    t, h, m, s = objects["time"].pk, objects["holiday"].pk, objects["menu"].pk, objects["subscription"].pk
    return [
        ("GET", "/api/v1/organisation/", None, 200),
        ("GET", "/api/v1/numbers/", None, 200),
        ("GET", "/api/v1/directory/", None, 200),
        ("GET", "/api/v1/call-barring/", None, 200),
        ("PATCH", "/api/v1/call-barring/", {"international": True}, 200),
        ("GET", "/api/v1/time-schedules/", None, 200),
        ("POST", "/api/v1/time-schedules/", {"name": "Winkel", "ranges": WEEK}, 201),
        ("GET", f"/api/v1/time-schedules/{t}/", None, 200),
        ("PUT", f"/api/v1/time-schedules/{t}/", {"name": "Kantoor", "ranges": WEEK}, 200),
        ("GET", "/api/v1/holiday-schedules/", None, 200),
        (
            "POST",
            "/api/v1/holiday-schedules/",
            {
                "name": "Dicht",
                "entries": [{"name": "Kerst", "start_date": "2027-12-25", "end_date": "2027-12-26"}],
            },
            201,
        ),
        ("GET", f"/api/v1/holiday-schedules/{h}/", None, 200),
        ("PUT", f"/api/v1/holiday-schedules/{h}/", {"name": "Vakantie", "entries": []}, 200),
        ("GET", "/api/v1/ivr-menus/", None, 200),
        ("POST", "/api/v1/ivr-menus/", {"name": "Hoofdmenu", "extension": "302", "time_schedule": t}, 201),
        ("GET", f"/api/v1/ivr-menus/{m}/", None, 200),
        (
            "PATCH",
            f"/api/v1/ivr-menus/{m}/",
            {
                "keys": [
                    {
                        "part": "business",
                        "key": "1",
                        "destination": {"kind": "entry", "entry": objects["group"].entry_id},
                    }
                ]
            },
            200,
        ),
        ("GET", "/api/v1/subscriptions/", None, 200),
        ("GET", f"/api/v1/subscriptions/{s}/", None, 200),
        (
            "PATCH",
            f"/api/v1/subscriptions/{s}/",
            {"spending_limit": "25.00", "block_roaming_data": True},
            200,
        ),
        ("PUT", f"/api/v1/subscriptions/{s}/voicemail/", VOICEMAIL, 200),
        ("GET", f"/api/v1/subscriptions/{s}/voicemail/", None, 200),
        # (method, path, body for a write, status of a good owner write)
        ("GET", "/api/v1/hunt-groups/", None, 200),
        ("POST", "/api/v1/hunt-groups/", {"name": "Service", "extension": "202"}, 201),
        ("GET", f"/api/v1/hunt-groups/{g}/", None, 200),
        ("PATCH", f"/api/v1/hunt-groups/{g}/", {"rings": 5}, 200),
        ("GET", f"/api/v1/hunt-groups/{g}/members/", None, 200),
        ("PUT", f"/api/v1/hunt-groups/{g}/members/", {"members": [objects["user"].entry_id]}, 200),
        ("GET", "/api/v1/users/", None, 200),
        ("POST", "/api/v1/users/", {"first_name": "Piet", "last_name": "Bakker", "extension": "2102"}, 201),
        ("GET", f"/api/v1/users/{u}/", None, 200),
        ("PATCH", f"/api/v1/users/{u}/", {"forward_no_answer_seconds": 25}, 200),
        ("GET", "/api/v1/night-mode/", None, 200),
        ("PATCH", "/api/v1/night-mode/", {"setting": "on"}, 200),
        ("GET", "/api/v1/sync-status/", None, 200),
    ]


OBJECT_URLS = (
    "/hunt-groups/{g}/",
    "/hunt-groups/{g}/members/",
    "/users/{u}/",
    "/time-schedules/{t}/",
    "/holiday-schedules/{h}/",
    "/ivr-menus/{m}/",
    "/subscriptions/{s}/",
    "/subscriptions/{s}/voicemail/",
)


def test_the_owner_reads_and_writes_every_endpoint(owner_api, objects):
    for method, path, body, expected in _endpoints(objects):
        response = owner_api.send(method, path, body)
        assert response.status_code == expected, (method, path, response.content)


def test_a_read_only_key_reads_everything_and_writes_nothing(readonly_api, objects):
    before = ChangeRecord.objects.count()
    for method, path, body, expected in _endpoints(objects):
        response = readonly_api.send(method, path, body)
        if method == "GET":
            assert response.status_code in (200, 404 if path.endswith("/voicemail/") else 200), path
        else:
            assert response.status_code == 403, (method, path)
            assert (
                "alleen" in response.json()["detail"].lower()
                or "bekijken" in response.json()["detail"].lower()
            )
    for path in OBJECT_URLS:
        url = "/api/v1" + path.format(**_ids(objects))
        assert readonly_api.delete(url).status_code in (403, 405), url
    assert ChangeRecord.objects.count() == before
    assert HuntGroup.objects.count() == 1 and PbxUser.objects.count() == 1
    assert not VoicemailRequest.objects.exists()


def _ids(objects):
    return {
        "g": objects["group"].pk,
        "u": objects["user"].pk,
        "t": objects["time"].pk,
        "h": objects["holiday"].pk,
        "m": objects["menu"].pk,
        "s": objects["subscription"].pk,
    }


def test_another_organisations_objects_are_not_found(outsider_api, objects):
    for template in OBJECT_URLS:
        url = "/api/v1" + template.format(**_ids(objects))
        assert outsider_api.get(url).status_code == 404, url
        assert outsider_api.send("PATCH", url, {"rings": 3}).status_code in (404, 405), url
        assert outsider_api.delete(url).status_code in (404, 405), url
    listed = outsider_api.get("/api/v1/hunt-groups/").json()
    assert listed["count"] == 0
    for listing in ("/api/v1/users/", "/api/v1/ivr-menus/", "/api/v1/directory/", "/api/v1/numbers/"):
        assert outsider_api.get(listing).json()["count"] == 0, listing
    assert outsider_api.get("/api/v1/subscriptions/").json()["count"] == 0
    objects["group"].refresh_from_db()
    assert objects["group"].rings != 3


def test_without_a_key_every_endpoint_answers_401(anonymous_api, objects):
    for method, path, body, _expected in _endpoints(objects):
        response = anonymous_api.send(method, path, body)
        assert response.status_code == 401, (method, path)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_organisation_without_the_product_has_no_pbx_endpoints(outsider, other_org):
    from conftest_api import TokenClient, token_for

    api = TokenClient(token_for(outsider, other_org))  # Jansen has only Mobiel
    assert api.get("/api/v1/hunt-groups/").status_code == 404
    assert api.get("/api/v1/night-mode/").status_code == 404
    assert api.get("/api/v1/sync-status/").status_code == 200


def test_a_wrong_key_is_refused_and_never_falls_back_to_the_session(admin_client, objects):
    response = admin_client.get("/api/v1/hunt-groups/", headers={"Authorization": "Bearer een_00000000_nope"})
    assert response.status_code == 401
    assert admin_client.get("/api/v1/hunt-groups/").status_code == 200  # the session alone works


def test_the_session_keeps_csrf_protection_for_writes(admin, org, objects):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/api/v1/hunt-groups/{objects['group'].pk}/"
    response = browser.patch(
        url, {"rings": 7}, content_type="application/json", headers={"X-Portal-Organisation": str(org.pk)}
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    objects["group"].refresh_from_db()
    assert objects["group"].rings != 7


def test_sync_status_says_what_the_pbx_holds(owner_api, org):
    with scopes_disabled():
        PbxSync.objects.update_or_create(
            organisation=org, defaults={"desired_revision": 4, "applied_revision": 3}
        )
    body = owner_api.get("/api/v1/sync-status/").json()
    assert body["state"] == "pending"
    assert body["desired_revision"] == 4 and body["applied_revision"] == 3
    assert body["message"] == "Wijzigingen worden doorgevoerd…"


def test_an_entry_is_a_directory_id_that_members_use(owner_api, objects):
    other = DirectoryEntryFactory(organisation=objects["group"].organisation, kind="hunt_group")
    url = f"/api/v1/hunt-groups/{objects['group'].pk}/members/"
    response = owner_api.send("PUT", url, {"members": [other.pk]})
    assert response.status_code == 400
    assert "members" in response.json()
