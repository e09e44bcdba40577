"""One change record per save: who, when, which organisation, which PBX revision (issue 9, history)."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import ActorKind, ChangeRecord, PbxSync
from schedules import engine
from schedules.models import TimeRange
from schedules.services import time_schedule_save
from telephony.models import CallBarring
from telephony.services import call_barring_update

from factories import UserFactory

pytestmark = pytest.mark.django_db


def _week(*days: int) -> list[engine.WeeklyRange]:
    return [engine.WeeklyRange(day, time(8, 30), time(17, 0)) for day in days]


def test_it_records_who_saved_through_the_page_and_the_revision_it_went_out_in(admin_client, admin, org):
    admin_client.post(reverse("telephony:index"), {"international": "on"})

    record = ChangeRecord.objects.get(organisation=org)
    assert (record.by, record.actor, record.summary) == (admin, ActorKind.MEMBER, "Call barring changed")
    assert record.pbx_revision == PbxSync.objects.get(organisation=org).desired_revision
    row = CallBarring.history.get(change=record)
    assert (row.history_user, row.history_organisation_id, row.international) == (admin, org.pk, True)


def test_it_calls_a_change_without_a_person_system_and_by_staff_outside_the_organisation_operator(org):
    call_barring_update(organisation=org, by=None, international=True)
    call_barring_update(organisation=org, by=UserFactory(is_staff=True), mobile=True)

    actors = list(
        ChangeRecord.objects.filter(organisation=org).order_by("at", "pk").values_list("actor", flat=True)
    )
    assert actors == [ActorKind.SYSTEM, ActorKind.OPERATOR]


def test_it_changes_only_the_time_ranges_that_changed_so_history_can_replay_them(org, admin):
    schedule, _ = time_schedule_save(organisation=org, name="Winkel", ranges=_week(0, 1, 2), by=admin)
    kept = {r.weekday: r.pk for r in schedule.ranges.all()}

    time_schedule_save(organisation=org, name="Winkel", ranges=_week(0, 1, 4), by=admin, schedule=schedule)

    now = {r.weekday: r.pk for r in schedule.ranges.all()}
    assert now[0] == kept[0] and now[1] == kept[1]  # untouched rows keep their identity
    second = ChangeRecord.objects.filter(organisation=org).latest("pk")
    rows = TimeRange.history.filter(change=second).order_by("history_type")
    assert [(r.history_type, r.weekday) for r in rows] == [("+", 4), ("-", 2)]
    assert {r.history_organisation_id for r in rows} == {org.pk}
    assert {r.history_user_id for r in rows} == {admin.pk}


def test_it_reads_an_organisations_history_in_one_query_whatever_its_size(org, admin, other_org):
    for _ in range(30):
        call_barring_update(organisation=org, by=admin, international=True)
        call_barring_update(organisation=org, by=admin, international=False)
    call_barring_update(organisation=other_org, by=None, international=True)

    with CaptureQueriesContext(connection) as queries:
        changes = list(
            ChangeRecord.objects.filter(organisation=org).select_related("by").order_by("-at")[:50]
        )
    assert len(queries) == 1
    assert len(changes) == 50 and {c.organisation_id for c in changes} == {org.pk}


def test_it_leaves_no_empty_line_when_a_save_changes_nothing(org, admin):
    call_barring_update(organisation=org, by=admin, international=True)
    call_barring_update(organisation=org, by=admin, international=True)

    assert ChangeRecord.objects.filter(organisation=org).count() == 1
