"""Factories for the Mobiel tests: subscriptions and Business Voicemail requests."""

from __future__ import annotations

import factory
from django.utils import timezone

from mobile.models import VoicemailRequest, VoicemailStatus

from factories import SubscriptionFactory

__all__ = ["SubscriptionFactory", "VoicemailRequestFactory"]


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
