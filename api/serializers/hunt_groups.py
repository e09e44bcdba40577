"""Hunt groups (R6) in the API: the settings of the edit page, members in list order."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from pbx.models import Distribution, HuntGroup, HuntGroupMember, NightModeFollow

from .common import MAX_ID, DestinationIn, DestinationOut, version_field


class EntryRef(serializers.Serializer):
    """A user, hunt group or IVR menu as the directory names it."""

    id = serializers.IntegerField(help_text="Directory-entry id: what destinations and members refer to.")
    name = serializers.CharField()
    extension = serializers.CharField(allow_null=True)


class HuntGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id", help_text="Directory-entry id of the group.")
    name = serializers.CharField(source="entry.name")
    extension = serializers.CharField(source="entry.extension", allow_null=True)
    phone_number = serializers.SerializerMethodField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    distribution = serializers.ChoiceField(choices=Distribution.choices)
    rings = serializers.IntegerField()
    move_on = serializers.BooleanField()
    overflow_seconds = serializers.IntegerField()
    overflow_to = DestinationOut(prefix="overflow")
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices)
    member_count = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_phone_number(self, group: HuntGroup) -> str | None:
        number = group.entry.phone_number
        return number.number if number is not None else None

    def get_member_count(self, group: HuntGroup) -> int:
        count = getattr(group, "member_count", None)
        return int(count) if count is not None else group.members.count()


class HuntGroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    extension = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True)
    phone_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="A free number of the pool, or null.",
    )
    first_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    distribution = serializers.ChoiceField(choices=Distribution.choices, required=False)
    rings = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    move_on = serializers.BooleanField(required=False)
    overflow_seconds = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    overflow_to = DestinationIn(required=False)
    night_mode = serializers.ChoiceField(choices=NightModeFollow.choices, required=False)
    version = version_field()


class MemberOut(serializers.Serializer):
    entry = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.name")
    extension = serializers.CharField(source="member.extension", allow_null=True)
    position = serializers.IntegerField()


class MembersIn(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=500,
        allow_empty=True,
        help_text="Directory-entry ids of users, in ring order (the whole list).",
    )


class MembersOut(serializers.Serializer):
    members = MemberOut(many=True)


def members_out(members: list[HuntGroupMember]) -> dict[str, Any]:
    return MembersOut({"members": members}).data
