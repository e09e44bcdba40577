"""Geschiedenis (issue 14): the organisation's history, an object's history, Terugzetten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import ChangeRecord, PbxSync
from pbx.models import NightMode, NightModeSetting
from pbx.services.night_mode import night_mode_update

from factories import PbxUserFactory

pytestmark = pytest.mark.django_db


def _set_destination(org, by, **destination):
    return night_mode_update(
        organisation=org,
        by=by,
        setting=NightModeSetting.OFF,
        time_schedule=None,
        holiday_schedule=None,
        **destination,
    )


def test_it_shows_a_night_mode_change_with_the_name_and_puts_it_back_in_one_click(admin_client, admin, org):
    admin.first_name, admin.last_name = "Els", "de Vries"
    admin.save()
    sales = PbxUserFactory(organisation=org, first_name="Piet", last_name="Verkoop")
    _set_destination(org, admin)
    _set_destination(org, admin, destination_kind="entry", destination_entry=sales.entry)
    revision = PbxSync.objects.get(organisation=org).desired_revision

    page = admin_client.get(reverse("history:index")).content.decode()

    assert "Els de Vries (beheerder@bakkerij.example)" in page
    assert "Nachtschakeling" in page
    assert f"bedrijfsvoicemail (999) → Piet Verkoop (gebruiker, {sales.entry.extension})" in page
    change = ChangeRecord.objects.filter(organisation=org).latest("at")
    response = admin_client.post(
        reverse("history:restore", args=[change.pk]),
        {"object": f"pbx.nightmode:{NightMode.objects.get(organisation=org).pk}"},
        follow=True,
    )
    assert "Teruggezet" in response.content.decode() or "teruggezet" in response.content.decode()
    night = NightMode.objects.get(organisation=org)
    assert night.destination_kind == "voicemail"
    assert night.destination_entry is None
    assert PbxSync.objects.get(organisation=org).desired_revision == revision + 1
    latest = ChangeRecord.objects.filter(organisation=org).latest("at")
    assert latest.summary == "Restored to an earlier state"
    assert latest.pbx_revision == revision + 1
