"""Business Voicemail in the background: studio, status flow, e-mail (R8.8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from mobile import services, studio, tasks
from mobile.models import VoicemailRequest, VoicemailStatus

from mobile_factories import VoicemailRequestFactory

pytestmark = pytest.mark.django_db

STANDARD = {
    "kind": "standard",
    "company_name": "Bakkerij De Vries",
    "person_name": "Sanne",
    "function": "eigenaar",
    "own_text": "",
    "language": "nl",
    "voice": "female",
}


def _submit(org, subscription, callbacks, **values) -> VoicemailRequest:
    with callbacks(execute=True):
        services.voicemail_requests_submit(
            organisation=org,
            changes=[services.VoicemailChange(subscription=subscription, values={**STANDARD, **values})],
        )
    return VoicemailRequest.objects.get(subscription=subscription)


def test_it_goes_from_concept_to_submitted_to_ready_through_the_tasks(
    org, subscription, django_capture_on_commit_callbacks, mailoutbox, instant_studio
):
    org.notification_email = "meldingen@bakkerij.example"
    org.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.voicemail_requests_submit(
            organisation=org,
            changes=[services.VoicemailChange(subscription=subscription, values=STANDARD)],
        )
    request = VoicemailRequest.objects.get(subscription=subscription)
    assert request.status == VoicemailStatus.CONCEPT  # saved; the studio task waits for the commit
    assert len(queued) == 1
    queued[0]()
    request.refresh_from_db()
    assert request.status == VoicemailStatus.SUBMITTED
    assert request.studio_reference.startswith("SIM-") and request.submitted_at
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.advance_voicemail_statuses.delay().get()
    assert result == {"resent": 0, "ready": 1}
    request.refresh_from_db()
    assert request.status == VoicemailStatus.READY and request.ready_at
    assert [m.to for m in mailoutbox] == [["meldingen@bakkerij.example"]]
    assert "Business Voicemail voor 06 12345678 is klaar" in mailoutbox[0].subject
    assert (
        "U bent verbonden met de voicemail van Sanne, eigenaar bij Bakkerij De Vries." in mailoutbox[0].body
    )
    assert list(request.history.values_list("status", flat=True)) == ["ready", "submitted", "concept"]


def test_it_waits_for_the_studios_turnaround(org, subscription, django_capture_on_commit_callbacks):
    with override_settings(STUDIO_TURNAROUND_SECONDS=3600):
        request = _submit(org, subscription, django_capture_on_commit_callbacks)
        assert tasks.advance_voicemail_statuses() == {"resent": 0, "ready": 0}
    request.refresh_from_db()
    assert request.status == VoicemailStatus.SUBMITTED


def test_it_sends_a_request_to_the_studio_only_once(org, subscription, django_capture_on_commit_callbacks):
    request = _submit(org, subscription, django_capture_on_commit_callbacks)
    reference = request.studio_reference
    assert tasks.send_to_studio(request.pk) == "nothing to do"
    assert tasks.send_to_studio(request.pk) == "nothing to do"
    request.refresh_from_db()
    assert request.studio_reference == reference
    assert request.history.count() == 2


def test_it_records_only_the_version_it_sent(
    org, subscription, django_capture_on_commit_callbacks, monkeypatch
):
    """A change made while the studio is being called stays "Concept" and goes to the studio itself."""
    with django_capture_on_commit_callbacks(execute=False):
        services.voicemail_requests_submit(
            organisation=org, changes=[services.VoicemailChange(subscription=subscription, values=STANDARD)]
        )
    request = VoicemailRequest.objects.get(subscription=subscription)
    real_submit = studio.submit

    def submit_while_customer_changes(order):
        VoicemailRequest.objects.filter(pk=order.request_id).update(
            version=order.version + 1, person_name="Kees"
        )
        return real_submit(order)

    monkeypatch.setattr(studio, "submit", submit_while_customer_changes)
    assert tasks.send_to_studio(request.pk) == "changed meanwhile"
    request.refresh_from_db()
    assert request.status == VoicemailStatus.CONCEPT and request.studio_reference == ""
    monkeypatch.setattr(studio, "submit", real_submit)
    assert tasks.send_to_studio(request.pk) == "submitted"
    request.refresh_from_db()
    assert request.studio_reference.startswith(f"SIM-{request.pk}-2-")


def test_it_does_not_mark_a_changed_request_ready_for_an_old_recording(
    org, subscription, django_capture_on_commit_callbacks, instant_studio
):
    request = _submit(org, subscription, django_capture_on_commit_callbacks)
    old_reference = request.studio_reference
    with override_settings(STUDIO_TURNAROUND_SECONDS=3600):
        request = _submit(org, subscription, django_capture_on_commit_callbacks, person_name="Sanne Bakker")
    assert request.version == 2 and request.status == VoicemailStatus.SUBMITTED
    assert not services.voicemail_mark_ready(request_id=request.pk, reference=old_reference)
    with override_settings(STUDIO_TURNAROUND_SECONDS=3600):
        tasks.advance_voicemail_statuses()
    request.refresh_from_db()
    assert request.status == VoicemailStatus.SUBMITTED


def test_it_resends_a_request_whose_task_was_lost(org, subscription, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: the task never ran
        services.voicemail_requests_submit(
            organisation=org, changes=[services.VoicemailChange(subscription=subscription, values=STANDARD)]
        )
    request = VoicemailRequest.objects.get(subscription=subscription)
    assert tasks.advance_voicemail_statuses()["resent"] == 0  # too fresh: its own task may still come
    VoicemailRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    assert tasks.advance_voicemail_statuses()["resent"] == 1
    request.refresh_from_db()
    assert request.status == VoicemailStatus.SUBMITTED


def test_it_mails_a_ready_voicemail_once_in_the_organisations_language(
    org, subscription, django_capture_on_commit_callbacks, mailoutbox
):
    org.language = "en"
    org.notification_email = ""
    org.save()
    request = VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.voicemail_mark_ready(request_id=request.pk)
        assert not services.voicemail_mark_ready(request_id=request.pk)
    assert tasks.mail_voicemail_ready(request.pk) is False  # already sent
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [org.contact_email]  # no notification address: the contact address
    assert "Business Voicemail for 06 12345678 is ready" in mail.subject
    assert "is ready and active" in mail.body


def test_it_queues_the_ready_mail_on_commit(
    org, subscription, django_capture_on_commit_callbacks, mailoutbox
):
    request = VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.voicemail_mark_ready(request_id=request.pk)
    assert mailoutbox == [] and len(callbacks) == 1


def test_it_rejects_with_a_reason_and_the_customer_can_resubmit(
    org, subscription, django_capture_on_commit_callbacks
):
    request = _submit(org, subscription, django_capture_on_commit_callbacks)
    with pytest.raises(Exception, match="reden"):
        services.voicemail_reject(request_id=request.pk, reason="  ")
    assert services.voicemail_reject(request_id=request.pk, reason="Naam onduidelijk")
    request.refresh_from_db()
    assert request.status == VoicemailStatus.REJECTED and request.reject_reason == "Naam onduidelijk"
    # The same data again: a rejected request is sent again even unchanged.
    request = _submit(org, subscription, django_capture_on_commit_callbacks)
    assert (
        request.status == VoicemailStatus.SUBMITTED and request.reject_reason == "" and request.version == 2
    )


def test_it_leaves_a_request_for_the_sweep_when_the_studio_is_down_instead_of_a_retry_in_the_broker(
    org, subscription, django_capture_on_commit_callbacks, monkeypatch
):
    def studio_down(order):
        raise studio.StudioError("studio down")

    monkeypatch.setattr(studio, "submit", studio_down)
    scheduled = []
    monkeypatch.setattr(tasks.send_to_studio, "retry", lambda *a, **kw: scheduled.append(kw))
    request = _submit(org, subscription, django_capture_on_commit_callbacks)
    assert tasks.send_to_studio.run(request.pk) == "studio unavailable"
    assert scheduled == []  # nothing waits in the broker
    request.refresh_from_db()
    assert request.status == VoicemailStatus.CONCEPT

    monkeypatch.undo()
    VoicemailRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    assert tasks.advance_voicemail_statuses()["resent"] == 1
    request.refresh_from_db()
    assert request.status == VoicemailStatus.SUBMITTED
