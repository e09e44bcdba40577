"""Operator staff manage subscriptions and Business Voicemail requests in the Django admin (R1.8, R8.8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mobile.models import VoicemailRequest, VoicemailStatus

from factories import UserFactory
from mobile_factories import SubscriptionFactory, VoicemailRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:mobile_voicemailrequest_changelist")


@pytest.fixture
def staff_client(client):
    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def requests(org, other_org, subscription):
    return {
        "concept": VoicemailRequestFactory(subscription=subscription),
        "submitted": VoicemailRequestFactory(
            subscription=SubscriptionFactory(organisation=org, number="+31611111111"),
            status=VoicemailStatus.SUBMITTED,
        ),
        "other": VoicemailRequestFactory(
            subscription=SubscriptionFactory(organisation=other_org, number="+31699999999"),
            status=VoicemailStatus.SUBMITTED,
        ),
    }


def _numbers(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("06 12345678", "06 11111111", "06 99999999") if n in html}


def test_it_lists_requests_across_organisations_with_filters(staff_client, org, requests):
    assert _numbers(staff_client.get(CHANGELIST)) == {"06 12345678", "06 11111111", "06 99999999"}
    assert _numbers(staff_client.get(CHANGELIST, {"status__exact": "submitted"})) == {
        "06 11111111",
        "06 99999999",
    }
    assert _numbers(staff_client.get(CHANGELIST, {"organisation__id__exact": org.pk})) == {
        "06 12345678",
        "06 11111111",
    }


def test_it_searches_requests_by_number_as_typed(staff_client, requests):
    assert _numbers(staff_client.get(CHANGELIST, {"q": "06 1111 1111"})) == {"06 11111111"}
    assert _numbers(staff_client.get(CHANGELIST, {"q": "+3169999"})) == {"06 99999999"}


def test_it_marks_requests_submitted_and_ready_with_history_and_mail(
    staff_client, requests, django_capture_on_commit_callbacks, mailoutbox
):
    concept = requests["concept"]
    staff_client.post(CHANGELIST, {"action": "mark_submitted", "_selected_action": [concept.pk]})
    concept.refresh_from_db()
    assert concept.status == VoicemailStatus.SUBMITTED and concept.submitted_at
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "mark_ready", "_selected_action": [concept.pk]}, follow=True
        )
    assert "1 voicemail gemarkeerd als klaar." in response.content.decode()
    concept.refresh_from_db()
    assert concept.status == VoicemailStatus.READY
    assert len(mailoutbox) == 1
    users = list(concept.history.values_list("history_user__email", flat=True))
    assert users[:2] == ["staf@operator.example", "staf@operator.example"]


def test_it_rejects_with_a_reason_on_an_intermediate_page(staff_client, admin_client, requests):
    submitted = requests["submitted"]
    data = {"action": "reject", "_selected_action": [submitted.pk]}
    page = staff_client.post(CHANGELIST, data)
    assert page.status_code == 200
    assert "Reden van afwijzing" in page.content.decode()
    response = staff_client.post(CHANGELIST, {**data, "apply": "1", "reason": "Functie ontbreekt"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == VoicemailStatus.REJECTED and submitted.reject_reason == "Functie ontbreekt"
    html = admin_client.get(reverse("mobile:business_voicemail")).content.decode()
    assert "Afgewezen: Functie ontbreekt" in html


def test_it_keeps_the_reason_required(staff_client, requests):
    submitted = requests["submitted"]
    page = staff_client.post(
        CHANGELIST, {"action": "reject", "_selected_action": [submitted.pk], "apply": "1", "reason": ""}
    )
    assert page.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == VoicemailStatus.SUBMITTED


def test_it_shows_history_of_a_request(staff_client, requests):
    request = requests["concept"]
    response = staff_client.get(reverse("admin:mobile_voicemailrequest_history", args=[request.pk]))
    assert response.status_code == 200


def test_it_lets_staff_manage_subscriptions(staff_client, org, subscription):
    response = staff_client.get(reverse("admin:mobile_subscription_changelist"), {"q": "06-12345678"})
    assert "Sanne de Vries" in response.content.decode()
    assert (
        staff_client.get(reverse("admin:mobile_subscription_change", args=[subscription.pk])).status_code
        == 200
    )
    assert staff_client.get(reverse("admin:mobile_mobiledefaults_changelist")).status_code == 200
    assert VoicemailRequest.objects.count() == 0
