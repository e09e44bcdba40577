"""Background work for one organisation runs inside that organisation's scope, like a page.

Only the sweeps over every organisation go without, and they read ids only (DESIGN.md).
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_scopes import get_scope

from mobile import services, studio, tasks
from mobile.models import VoicemailRequest, VoicemailStatus

from mobile_factories import SubscriptionFactory, VoicemailRequestFactory

pytestmark = pytest.mark.django_db


def _active_scope() -> tuple[bool, object]:
    current = get_scope()
    return bool(current.get("_enabled")), current.get("organisation")


def test_it_sends_a_request_to_the_studio_within_its_organisations_scope(org, subscription, monkeypatch):
    request = VoicemailRequestFactory(subscription=subscription)
    seen = []
    submit = studio.submit
    monkeypatch.setattr(studio, "submit", lambda order: (seen.append(_active_scope()), submit(order))[1])
    assert tasks.send_to_studio(request.pk) == "submitted"
    assert seen == [(True, org.pk)]


@override_settings(STUDIO_TURNAROUND_SECONDS=0)
def test_it_collects_every_organisations_voicemail_each_in_its_own_scope(
    org, other_org, subscription, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    theirs = SubscriptionFactory(organisation=other_org, number="+31699999999")
    for sub in (subscription, theirs):
        VoicemailRequestFactory(
            subscription=sub, status=VoicemailStatus.SUBMITTED, studio_reference="SIM-1-1-0"
        )
    seen = []
    render = services.render_to_string
    monkeypatch.setattr(
        services, "render_to_string", lambda *a, **k: (seen.append(_active_scope()), render(*a, **k))[1]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_voicemail_statuses()["ready"] == 2
    assert sorted(seen, key=str) == sorted([(True, org.pk), (True, other_org.pk)], key=str)
    assert set(VoicemailRequest.objects.values_list("status", flat=True)) == {VoicemailStatus.READY}
    assert len(mailoutbox) == 2


def test_it_finds_nothing_to_do_for_a_request_that_is_gone():
    assert tasks.send_to_studio(987654) == "nothing to do"
