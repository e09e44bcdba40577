"""The Mobiel tab: the list of subscriptions (R1.4, R8.1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mobile.models import SubscriptionKind, SubscriptionStatus, VoicemailStatus

from mobile_factories import SubscriptionFactory, VoicemailRequestFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> str:
    html = response.content.decode()
    return html.split('id="subscription-results"', 1)[1]


def test_it_lists_number_user_type_status_and_voicemail_status(admin_client, subscription, data_only):
    VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.SUBMITTED)
    response = admin_client.get(reverse("mobile:index"))
    assert response.status_code == 200
    rows = _rows(response)
    assert "06 12345678" in rows
    assert "Sanne de Vries" in rows
    assert "Bellen en data" in rows
    assert "Alleen data" in rows
    assert "Actief" in rows
    assert "Aanvraag ingediend" in rows
    assert "Niet mogelijk" in rows  # no Business Voicemail for data only
    assert f'href="{reverse("mobile:subscription", args=[subscription.pk])}"' in rows


def test_it_shows_only_the_organisations_own_subscriptions(admin_client, subscription, foreign_subscription):
    rows = _rows(admin_client.get(reverse("mobile:index")))
    assert "06 12345678" in rows
    assert "06 99999999" not in rows


def test_it_shows_the_empty_state_without_subscriptions(admin_client):
    html = admin_client.get(reverse("mobile:index")).content.decode()
    assert "Hier komen uw mobiele abonnementen" in html


@pytest.mark.parametrize(
    "query", ["06 1234 5678", "0612345678", "+31 6 12345678", "12345", "sanne", "De Vries"]
)
def test_it_finds_a_subscription_by_number_or_name(admin_client, org, subscription, query):
    SubscriptionFactory(organisation=org, number="+31611111111", user_name="Kees Kok")
    rows = _rows(admin_client.get(reverse("mobile:index"), {"q": query}))
    assert "06 12345678" in rows
    assert "Kees Kok" not in rows


def test_it_says_so_when_nothing_matches(admin_client, subscription):
    rows = _rows(admin_client.get(reverse("mobile:index"), {"q": "Nobody"}))
    assert "Geen abonnementen gevonden" in rows


def test_it_filters_by_type_and_status(admin_client, org, subscription, data_only):
    SubscriptionFactory(organisation=org, user_name="Kwijt", status=SubscriptionStatus.BLOCKED)
    rows = _rows(admin_client.get(reverse("mobile:index"), {"kind": SubscriptionKind.DATA_ONLY}))
    assert "Tablet winkel" in rows and "Sanne de Vries" not in rows and "Kwijt" not in rows
    rows = _rows(admin_client.get(reverse("mobile:index"), {"status": SubscriptionStatus.BLOCKED}))
    assert "Kwijt" in rows and "SIM geblokkeerd" in rows and "Sanne de Vries" not in rows


def test_it_pages_the_list(admin_client, org):
    SubscriptionFactory.create_batch(30, organisation=org)
    first = _rows(admin_client.get(reverse("mobile:index")))
    assert first.count("<tr>") == 26  # header + 25
    assert "Pagina 1 van 2" in first
    assert "30 abonnementen" in first
    second = _rows(admin_client.get(reverse("mobile:index"), {"page": 2}))
    assert second.count("<tr>") == 6


def test_it_answers_htmx_with_only_the_results(admin_client, subscription):
    response = admin_client.get(
        reverse("mobile:index"),
        {"q": "sanne"},
        headers={"HX-Request": "true", "HX-Target": "subscription-results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="subscription-results"')
    assert "<html" not in html
    assert "Sanne de Vries" in html


def test_it_links_to_business_voicemail_with_instellen(admin_client, subscription):
    html = admin_client.get(reverse("mobile:index")).content.decode()
    assert f'href="{reverse("mobile:business_voicemail")}">Instellen</a>' in html


def _list_queries(client, django_assert_max_num_queries, limit) -> None:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(reverse("mobile:index"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_it_runs_a_fixed_number_of_queries_for_10_or_500_subscriptions(
    admin_client, org, django_assert_max_num_queries
):
    small = SubscriptionFactory.create_batch(10, organisation=org)
    for s in small[:5]:
        VoicemailRequestFactory(subscription=s)
    few = _list_queries(admin_client, django_assert_max_num_queries, 12)
    many = SubscriptionFactory.create_batch(490, organisation=org)
    for s in many[:200]:
        VoicemailRequestFactory(subscription=s, status=VoicemailStatus.READY)
    lots = _list_queries(admin_client, django_assert_max_num_queries, 12)
    assert few == lots
