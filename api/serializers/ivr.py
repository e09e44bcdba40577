"""IVR menus (R7) with their keys in the API. Greetings are WAV uploads on the menu's page; the
API says whether each part has one."""

from __future__ import annotations

from rest_framework import serializers

from pbx.domain import ivr as domain
from pbx.models import AfterHours, IvrMenu, IvrPart, KeyMode, NightModeFollow

from .common import MAX_ID, DestinationIn, DestinationOut, version_field


class KeyOut(serializers.Serializer):
    part = serializers.ChoiceField(choices=IvrPart.choices)
    key = serializers.CharField()
    mode = serializers.ChoiceField(choices=KeyMode.choices)
    destination = DestinationOut(prefix="destination")


class KeyIn(serializers.Serializer):
    part = serializers.ChoiceField(choices=IvrPart.choices)
    key = serializers.ChoiceField(choices=[(k, k) for k in domain.KEYPAD], help_text="0-9, * or #.")
    mode = serializers.ChoiceField(choices=KeyMode.choices, required=False, default=KeyMode.ANNOUNCE)
    destination = DestinationIn()


class IvrMenuOut(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id", help_text="Directory-entry id of the menu.")
    name = serializers.CharField(source="entry.name")
    extension = serializers.CharField(source="entry.extension", allow_null=True)
    phone_number = serializers.SerializerMethodField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    time_schedule = serializers.IntegerField(source="time_schedule_id")
    holiday_schedule = serializers.IntegerField(source="holiday_schedule_id", allow_null=True)
    has_business_greeting = serializers.SerializerMethodField()
    has_after_greeting = serializers.SerializerMethodField()
    business_reception = DestinationOut(prefix="business_reception")
    after_hours = serializers.ChoiceField(choices=AfterHours.choices)
    after_reception = DestinationOut(prefix="after_reception")
    after_destination = DestinationOut(prefix="after_destination")
    reception_seconds = serializers.IntegerField()
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices)
    night_destination = DestinationOut(prefix="night_destination")
    keys = KeyOut(many=True, source="keys.all")
    version = serializers.IntegerField()

    def get_phone_number(self, menu: IvrMenu) -> str | None:
        number = menu.entry.phone_number
        return number.number if number is not None else None

    def get_has_business_greeting(self, menu: IvrMenu) -> bool:
        return menu.business_greeting_id is not None

    def get_has_after_greeting(self, menu: IvrMenu) -> bool:
        return menu.after_greeting_id is not None


class IvrMenuIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    extension = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True)
    phone_number = serializers.CharField(max_length=30, required=False, allow_blank=True, allow_null=True)
    first_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    time_schedule = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    holiday_schedule = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    business_reception = DestinationIn(required=False)
    after_hours = serializers.ChoiceField(choices=AfterHours.choices, required=False)
    after_reception = DestinationIn(required=False)
    after_destination = DestinationIn(required=False)
    reception_seconds = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices, required=False)
    night_destination = DestinationIn(required=False)
    keys = KeyIn(
        many=True, required=False, max_length=24, help_text="Every programmed key; a key not given is off."
    )
    version = version_field()
