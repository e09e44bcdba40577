"""Geschiedenis as a new user sees it on `make run` (found walking the issue 14/15 flows)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.history_lines import build_entries
from core.models import ChangeRecord
from pbx.services import hunt_groups

pytestmark = pytest.mark.django_db


def test_a_hunt_group_change_is_headed_by_the_group_not_by_its_waiting_time_forwarding(org, admin):
    # "(doorschakelen na wachttijd)" is how the group is named where its overflow uses a
    # destination; on a change of its distribution it made the heading read as if the
    # forwarding had changed.
    group = hunt_groups.hunt_group_create(organisation=org, by=admin, name="Verkoop", extension="301")
    hunt_groups.hunt_group_update(group=group, by=admin, values={"distribution": "simultaneous", "rings": 6})
    changes = list(
        ChangeRecord.objects.filter(organisation=org).select_related("by").order_by("-at", "-pk")[:1]
    )

    with translation.override("nl"):
        (entry,) = build_entries(changes, org)

    (group_lines,) = entry.groups
    assert group_lines.label == "Belgroep Verkoop (belgroep, 301)"


def test_the_history_filters_look_like_the_other_forms(admin_client):
    page = admin_client.get(reverse("history:index")).content.decode()

    assert '<select name="kind" class="form-select' in page
    assert '<select name="person" class="form-select' in page
    assert 'type="date" name="start" class="form-control' in page
    assert 'type="date" name="end" class="form-control' in page
