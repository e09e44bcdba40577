"""The API changes things the way the pages do: same rules, history with the key's owner, PBX revision."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from core.models import ChangeRecord, PbxSync
from pbx.models import HuntGroup
from schedules.models import TimeSchedule

from factories import (
    HuntGroupFactory,
    IvrMenuFactory,
    PbxUserFactory,
    SubscriptionFactory,
    TimeScheduleFactory,
)

pytestmark = pytest.mark.django_db


def _revision(org) -> int:
    with scopes_disabled():
        sync = PbxSync.objects.filter(organisation=org).first()
    return sync.desired_revision if sync else 0


def test_curl_lists_and_changes_a_hunt_group(owner_api, org, admin):
    group = HuntGroupFactory(organisation=org, entry__extension="201", entry__name="Verkoop")
    before = _revision(org)
    listed = owner_api.get("/api/v1/hunt-groups/?search=verk").json()
    assert listed["count"] == 1 and listed["results"][0]["extension"] == "201"
    response = owner_api.send(
        "PATCH", f"/api/v1/hunt-groups/{group.pk}/", {"distribution": "fixed_order", "rings": 6}
    )
    assert response.status_code == 200, response.content
    assert response.json()["rings"] == 6 and response.json()["distribution"] == "fixed_order"
    group.refresh_from_db()
    assert group.rings == 6
    assert _revision(org) == before + 1
    record = ChangeRecord.objects.filter(organisation=org, summary="Hunt group changed").get()
    assert record.by == admin


def test_the_history_page_names_the_keys_owner(owner_api, org, admin_client):
    group = HuntGroupFactory(organisation=org, entry__extension="201", entry__name="Verkoop")
    owner_api.send("PATCH", f"/api/v1/hunt-groups/{group.pk}/", {"rings": 6})
    page = admin_client.get("/geschiedenis/").content.decode()
    assert "beheerder@bakkerij.example" in page
    assert "Belgroep gewijzigd" in page  # in Dutch, like every change made on the pages


def test_members_are_set_in_order_and_pushed(owner_api, org):
    group = HuntGroupFactory(organisation=org, entry__extension="201")
    anna = PbxUserFactory(organisation=org, entry__extension="2101")
    bram = PbxUserFactory(organisation=org, entry__extension="2102")
    before = _revision(org)
    url = f"/api/v1/hunt-groups/{group.pk}/members/"
    response = owner_api.send("PUT", url, {"members": [bram.entry_id, anna.entry_id]})
    assert response.status_code == 200
    assert [m["extension"] for m in response.json()["members"]] == ["2102", "2101"]
    assert _revision(org) == before + 1
    assert owner_api.send("PUT", url, {"members": [anna.entry_id, anna.entry_id]}).status_code == 400


def test_errors_name_the_field_in_dutch_or_english(owner_api, org):
    HuntGroupFactory(organisation=org, entry__extension="201")
    body = {"name": "Service", "extension": "201", "rings": 99}
    dutch = owner_api.send("POST", "/api/v1/hunt-groups/", body).json()
    english = owner_api.send(
        "POST", "/api/v1/hunt-groups/", body, **{"Accept-Language": "en-GB,en;q=0.8"}
    ).json()
    assert set(dutch) >= {"rings", "extension"} and set(english) >= {"rings", "extension"}
    assert english["rings"] == ["Choose a number of rings from 1 to 20, for example 4."]
    assert dutch["rings"] != english["rings"] and "1" in dutch["rings"][0] and "20" in dutch["rings"][0]
    assert HuntGroup.objects.count() == 1
    missing = owner_api.send("POST", "/api/v1/hunt-groups/", {}, **{"Accept-Language": "en"}).json()
    assert missing == {"name": ["This field is required."]}
    assert owner_api.send("POST", "/api/v1/hunt-groups/", {}).json()["name"] == ["Dit veld is vereist."]


def test_a_stale_version_answers_409_with_what_is_stored(owner_api, org):
    group = HuntGroupFactory(organisation=org, entry__extension="201")
    url = f"/api/v1/hunt-groups/{group.pk}/"
    read = owner_api.get(url)
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'
    assert owner_api.send("PATCH", url, {"rings": 3, "version": version}).status_code == 200
    stale = owner_api.send("PATCH", url, {"rings": 9, "version": version})
    assert stale.status_code == 409
    assert stale.json()["current"]["rings"] == 3
    assert owner_api.send("PATCH", url, {"rings": 9}, **{"If-Match": f'"{version}"'}).status_code == 409
    assert owner_api.send("PATCH", url, {"rings": 9}, **{"If-Match": f'"{version + 1}"'}).status_code == 200
    group.refresh_from_db()
    assert group.rings == 9


def test_night_mode_is_changed_and_switched_by_hand(owner_api, org):
    response = owner_api.send("PATCH", "/api/v1/night-mode/", {"setting": "on"})
    assert response.status_code == 200 and response.json()["active"] is True
    refused = owner_api.send(
        "POST", "/api/v1/night-mode/switch/", {"active": False}, **{"Accept-Language": "en"}
    )
    assert refused.status_code == 400
    assert "automatic" in refused.json()["non_field_errors"][0]
    bad = owner_api.send(
        "PATCH", "/api/v1/night-mode/", {"destination": {"kind": "external", "number": "12"}}
    )
    assert bad.status_code == 400 and "destination" in bad.json()


def test_a_user_is_created_with_the_rules_of_the_page(owner_api, org):
    response = owner_api.send(
        "POST",
        "/api/v1/users/",
        {"first_name": "Piet", "last_name": "Bakker", "extension": "999"},
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 400 and "extension" in response.json()
    number = org.phone_numbers.first().number
    response = owner_api.send(
        "POST",
        "/api/v1/users/",
        {"first_name": "Piet", "last_name": "Bakker", "extension": "2200", "phone_number": number},
    )
    assert response.status_code == 201, response.content
    assert response.json()["phone_number"] == number
    taken = owner_api.send(
        "POST",
        "/api/v1/users/",
        {"first_name": "A", "last_name": "B", "extension": "2201", "phone_number": number},
    )
    assert taken.status_code == 400 and "phone_number" in taken.json()


def test_users_are_listed_in_the_order_of_the_users_page(owner_api, org):
    for last, extension in (("van Dam", "2203"), ("Bakker", "2202"), ("Smit", "2204"), ("de Vries", "2205")):
        PbxUserFactory(organisation=org, last_name=last, entry__extension=extension)
    listed = owner_api.get("/api/v1/users/").json()["results"]
    surnames = [user["last_name"] for user in listed if user["extension"].startswith("22")]
    assert surnames == ["Bakker", "van Dam", "Smit", "de Vries"]


@override_settings(API_RATE_LIMIT="3/minute")
def test_too_many_requests_with_one_key_answer_429(owner_api, readonly_api):
    for _ in range(3):
        assert owner_api.get("/api/v1/sync-status/").status_code == 200
    refused = owner_api.get("/api/v1/sync-status/", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.json()["detail"]
    assert "Retry-After" in refused
    assert "Te veel" in owner_api.get("/api/v1/sync-status/").json()["detail"]
    assert readonly_api.get("/api/v1/sync-status/").status_code == 200  # per key


def test_the_list_runs_a_fixed_number_of_queries(owner_api, org, django_assert_num_queries):
    for _ in range(3):
        HuntGroupFactory(organisation=org)
    owner_api.get("/api/v1/hunt-groups/")  # the key's last-used time is written once a minute
    with django_assert_num_queries(4) as few:
        owner_api.get("/api/v1/hunt-groups/")
    for _ in range(20):
        HuntGroupFactory(organisation=org)
    with django_assert_num_queries(len(few.captured_queries)):
        owner_api.get("/api/v1/hunt-groups/")


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/users/", lambda org: PbxUserFactory(organisation=org)),
        ("/api/v1/ivr-menus/", lambda org: IvrMenuFactory(organisation=org)),
        ("/api/v1/subscriptions/", lambda org: SubscriptionFactory(organisation=org)),
        ("/api/v1/time-schedules/", lambda org: TimeScheduleFactory(organisation=org)),
        ("/api/v1/directory/", lambda org: PbxUserFactory(organisation=org)),
    ],
)
def test_every_list_runs_a_fixed_number_of_queries(owner_api, org, url, make, django_assert_max_num_queries):
    make(org)
    owner_api.get(url)
    with CaptureQueriesContext(connection) as few:
        assert owner_api.get(url).status_code == 200
    for _ in range(15):
        make(org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_api.get(url).json()["count"] >= 16  # (the built-in time schedule too)


def test_an_ivr_menu_gets_its_keys_through_the_menus_rules(owner_api, org):
    group = HuntGroupFactory(organisation=org, entry__extension="201")
    menu = IvrMenuFactory(organisation=org, entry__extension="301")
    url = f"/api/v1/ivr-menus/{menu.pk}/"
    keys = [
        {"part": "business", "key": "1", "destination": {"kind": "entry", "entry": group.entry_id}},
        {"part": "business", "key": "#", "mode": "silent", "destination": {"kind": "voicemail"}},
    ]
    response = owner_api.send("PATCH", url, {"keys": keys})
    assert response.status_code == 200, response.content
    assert {(k["key"], k["mode"]) for k in response.json()["keys"]} == {("1", "announce"), ("#", "silent")}
    twice = owner_api.send("PATCH", url, {"keys": [keys[0], keys[0]]}, **{"Accept-Language": "en"})
    assert twice.status_code == 400
    assert len(owner_api.get(url).json()["keys"]) == 2  # nothing lost


def test_a_time_schedule_is_replaced_and_merged_like_on_its_page(owner_api, org):
    ranges = [
        {"weekday": 0, "start": "08:00", "end": "12:00"},
        {"weekday": 0, "start": "11:00", "end": "17:30"},
    ]
    created = owner_api.send("POST", "/api/v1/time-schedules/", {"name": "Winkel", "ranges": ranges})
    assert created.status_code == 201
    assert created.json()["ranges"] == [{"weekday": 0, "start": "08:00", "end": "17:30"}]
    same = owner_api.send("POST", "/api/v1/time-schedules/", {"name": "winkel", "ranges": []})
    assert same.status_code == 400 and "name" in same.json()
    bad = owner_api.send(
        "POST",
        "/api/v1/time-schedules/",
        {"name": "X", "ranges": [{"weekday": 1, "start": "09:00", "end": "09:00"}]},
    )
    assert bad.status_code == 400 and "ranges" in bad.json()


def test_a_schedule_in_use_is_not_deleted(owner_api, org):
    schedule = TimeScheduleFactory(organisation=org)
    IvrMenuFactory(organisation=org, time_schedule=schedule)
    response = owner_api.delete(f"/api/v1/time-schedules/{schedule.pk}/")
    assert response.status_code == 400
    assert TimeSchedule.objects.filter(pk=schedule.pk).exists()


def test_subscription_limits_and_business_voicemail(owner_api, org):
    subscription = SubscriptionFactory(organisation=org)
    url = f"/api/v1/subscriptions/{subscription.pk}/"
    bad = owner_api.send("PATCH", url, {"spending_limit": "-5"}, **{"Accept-Language": "en"})
    assert bad.status_code == 400 and "spending_limit" in bad.json()
    ok = owner_api.send("PATCH", url, {"spending_limit": "40.00", "block_sim": True})
    assert (
        ok.status_code == 200 and ok.json()["status"] == "blocked" and ok.json()["spending_limit"] == "40.00"
    )
    assert owner_api.get(f"{url}voicemail/").status_code == 404  # nothing requested yet
    missing = owner_api.send(
        "PUT", f"{url}voicemail/", {"kind": "standard", "language": "nl", "voice": "male"}
    )
    assert missing.status_code == 400 and "company_name" in missing.json()
    made = owner_api.send(
        "PUT", f"{url}voicemail/", {"kind": "own", "own_text": "Welkom.", "language": "nl", "voice": "male"}
    )
    assert made.status_code == 200 and made.json()["status"] in ("concept", "submitted")
    data_only = SubscriptionFactory(organisation=org, kind="data_only")
    refused = owner_api.send(
        "PUT",
        f"/api/v1/subscriptions/{data_only.pk}/voicemail/",
        {"kind": "own", "own_text": "x", "language": "nl", "voice": "male"},
    )
    assert refused.status_code == 400
