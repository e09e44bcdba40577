"""Organisation settings, the number pool, the directory and call barring in the API."""

from __future__ import annotations

from rest_framework import serializers

from pbx.models import EntryKind

from .common import version_field


class OrganisationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    contact_email = serializers.CharField()
    notification_email = serializers.CharField()
    language = serializers.CharField()
    time_zone = serializers.CharField()
    products = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()


class NumberOut(serializers.Serializer):
    number = serializers.CharField(help_text="E.164, e.g. +31205551000.")
    display = serializers.CharField(help_text="As people in the Netherlands write it.")
    free = serializers.BooleanField(help_text="No user, hunt group or IVR menu has it.")
    used_by = serializers.IntegerField(allow_null=True, help_text="Directory-entry id of whoever has it.")


class EntryOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="What destinations (`entry`) and hunt-group members refer to.")
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    name = serializers.CharField()
    extension = serializers.CharField(allow_null=True)
    phone_number = serializers.CharField(allow_null=True)
    label = serializers.CharField()


class CallBarringOut(serializers.Serializer):
    international = serializers.BooleanField()
    mobile = serializers.BooleanField()
    premium_0900 = serializers.BooleanField()
    erotic_0906 = serializers.BooleanField()
    entertainment_0909 = serializers.BooleanField()
    version = serializers.IntegerField()


class CallBarringIn(serializers.Serializer):
    international = serializers.BooleanField(required=False)
    mobile = serializers.BooleanField(required=False)
    premium_0900 = serializers.BooleanField(required=False)
    erotic_0906 = serializers.BooleanField(required=False)
    entertainment_0909 = serializers.BooleanField(required=False)
    version = version_field()
