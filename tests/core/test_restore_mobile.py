"""Terugzetten for Mobiel (issue 14): a subscription's limits and blocking, the general mobile
settings and a Business Voicemail request, each through its own service and its rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.history_lines import build_entries, kinds
from core.models import ChangeRecord
from core.restore import restore
from mobile import services
from mobile.models import (
    MobileDefaults,
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailRequest,
    VoicemailStatus,
)

from factories import SubscriptionFactory

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


def _latest(org) -> ChangeRecord:
    return ChangeRecord.objects.filter(organisation=org).latest("at", "pk")


@pytest.fixture
def subscription(org):
    return SubscriptionFactory(organisation=org, number="+31612345678", user_name="Sanne")


def _restore(client, change, token):
    return client.post(reverse("history:restore", args=[change.pk]), {"object": token}, follow=True)


def test_it_puts_back_a_subscriptions_limits_and_sim_blocking_from_its_page(
    admin_client, org, admin, subscription
):
    services.subscription_update(
        subscription=subscription, values={"spending_limit": Decimal("25")}, by=admin
    )
    services.subscription_update(
        subscription=subscription,
        values={"spending_limit": Decimal("100"), "block_roaming_data": True},
        block_sim=True,
        by=admin,
    )
    change = _latest(org)
    section = admin_client.get(
        reverse("history:object"), {"object": f"mobile.subscription:{subscription.pk}"}
    ).content.decode()
    assert "history-restore" in section
    (entry,) = build_entries([change], org)
    assert "Maandelijkse bestedingslimiet (€): 25,00 → 100,00" in entry.groups[0].lines
    assert "Status: Actief → SIM geblokkeerd" in entry.groups[0].lines

    response = _restore(admin_client, change, f"mobile.subscription:{subscription.pk}")

    assert "Teruggezet zoals het was vóór deze wijziging." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.spending_limit == Decimal("25")
    assert (subscription.block_roaming_data, subscription.status) == (False, SubscriptionStatus.ACTIVE)
    restored = _latest(org)
    assert restored.summary == "Restored to an earlier state" and restored.by == admin


def test_it_refuses_to_put_back_a_terminated_subscription_with_the_reason_of_its_page(
    admin_client, org, admin, subscription
):
    services.subscription_update(subscription=subscription, values={"user_name": "Piet"}, by=admin)
    change = _latest(org)
    type(subscription).objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.TERMINATED)

    response = _restore(admin_client, change, f"mobile.subscription:{subscription.pk}")

    assert (
        "Terugzetten is niet gelukt: Dit abonnement is opgezegd en kan niet meer worden gewijzigd."
        in response.content.decode()
    )
    subscription.refresh_from_db()
    assert subscription.user_name == "Piet"


def test_it_puts_back_the_general_mobile_settings(admin_client, org, admin):
    services.mobile_defaults_update(organisation=org, values={"block_premium_sms": False}, by=admin)
    created = _latest(org)
    services.mobile_defaults_update(
        organisation=org, values={"block_premium_sms": True, "data_limit_gb": Decimal("5")}, by=admin
    )
    change = _latest(org)
    section = admin_client.get(reverse("history:object"), {"kind": "mobile.mobiledefaults"}).content.decode()
    assert section.count("history-restore") == 1  # not on the change that made them: nothing came before
    assert build_entries([created], org)[0].groups[0].restorable is False
    token = f"mobile.mobiledefaults:{MobileDefaults.objects.get(organisation=org).pk}"

    response = _restore(admin_client, change, token)

    assert "Teruggezet" in response.content.decode()
    defaults = MobileDefaults.objects.get(organisation=org)
    assert (defaults.block_premium_sms, defaults.data_limit_gb) == (False, None)


def test_it_refuses_general_mobile_settings_that_break_a_rule_now_with_the_reason(admin_client, org, admin):
    org.notification_email = "meldingen@bakkerij.example"
    org.contact_email = ""
    org.save()
    services.mobile_defaults_update(
        organisation=org, values={"alert_80": True, "data_limit_gb": Decimal("5")}, by=admin
    )
    services.mobile_defaults_update(organisation=org, values={"alert_80": False}, by=admin)
    change = _latest(org)
    org.notification_email = ""
    org.save()
    token = f"mobile.mobiledefaults:{MobileDefaults.objects.get(organisation=org).pk}"

    response = _restore(admin_client, change, token)

    assert "Terugzetten is niet gelukt" in response.content.decode()
    assert "ontvangt" in response.content.decode()  # "Vul het e-mailadres in dat de meldingen ontvangt …"
    assert MobileDefaults.objects.get(organisation=org).alert_80 is False


def test_it_puts_back_a_voicemail_text_and_sends_it_to_the_studio_again(
    admin_client, org, admin, subscription
):
    services.voicemail_requests_submit(
        organisation=org,
        by=admin,
        changes=[services.VoicemailChange(subscription=subscription, values=STANDARD)],
    )
    VoicemailRequest.objects.filter(subscription=subscription).update(status=VoicemailStatus.READY)
    services.voicemail_requests_submit(
        organisation=org,
        by=admin,
        changes=[
            services.VoicemailChange(subscription=subscription, values={**STANDARD, "person_name": "Piet"})
        ],
    )
    change = _latest(org)
    request = VoicemailRequest.objects.get(subscription=subscription)
    section = admin_client.get(
        reverse("history:object"), {"kind": "mobile.voicemailrequest"}
    ).content.decode()
    assert "Sanne → Piet" in section

    response = _restore(admin_client, change, f"mobile.voicemailrequest:{request.pk}")

    assert "Teruggezet zoals het was vóór deze wijziging." in response.content.decode()
    request.refresh_from_db()
    assert (request.person_name, request.status, request.version) == ("Sanne", VoicemailStatus.CONCEPT, 3)
    again = _restore(admin_client, change, f"mobile.voicemailrequest:{request.pk}")
    assert "Er is niets terug te zetten" in again.content.decode()


def test_it_refuses_a_voicemail_request_of_a_subscription_that_can_no_longer_have_it(
    org, admin, subscription
):
    services.voicemail_requests_submit(
        organisation=org,
        by=admin,
        changes=[services.VoicemailChange(subscription=subscription, values=STANDARD)],
    )
    services.voicemail_requests_submit(
        organisation=org,
        by=admin,
        changes=[
            services.VoicemailChange(subscription=subscription, values={**STANDARD, "person_name": "Piet"})
        ],
    )
    change = _latest(org)
    type(subscription).objects.filter(pk=subscription.pk).update(kind=SubscriptionKind.DATA_ONLY)
    request = VoicemailRequest.objects.get(subscription=subscription)

    with pytest.raises(ValidationError) as refused:
        restore(record=change, kind=kinds()["mobile.voicemailrequest"], object_id=request.pk, by=admin)

    assert "alleen data" in " ".join(refused.value.messages).lower()
    request.refresh_from_db()
    assert request.person_name == "Piet"


def test_it_lets_a_read_only_member_see_but_not_restore_and_hides_it_from_another_organisation(
    readonly_client, outsider_client, org, admin, subscription
):
    services.subscription_update(subscription=subscription, values={"user_name": "Piet"}, by=admin)
    change = _latest(org)
    token = f"mobile.subscription:{subscription.pk}"
    section = readonly_client.get(reverse("history:object"), {"object": token}).content.decode()
    assert "Sanne → Piet" in section and "history-restore" not in section

    assert (
        readonly_client.post(reverse("history:restore", args=[change.pk]), {"object": token}).status_code
        == 403
    )
    assert (
        outsider_client.post(reverse("history:restore", args=[change.pk]), {"object": token}).status_code
        == 404
    )
    foreign = outsider_client.get(reverse("history:object"), {"object": token}).content.decode()
    assert "Piet" not in foreign
    subscription.refresh_from_db()
    assert subscription.user_name == "Piet"


def test_it_offers_no_restore_for_a_subscription_deleted_since(admin_client, org, admin, subscription):
    services.subscription_update(subscription=subscription, values={"user_name": "Piet"}, by=admin)
    change = _latest(org)
    assert build_entries([change], org)[0].groups[0].restorable
    pk = subscription.pk
    subscription.delete()  # by the operator: a subscription is not created again from the history

    (entry,) = build_entries([change], org)

    assert entry.groups[0].lines == ["Naam gebruiker: Sanne → Piet"] and not entry.groups[0].restorable
    assert "history-restore" not in admin_client.get(reverse("history:index")).content.decode()
    with pytest.raises(ValidationError) as refused:
        restore(record=change, kind=kinds()["mobile.subscription"], object_id=pk, by=admin)
    assert "verwijderd" in " ".join(refused.value.messages)
