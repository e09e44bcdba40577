"""A subscription's page: user name, limits, alerts and blocking (R8.1)."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from mobile.models import Subscription, SubscriptionStatus

from mobile_factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def _form(**changes) -> dict:
    data = {
        "user_name": "Sanne de Vries",
        "spending_limit": "",
        "data_limit_gb": "",
        "alert_email": "",
        "block_premium_numbers": "on",
        "block_premium_sms": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _url(subscription) -> str:
    return reverse("mobile:subscription", args=[subscription.pk])


def test_it_shows_the_subscription_with_its_limits_and_blocking(admin_client, subscription):
    html = admin_client.get(_url(subscription)).content.decode()
    assert "06 12345678" in html
    for label in ["Bestedingslimiet per maand", "Datalimiet", "bij 50%", "bij 80%", "bij 100%"]:
        assert label in html
    for label in ["Bellen naar internationale nummers", "Bellen in het buitenland", "Data in het buitenland"]:
        assert label in html
    assert "Betaalnummers" in html and "Betaalde sms-diensten" in html
    assert "De hele simkaart (telefoon kwijt of gestolen)" in html


def test_it_saves_name_limits_alerts_and_blocking_with_a_confirmation(admin_client, subscription):
    response = admin_client.post(
        _url(subscription),
        _form(
            user_name="  Sanne Bakker ",
            spending_limit="€ 49,95",
            data_limit_gb="2,5",
            alert_80="on",
            alert_100="on",
            alert_email="baas@bakkerij.example",
            block_international_calls="on",
            block_roaming_data="on",
            block_premium_sms=None,
        ),
        follow=True,
    )
    assert "Wijzigingen opgeslagen." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.user_name == "Sanne Bakker"
    assert subscription.spending_limit == Decimal("49.95")
    assert subscription.data_limit_gb == Decimal("2.5")
    assert (subscription.alert_50, subscription.alert_80, subscription.alert_100) == (False, True, True)
    assert subscription.alert_email == "baas@bakkerij.example"
    assert subscription.block_international_calls and subscription.block_roaming_data
    assert not subscription.block_roaming_calls and not subscription.block_premium_sms
    assert subscription.history.count() == 2
    assert subscription.history.first().history_user.email == "beheerder@bakkerij.example"


def test_it_shows_saved_amounts_the_dutch_way(admin_client, subscription):
    Subscription.objects.filter(pk=subscription.pk).update(spending_limit=Decimal("49.95"))
    assert 'value="49,95"' in admin_client.get(_url(subscription)).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"spending_limit": "veel"},
            "spending_limit",
            "Vul een bedrag in euro's in, bijvoorbeeld 50 of 49,95.",
        ),
        ({"spending_limit": "-5"}, "spending_limit", "Vul een bedrag van € 0 of meer in"),
        ({"spending_limit": "20000"}, "spending_limit", "De bestedingslimiet kan hoogstens € 10.000 zijn."),
        ({"spending_limit": "10,999"}, "spending_limit", "Gebruik hoogstens 2 cijfers achter de komma."),
        ({"data_limit_gb": "twee"}, "data_limit_gb", "Vul een aantal GB in, bijvoorbeeld 10 of 2,5."),
        ({"data_limit_gb": "0"}, "data_limit_gb", "Vul minstens 0,1 GB in"),
        ({"data_limit_gb": "5000"}, "data_limit_gb", "De datalimiet kan hoogstens 1000 GB zijn."),
        ({"alert_email": "geen-adres"}, "alert_email", "Vul een geldig e-mailadres in"),
        ({"alert_80": "on"}, "alert_100", "Stel eerst een bestedingslimiet of een datalimiet in"),
    ],
)
def test_it_refuses_bad_values_with_clear_dutch_errors(admin_client, subscription, changes, field, message):
    response = admin_client.post(_url(subscription), _form(**changes))
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html
    assert f'id="error_1_id_{field}"' in html  # the message is shown at its field
    subscription.refresh_from_db()
    assert subscription.spending_limit is None and subscription.data_limit_gb is None
    assert not subscription.alert_80


def test_it_needs_an_alert_address_when_the_organisation_has_none(admin_client, org, subscription):
    org.notification_email = org.contact_email = ""
    org.save()
    response = admin_client.post(_url(subscription), _form(spending_limit="50", alert_100="on"))
    assert response.status_code == 400
    assert "Vul het e-mailadres in dat de meldingen ontvangt" in response.content.decode()
    org.notification_email = "meldingen@bakkerij.example"
    org.save()
    response = admin_client.post(_url(subscription), _form(spending_limit="50", alert_100="on"))
    assert response.status_code == 302


def test_it_blocks_and_frees_the_whole_sim(admin_client, subscription):
    admin_client.post(_url(subscription), _form(block_sim="on"))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.BLOCKED
    html = admin_client.get(reverse("mobile:index")).content.decode()
    assert "SIM geblokkeerd" in html
    admin_client.post(_url(subscription), _form())
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_it_asks_before_blocking_the_sim(admin_client, subscription):
    html = admin_client.get(_url(subscription)).content.decode()
    assert 'data-sim-confirm="De hele simkaart van 06 12345678 blokkeren?' in html
    assert "js/mobile.js" in html


def test_it_refuses_changes_to_a_terminated_subscription(admin_client, org):
    ended = SubscriptionFactory(organisation=org, status=SubscriptionStatus.TERMINATED)
    html = admin_client.get(_url(ended)).content.decode()
    assert "Dit abonnement is opgezegd" in html
    assert "<fieldset disabled>" in html
    response = admin_client.post(_url(ended), _form(user_name="Iemand anders"), follow=True)
    assert "Dit abonnement is opgezegd en kan niet meer worden gewijzigd." in response.content.decode()
    ended.refresh_from_db()
    assert ended.user_name != "Iemand anders"


def test_it_answers_404_for_another_tenants_subscription(admin_client, foreign_subscription):
    assert admin_client.get(_url(foreign_subscription)).status_code == 404
    assert admin_client.post(_url(foreign_subscription), _form(user_name="Overgenomen")).status_code == 404
    foreign_subscription.refresh_from_db()
    assert foreign_subscription.user_name == "Piet Jansen"


def test_it_lets_a_read_only_member_look_but_not_change(readonly_client, subscription):
    html = readonly_client.get(_url(subscription)).content.decode()
    assert "<fieldset disabled>" in html
    assert ">Opslaan</button>" not in html
    assert readonly_client.post(_url(subscription), _form(user_name="Kijker")).status_code == 403


def test_it_hides_the_tab_from_an_organisation_without_mobile(client, org, subscription):
    from factories import MembershipFactory, OrganisationFactory

    no_mobile = OrganisationFactory(has_pbx=True)
    client.force_login(MembershipFactory(organisation=no_mobile).user)
    assert client.get(_url(subscription)).status_code == 404
    assert client.get(reverse("mobile:index")).status_code == 404
