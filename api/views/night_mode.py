"""/api/v1/night-mode/ (R3: read, change, the manual switch) and /api/v1/sync-status/ (R9)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.common import Target
from api.serializers.night_mode import NightModeIn, NightModeOut, SwitchIn, SyncStatusOut
from api.views.base import ApiView, with_etag
from core.models import PbxSync
from pbx.models import NightMode
from pbx.services import night_mode as service
from pbx.sync.messages import error_text
from pbx.texts import night_mode_sentence
from schedules.models import HolidaySchedule, TimeSchedule


def _show(night: NightMode) -> dict[str, Any]:
    state = service.night_mode_state(night)
    data = {
        "setting": night.setting,
        "time_schedule_id": night.time_schedule_id,
        "holiday_schedule_id": night.holiday_schedule_id,
        "destination_kind": night.destination_kind,
        "destination_entry": night.destination_entry if night.destination_entry_id else None,
        "destination_entry_id": night.destination_entry_id,
        "destination_number": night.destination_number,
        "override_active": night.override_active,
        "override_until": night.override_until,
        "active": state.active,
        "reason": str(state.reason),
        "since": state.since,
        "until": state.until,
        "sentence": night_mode_sentence(night, state),
        "version": night.version,
    }
    return NightModeOut(_Row(data)).data


class _Row:
    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)


class NightModeView(ApiView):
    product = "pbx"
    serializer_class = NightModeOut

    def _schedule(self, model: type[TimeSchedule] | type[HolidaySchedule], pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        found = model.objects.filter(organisation=self.organisation, pk=pk).first()
        if found is None:
            raise serializers.ValidationError({field: [_("Choose one of your own schedules.")]})
        return found

    @extend_schema(responses=NightModeOut, summary="Read the company night mode")
    def get(self, request: Request) -> Response:
        night = service.night_mode_get(organisation=self.organisation)
        return with_etag(Response(_show(night)), night.version)

    @extend_schema(request=NightModeIn, responses=NightModeOut, summary="Change the company night mode")
    def patch(self, request: Request) -> Response:
        night = service.night_mode_get(organisation=self.organisation)
        form = NightModeIn(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        expected = self.expected_version(values)
        time_id = values.get("time_schedule", night.time_schedule_id)
        holiday_id = values.get("holiday_schedule", night.holiday_schedule_id)
        destination = values.get(
            "destination",
            Target(night.destination_kind, night.destination_entry_id, night.destination_number),
        )
        with self.saving(_show):
            service.night_mode_update(
                organisation=self.organisation,
                by=self.actor,
                setting=values.get("setting", night.setting),
                time_schedule=self._schedule(TimeSchedule, time_id, "time_schedule"),
                holiday_schedule=self._schedule(HolidaySchedule, holiday_id, "holiday_schedule"),
                destination_kind=destination.kind,
                destination_entry=destination.entry,
                destination_number=destination.number,
                expected_version=expected,
            )
        night = service.night_mode_get(organisation=self.organisation)
        return with_etag(Response(_show(night)), night.version)


class NightModeSwitch(ApiView):
    product = "pbx"
    serializer_class = NightModeOut

    @extend_schema(
        request=SwitchIn,
        responses=NightModeOut,
        summary="Switch night mode on or off by hand",
        description="Only while night mode is automatic; it lasts until the schedule's next change.",
    )
    def post(self, request: Request) -> Response:
        form = SwitchIn(data=request.data)
        form.is_valid(raise_exception=True)
        service.night_mode_override(
            organisation=self.organisation, by=self.actor, active=form.validated_data["active"]
        )
        night = service.night_mode_get(organisation=self.organisation)
        return with_etag(Response(_show(night)), night.version)


class SyncStatusView(ApiView):
    serializer_class = SyncStatusOut

    @extend_schema(responses=SyncStatusOut, summary="Whether the PBX has applied every change")
    def get(self, request: Request) -> Response:
        sync = PbxSync.objects.filter(organisation=self.organisation).first()
        reason = ""
        if sync is None or sync.in_sync:
            state, message = "applied", _("All changes have been applied on the PBX")
        elif sync.last_error:
            state = "failed"
            reason = (
                error_text(sync.last_error_code, sync.last_error_params)
                if sync.last_error_code
                else sync.last_error
            )
            message = f"{_('Applying failed')}: {reason}"
        else:
            state, message = "pending", _("Changes are being applied…")
        data = {
            "state": state,
            "message": message,
            "reason": str(reason),
            "desired_revision": sync.desired_revision if sync else 0,
            "applied_revision": sync.applied_revision if sync else 0,
            "pending_since": sync.pending_since if sync else None,
            "applied_at": sync.applied_at if sync else None,
            "next_attempt_at": sync.next_attempt_at if sync else None,
        }
        return Response(SyncStatusOut(data).data)
