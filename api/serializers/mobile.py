"""Mobile subscriptions (R8: limits and blocking) and Business Voicemail requests in the API."""

from __future__ import annotations

from rest_framework import serializers

from mobile.models import (
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailKind,
    VoicemailLanguage,
    VoicemailStatus,
    VoicemailVoice,
)

from .common import version_field


class SubscriptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    user_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SubscriptionKind.choices)
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices)
    spending_limit = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    data_limit_gb = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    alert_50 = serializers.BooleanField()
    alert_80 = serializers.BooleanField()
    alert_100 = serializers.BooleanField()
    alert_email = serializers.CharField()
    block_international_calls = serializers.BooleanField()
    block_roaming_calls = serializers.BooleanField()
    block_roaming_data = serializers.BooleanField()
    block_premium_numbers = serializers.BooleanField()
    block_premium_sms = serializers.BooleanField()
    voicemail_status = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_voicemail_status(self, subscription: object) -> str | None:
        request = getattr(subscription, "voicemail", None)
        return request.status if request is not None else None


class SubscriptionIn(serializers.Serializer):
    user_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    spending_limit = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, required=False)
    data_limit_gb = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True, required=False)
    alert_50 = serializers.BooleanField(required=False)
    alert_80 = serializers.BooleanField(required=False)
    alert_100 = serializers.BooleanField(required=False)
    alert_email = serializers.EmailField(allow_blank=True, required=False, max_length=254)
    block_international_calls = serializers.BooleanField(required=False)
    block_roaming_calls = serializers.BooleanField(required=False)
    block_roaming_data = serializers.BooleanField(required=False)
    block_premium_numbers = serializers.BooleanField(required=False)
    block_premium_sms = serializers.BooleanField(required=False)
    block_sim = serializers.BooleanField(
        required=False, help_text="true blocks the whole SIM, false frees it."
    )
    version = version_field()


class VoicemailOut(serializers.Serializer):
    subscription = serializers.IntegerField(source="subscription_id")
    kind = serializers.ChoiceField(choices=VoicemailKind.choices)
    company_name = serializers.CharField()
    person_name = serializers.CharField()
    function = serializers.CharField()
    own_text = serializers.CharField()
    language = serializers.ChoiceField(choices=VoicemailLanguage.choices)
    voice = serializers.ChoiceField(choices=VoicemailVoice.choices)
    status = serializers.ChoiceField(choices=VoicemailStatus.choices)
    reject_reason = serializers.CharField()
    requested_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class VoicemailIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VoicemailKind.choices)
    company_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    person_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    function = serializers.CharField(max_length=100, allow_blank=True, required=False)
    own_text = serializers.CharField(max_length=500, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=VoicemailLanguage.choices)
    voice = serializers.ChoiceField(choices=VoicemailVoice.choices)
    version = version_field()
