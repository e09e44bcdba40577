"""/api/v1/time-schedules/ and /api/v1/holiday-schedules/ (R4): list, create, read, replace, delete.

A schedule is replaced as a whole (PUT: name and every range or entry), as its page saves it;
the service merges overlapping ranges and records row by row what changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.schedules import HolidayScheduleIn, HolidayScheduleOut, TimeScheduleIn, TimeScheduleOut
from api.views.base import ApiView, with_etag
from schedules import engine
from schedules import services as service
from schedules.models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule

ENTRY_FIELDS = {"name", "start_date", "end_date", "start_time", "end_time", "__all__"}


def _ranges(values: list[dict[str, Any]]) -> list[engine.WeeklyRange]:
    ranges = []
    for number, value in enumerate(values, start=1):
        try:
            ranges.append(engine.WeeklyRange(value["weekday"], value["start"], value["end"]))
        except ValueError:
            raise serializers.ValidationError(
                {
                    "ranges": [
                        _(
                            "Range %(number)s starts and ends at the same time. Choose an end time, "
                            "or 00:00-00:00 for the whole day."
                        )
                        % {"number": number}
                    ]
                }
            ) from None
    return ranges


def _entries(values: list[dict[str, Any]]) -> list[service.EntryData]:
    return [
        service.EntryData(
            name=value.get("name", ""),
            start_date=value["start_date"],
            end_date=value["end_date"],
            start_time=value.get("start_time"),
            end_time=value.get("end_time"),
        )
        for value in values
    ]


def _time_out(schedule: TimeSchedule) -> dict[str, Any]:
    return TimeScheduleOut(schedule).data


def _holiday_out(schedule: HolidaySchedule) -> dict[str, Any]:
    return HolidayScheduleOut(schedule).data


class TimeScheduleMixin(ApiView):
    product = "pbx"

    def schedules(self) -> QuerySet[TimeSchedule]:
        ranges = Prefetch("ranges", queryset=TimeRange.objects.order_by("weekday", "start", "pk"))
        return (
            TimeSchedule.objects.filter(organisation=self.organisation)
            .prefetch_related(ranges)
            .order_by("-is_builtin", "name", "pk")
        )

    def schedule(self, pk: int) -> TimeSchedule:
        found = self.schedules().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def save(self, schedule: TimeSchedule | None) -> TimeSchedule:
        form = TimeScheduleIn(data=self.request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        with self.saving(_time_out):
            saved, _merged = service.time_schedule_save(
                organisation=self.organisation,
                name=values["name"],
                ranges=_ranges(values["ranges"]),
                by=self.actor,
                schedule=schedule,
                expected_version=self.expected_version(values) if schedule else None,
            )
        return self.schedule(saved.pk)


class TimeScheduleList(TimeScheduleMixin):
    serializer_class = TimeScheduleOut

    @extend_schema(responses=TimeScheduleOut(many=True), summary="List time schedules")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.schedules())
        return self.get_paginated_response(TimeScheduleOut(page, many=True).data)

    @extend_schema(request=TimeScheduleIn, responses={201: TimeScheduleOut}, summary="Create a time schedule")
    def post(self, request: Request) -> Response:
        schedule = self.save(None)
        return with_etag(Response(_time_out(schedule), status=status.HTTP_201_CREATED), schedule.version)


class TimeScheduleDetail(TimeScheduleMixin):
    serializer_class = TimeScheduleOut

    @extend_schema(responses=TimeScheduleOut, summary="Read a time schedule")
    def get(self, request: Request, pk: int) -> Response:
        schedule = self.schedule(pk)
        return with_etag(Response(_time_out(schedule)), schedule.version)

    @extend_schema(request=TimeScheduleIn, responses=TimeScheduleOut, summary="Replace a time schedule")
    def put(self, request: Request, pk: int) -> Response:
        schedule = self.save(self.schedule(pk))
        return with_etag(Response(_time_out(schedule)), schedule.version)

    @extend_schema(responses={204: None}, summary="Delete a time schedule (refused while in use)")
    def delete(self, request: Request, pk: int) -> Response:
        service.schedule_delete(schedule=self.schedule(pk), by=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HolidayScheduleMixin(ApiView):
    product = "pbx"

    def schedules(self) -> QuerySet[HolidaySchedule]:
        entries = Prefetch(
            "entries", queryset=HolidayEntry.objects.order_by("start_date", "start_time", "pk")
        )
        return (
            HolidaySchedule.objects.filter(organisation=self.organisation)
            .prefetch_related(entries)
            .order_by("name", "pk")
        )

    def schedule(self, pk: int) -> HolidaySchedule:
        found = self.schedules().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def save(self, schedule: HolidaySchedule | None) -> HolidaySchedule:
        form = HolidayScheduleIn(data=self.request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        try:
            with self.saving(_holiday_out):
                saved = service.holiday_schedule_save(
                    organisation=self.organisation,
                    name=values["name"],
                    entries=_entries(values["entries"]),
                    by=self.actor,
                    schedule=schedule,
                    expected_version=self.expected_version(values) if schedule else None,
                )
        except DjangoValidationError as exc:
            if (
                hasattr(exc, "error_dict")
                and set(exc.error_dict) <= ENTRY_FIELDS
                and "name" not in exc.error_dict
            ):
                raise serializers.ValidationError({"entries": exc.messages}) from None
            raise
        return self.schedule(saved.pk)


class HolidayScheduleList(HolidayScheduleMixin):
    serializer_class = HolidayScheduleOut

    @extend_schema(responses=HolidayScheduleOut(many=True), summary="List holiday schedules")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.schedules())
        return self.get_paginated_response(HolidayScheduleOut(page, many=True).data)

    @extend_schema(
        request=HolidayScheduleIn, responses={201: HolidayScheduleOut}, summary="Create a holiday schedule"
    )
    def post(self, request: Request) -> Response:
        schedule = self.save(None)
        return with_etag(Response(_holiday_out(schedule), status=status.HTTP_201_CREATED), schedule.version)


class HolidayScheduleDetail(HolidayScheduleMixin):
    serializer_class = HolidayScheduleOut

    @extend_schema(responses=HolidayScheduleOut, summary="Read a holiday schedule")
    def get(self, request: Request, pk: int) -> Response:
        schedule = self.schedule(pk)
        return with_etag(Response(_holiday_out(schedule)), schedule.version)

    @extend_schema(
        request=HolidayScheduleIn, responses=HolidayScheduleOut, summary="Replace a holiday schedule"
    )
    def put(self, request: Request, pk: int) -> Response:
        schedule = self.save(self.schedule(pk))
        return with_etag(Response(_holiday_out(schedule)), schedule.version)

    @extend_schema(responses={204: None}, summary="Delete a holiday schedule (refused while in use)")
    def delete(self, request: Request, pk: int) -> Response:
        service.schedule_delete(schedule=self.schedule(pk), by=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
