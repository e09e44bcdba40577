"""Night mode (R3) and the PBX sync status (R9) in the API."""

from __future__ import annotations

from rest_framework import serializers

from pbx.models import NightModeSetting

from .common import MAX_ID, DestinationIn, DestinationOut, version_field


class NightModeOut(serializers.Serializer):
    setting = serializers.ChoiceField(choices=NightModeSetting.choices)
    time_schedule = serializers.IntegerField(source="time_schedule_id", allow_null=True)
    holiday_schedule = serializers.IntegerField(source="holiday_schedule_id", allow_null=True)
    destination = DestinationOut(prefix="destination")
    override_active = serializers.BooleanField(
        allow_null=True, help_text="A manual switch: on, off, or none."
    )
    override_until = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField(help_text="Whether night mode applies now.")
    reason = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    sentence = serializers.CharField(help_text="The state in words, as the portal says it.")
    version = serializers.IntegerField()


class NightModeIn(serializers.Serializer):
    setting = serializers.ChoiceField(choices=NightModeSetting.choices, required=False)
    time_schedule = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    holiday_schedule = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    destination = DestinationIn(required=False)
    version = version_field()


class SwitchIn(serializers.Serializer):
    active = serializers.BooleanField(
        allow_null=True,
        help_text="true: on, false: off, until the schedule's next change; null: follow the schedule.",
    )


class SyncStatusOut(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("applied", "applied"), ("pending", "pending"), ("failed", "failed")]
    )
    message = serializers.CharField(help_text="The status line as the portal's pages say it.")
    desired_revision = serializers.IntegerField()
    applied_revision = serializers.IntegerField()
    pending_since = serializers.DateTimeField(allow_null=True)
    applied_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="Why the last push failed, empty otherwise.")
