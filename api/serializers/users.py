"""PBX users (R5) in the API: names, numbers, voicemail, forwarding and night mode.

The app/Outlook password and the greeting are set on the portal's pages (a password is typed
by a person; a greeting is a WAV upload), the API shows whether they are set.
"""

from __future__ import annotations

from rest_framework import serializers

from pbx.models import AfterGreeting, NightModeFollow, PbxUser

from .common import DestinationIn, DestinationOut, version_field

DESTINATION_KEYS = (
    "after_greeting_to",
    "forward_always",
    "forward_busy",
    "forward_no_answer",
    "forward_unreachable",
)


class PbxUserOut(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id", help_text="Directory-entry id of the user.")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    extension = serializers.CharField(source="entry.extension", allow_null=True)
    phone_number = serializers.SerializerMethodField()
    app_username = serializers.CharField()
    app_password_set = serializers.SerializerMethodField()
    voicemail_enabled = serializers.BooleanField()
    voicemail_email = serializers.CharField()
    voicemail_copy_email = serializers.CharField()
    voicemail_direct = serializers.BooleanField()
    voicemail_on_busy = serializers.BooleanField()
    voicemail_on_no_answer = serializers.BooleanField()
    has_greeting = serializers.SerializerMethodField()
    no_messages = serializers.BooleanField()
    after_greeting = serializers.ChoiceField(choices=AfterGreeting.choices)
    after_greeting_to = DestinationOut(prefix="after_greeting")
    forward_always = DestinationOut(prefix="forward_always")
    forward_busy = DestinationOut(prefix="forward_busy")
    forward_no_answer = DestinationOut(prefix="forward_no_answer")
    forward_no_answer_seconds = serializers.IntegerField()
    forward_unreachable = DestinationOut(prefix="forward_unreachable")
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices)
    version = serializers.IntegerField()

    def get_phone_number(self, user: PbxUser) -> str | None:
        number = user.entry.phone_number
        return number.number if number is not None else None

    def get_app_password_set(self, user: PbxUser) -> bool:
        return user.app_password_set_at is not None

    def get_has_greeting(self, user: PbxUser) -> bool:
        return user.greeting_id is not None


class PbxUserIn(serializers.Serializer):
    first_name = serializers.CharField(max_length=60)
    last_name = serializers.CharField(max_length=80)
    extension = serializers.CharField(max_length=10, allow_blank=True, allow_null=True)
    phone_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="A free number of the pool, or null.",
    )
    voicemail_enabled = serializers.BooleanField(required=False)
    voicemail_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    voicemail_copy_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    voicemail_direct = serializers.BooleanField(required=False)
    voicemail_on_busy = serializers.BooleanField(required=False)
    voicemail_on_no_answer = serializers.BooleanField(required=False)
    no_messages = serializers.BooleanField(required=False)
    after_greeting = serializers.ChoiceField(choices=AfterGreeting.choices, required=False)
    after_greeting_to = DestinationIn(required=False)
    forward_always = DestinationIn(required=False)
    forward_busy = DestinationIn(required=False)
    forward_no_answer = DestinationIn(required=False)
    forward_no_answer_seconds = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    forward_unreachable = DestinationIn(required=False)
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices, required=False)
    version = version_field()
