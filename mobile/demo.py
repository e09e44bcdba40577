"""Demo subscriptions and Business Voicemail requests (run by `manage.py demo`; idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Organisation

from . import services, studio
from .models import (
    MobileDefaults,
    Subscription,
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailKind,
    VoicemailRequest,
    VoicemailStatus,
)

BAKKERIJ_PEOPLE = [
    "Sanne de Vries",
    "Jan de Vries",
    "Fatima El Amrani",
    "Pieter Bakker",
    "Lotte Jansen",
    "Mehmet Yilmaz",
    "Eva van Dijk",
    "Daan Visser",
    "Noor Smit",
    "Bram Mulder",
    "Sophie de Boer",
    "Lucas Meijer",
    "Emma Bos",
    "Thijs Vos",
    "Julia Peters",
    "Ruben Hendriks",
    "Anna van Leeuwen",
    "Milan Dekker",
    "Sara Brouwer",
    "Jesse de Wit",
    "Iris Dijkstra",
    "Tim Smits",
]
BAKKERIJ_DATA_ONLY = ["Tablet winkel Centrum", "Tablet bezorgbus", "Pinautomaat markt"]
BAKKERIJ_FUNCTIONS = ["eigenaar", "bedrijfsleider", "bakker", "verkoop", "bezorging"]
JANSEN_PEOPLE = ["Piet Jansen", "Karin Jansen", "Stefan de Groot", "Wouter Kok", "Yara Bakker"]


def _subscriptions(
    organisation: Organisation, prefix: str, people: list[str], data_only: list[str]
) -> list[Subscription]:
    result = []
    for i, (name, kind) in enumerate(
        [(p, SubscriptionKind.VOICE_DATA) for p in people]
        + [(d, SubscriptionKind.DATA_ONLY) for d in data_only]
    ):
        number = f"{prefix}{i + 1:04d}"
        subscription = Subscription.objects.filter(number=number).first()
        if subscription is None:
            subscription = services.subscription_create(
                organisation=organisation, number=number, user_name=name, kind=kind
            )
        result.append(subscription)
    return result


def _request(
    subscription: Subscription,
    status: str,
    *,
    company: str,
    function: str = "",
    own_text: str = "",
    language: str = "nl",
    voice: str = "female",
    days_ago: int = 0,
    reason: str = "",
) -> None:
    if VoicemailRequest.objects.filter(subscription=subscription).exists():
        return
    now = timezone.now()
    requested = now - timedelta(days=days_ago, hours=2)
    request = VoicemailRequest(
        organisation=subscription.organisation,
        subscription=subscription,
        kind=VoicemailKind.OWN if own_text else VoicemailKind.STANDARD,
        company_name=company,
        person_name=subscription.user_name,
        function=function,
        own_text=own_text,
        language=language,
        voice=voice,
        status=status,
        reject_reason=reason,
        requested_at=requested,
    )
    if status in (VoicemailStatus.SUBMITTED, VoicemailStatus.READY, VoicemailStatus.REJECTED):
        request.submitted_at = requested + timedelta(minutes=5)
        request.studio_reference = f"DEMO-{subscription.number}"
    if status == VoicemailStatus.READY:
        request.ready_at = requested + timedelta(days=min(days_ago, 12))
        request.ready_mailed_at = request.ready_at
    request.full_clean()
    request.save()
    if status == VoicemailStatus.SUBMITTED:
        # A real order with the simulated studio, so that a running worker finishes it.
        order = studio.StudioOrder(
            request_id=request.pk,
            version=request.version,
            number=subscription.number,
            language=language,
            voice=voice,
            text=request.text,
        )
        VoicemailRequest.objects.filter(pk=request.pk).update(studio_reference=studio.submit(order))


def load(organisations: dict[str, Organisation]) -> None:
    bakkerij = organisations["bakkerij"]
    jansen = organisations["jansen"]
    MobileDefaults.objects.get_or_create(
        organisation=bakkerij,
        defaults={
            "spending_limit": Decimal("50.00"),
            "data_limit_gb": Decimal("10.0"),
            "alert_80": True,
            "alert_100": True,
            "block_premium_numbers": True,
            "block_premium_sms": True,
        },
    )
    subs = _subscriptions(bakkerij, "+3161200", BAKKERIJ_PEOPLE, BAKKERIJ_DATA_ONLY)
    # Some subscriptions with their own settings, one lost phone, one ended.
    changes: dict[int, dict[str, Any]] = {
        1: {"spending_limit": Decimal("100.00"), "data_limit_gb": Decimal("20.0")},
        4: {"block_roaming_data": True, "block_international_calls": True},
        7: {"spending_limit": None, "alert_80": False, "alert_100": False},
    }
    for index, values in changes.items():
        if subs[index].history.count() == 1:
            services.subscription_update(subscription=subs[index], values=values)
    Subscription.objects.filter(pk=subs[9].pk, status=SubscriptionStatus.ACTIVE).update(
        status=SubscriptionStatus.BLOCKED
    )
    Subscription.objects.filter(pk=subs[21].pk, status=SubscriptionStatus.ACTIVE).update(
        status=SubscriptionStatus.TERMINATED
    )

    company = "Bakkerij De Vries"
    _request(subs[0], VoicemailStatus.READY, company=company, function="eigenaar", days_ago=40)
    _request(subs[1], VoicemailStatus.READY, company=company, function="bedrijfsleider", days_ago=38)
    _request(
        subs[2],
        VoicemailStatus.READY,
        company=company,
        own_text=(
            "Goedemorgen, u spreekt met de voicemail van Fatima van Bakkerij De Vries. "
            "Voor bestellingen belt u de winkel op 020 555 1000. Laat anders een bericht achter."
        ),
        days_ago=30,
    )
    _request(subs[3], VoicemailStatus.SUBMITTED, company=company, function="bakker", days_ago=3)
    _request(
        subs[4], VoicemailStatus.SUBMITTED, company=company, function="verkoop", language="en", voice="male"
    )
    _request(subs[5], VoicemailStatus.CONCEPT, company=company, function="bezorging")
    _request(
        subs[6],
        VoicemailStatus.REJECTED,
        company=company,
        function="marketing manager",
        days_ago=5,
        reason="De functie is in het Engels; kies Engels als taal of gebruik een Nederlandse functie.",
    )

    jansen_subs = _subscriptions(jansen, "+3165400", JANSEN_PEOPLE, ["Router bedrijfsbus"])
    _request(
        jansen_subs[0],
        VoicemailStatus.READY,
        company="Jansen Installatietechniek",
        function="directeur",
        days_ago=20,
    )
    _request(
        jansen_subs[1], VoicemailStatus.SUBMITTED, company="Jansen Installatietechniek", function="planning"
    )
