"""Factories for the Mobiel tests: subscriptions and Business Voicemail requests."""

from __future__ import annotations

import factory
from django.utils import timezone

from mobile.models import Subscription, SubscriptionKind, VoicemailRequest, VoicemailStatus


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    number = factory.Sequence(lambda n: f"+316{10000000 + n:08d}")
    user_name = factory.Sequence(lambda n: f"Medewerker {n}")
    kind = SubscriptionKind.VOICE_DATA


class VoicemailRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoicemailRequest

    subscription = factory.SubFactory(SubscriptionFactory)
    organisation = factory.SelfAttribute("subscription.organisation")
    company_name = "Bakkerij De Vries"
    person_name = factory.SelfAttribute("subscription.user_name")
    function = "bakker"
    requested_at = factory.LazyFunction(timezone.now)
    status = VoicemailStatus.CONCEPT
