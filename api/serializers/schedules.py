"""Time and holiday schedules (R4) in the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .common import version_field


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "08:30"}
)
class HourMinute(serializers.TimeField):
    """A wall-clock time as people write it: 08:30 (seconds accepted, never shown)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class RangeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday.")
    start = HourMinute(help_text="Local time, e.g. 08:30.")
    end = HourMinute(help_text="Before or equal to start: into the next day; 00:00-00:00 is the whole day.")


class TimeScheduleOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_builtin = serializers.BooleanField()
    ranges = RangeSerializer(many=True, source="ranges.all")
    version = serializers.IntegerField()


class TimeScheduleIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    ranges = RangeSerializer(many=True, max_length=200)
    version = version_field()


class HolidayEntrySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    start_time = HourMinute(allow_null=True, required=False)
    end_time = HourMinute(allow_null=True, required=False)


class HolidayScheduleOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    entries = HolidayEntrySerializer(many=True, source="entries.all")
    version = serializers.IntegerField()


class HolidayScheduleIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    entries = HolidayEntrySerializer(many=True, max_length=1000)
    version = version_field()
