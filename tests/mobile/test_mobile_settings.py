"""Algemene mobiele instellingen: defaults for new subscriptions, and applying them to all (R8.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mobile import services
from mobile.models import MobileDefaults, Subscription, SubscriptionStatus

from mobile_factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "spending_limit": "75",
    "data_limit_gb": "15",
    "alert_80": "on",
    "alert_100": "on",
    "block_roaming_data": "on",
    "block_premium_numbers": "on",
    "block_premium_sms": "on",
}


def test_it_shows_the_general_mobile_settings(admin_client, subscription):
    html = admin_client.get(reverse("mobile:index")).content.decode()
    assert f'href="{reverse("mobile:settings")}"' in html
    html = admin_client.get(reverse("mobile:settings")).content.decode()
    assert '<h1 class="h3 mb-1">Algemene mobiele instellingen</h1>' in html
    assert "Bestedingslimiet per maand" in html


def test_it_saves_the_defaults_and_new_subscriptions_get_them(admin_client, org):
    response = admin_client.post(reverse("mobile:settings"), DEFAULTS, follow=True)
    assert "Wijzigingen opgeslagen." in response.content.decode()
    defaults = MobileDefaults.objects.get(organisation=org)
    assert defaults.spending_limit == Decimal("75") and defaults.block_roaming_data
    assert defaults.history.count() == 1
    new = services.subscription_create(organisation=org, number="06 5555 1234", user_name="Nieuw")
    assert new.number == "+31655551234"
    assert new.spending_limit == Decimal("75")
    assert new.data_limit_gb == Decimal("15")
    assert (new.alert_50, new.alert_80, new.alert_100) == (False, True, True)
    assert new.block_roaming_data and not new.block_roaming_calls


def test_it_refuses_bad_defaults_in_dutch(admin_client, org):
    response = admin_client.post(reverse("mobile:settings"), {**DEFAULTS, "data_limit_gb": "veel"})
    assert response.status_code == 400
    assert "Vul een aantal GB in, bijvoorbeeld 10 of 2,5." in response.content.decode()
    assert not MobileDefaults.objects.filter(organisation=org).exists()


def test_it_says_how_many_subscriptions_change_before_applying_to_all(admin_client, org):
    services.mobile_defaults_update(organisation=org, values={"spending_limit": Decimal("75")})
    SubscriptionFactory.create_batch(3, organisation=org)  # factory: no limit, differs
    services.subscription_create(organisation=org, number="+31655551234")  # has the defaults already
    html = admin_client.get(reverse("mobile:settings")).content.decode()
    assert "3 abonnementen hebben andere limieten of blokkeringen" in html
    response = admin_client.get(reverse("mobile:settings_apply"))
    html = response.content.decode()
    assert "Dit wijzigt de limieten en blokkeringen van 3 abonnementen:" in html
    assert "Ja, wijzig 3 abonnementen" in html


def test_it_applies_the_defaults_to_all_existing_subscriptions(admin_client, org, other_org):
    services.mobile_defaults_update(
        organisation=org, values={"spending_limit": Decimal("75"), "block_roaming_data": True}
    )
    mine = SubscriptionFactory.create_batch(3, organisation=org)
    blocked = SubscriptionFactory(organisation=org, status=SubscriptionStatus.BLOCKED)
    ended = SubscriptionFactory(organisation=org, status=SubscriptionStatus.TERMINATED)
    theirs = SubscriptionFactory(organisation=other_org)
    response = admin_client.post(reverse("mobile:settings_apply"), follow=True)
    assert "4 abonnementen hebben nu de algemene mobiele instellingen." in response.content.decode()
    for s in [*mine, blocked]:
        s.refresh_from_db()
        assert s.spending_limit == Decimal("75") and s.block_roaming_data
        assert s.history.count() == 2  # history on every change
    blocked.refresh_from_db()
    assert blocked.status == SubscriptionStatus.BLOCKED  # a lost phone stays blocked
    ended.refresh_from_db()
    theirs.refresh_from_db()
    assert ended.spending_limit is None and theirs.spending_limit is None
    html = admin_client.get(reverse("mobile:settings")).content.decode()
    assert "Alle abonnementen hebben deze instellingen." in html


def test_it_refuses_the_general_settings_to_a_read_only_member(readonly_client, org):
    html = readonly_client.get(reverse("mobile:settings")).content.decode()
    assert "<fieldset disabled>" in html
    assert readonly_client.post(reverse("mobile:settings"), DEFAULTS).status_code == 403
    assert readonly_client.post(reverse("mobile:settings_apply")).status_code == 403
    assert not MobileDefaults.objects.filter(organisation=org).exists()


def test_it_gives_a_subscription_added_in_the_admin_the_defaults(client, org):
    from factories import UserFactory

    services.mobile_defaults_update(organisation=org, values={"data_limit_gb": Decimal("8")})
    staff = UserFactory(email="staf@operator.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:mobile_subscription_add"),
        {
            "organisation": org.pk,
            "number": "06 1111 2222",
            "user_name": "Nieuwe collega",
            "kind": "voice_data",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Subscription.objects.get(number="+31611112222")
    assert created.data_limit_gb == Decimal("8")
    assert created.history.first().history_user == staff


def test_it_runs_a_fixed_number_of_queries_on_the_settings_and_a_subscription(
    admin_client, org, subscription, django_assert_max_num_queries
):
    def count(url: str) -> int:
        with django_assert_max_num_queries(10) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured.captured_queries)

    pages = [reverse("mobile:settings"), reverse("mobile:subscription", args=[subscription.pk])]
    few = [count(url) for url in pages]
    SubscriptionFactory.create_batch(200, organisation=org)
    assert [count(url) for url in pages] == few
