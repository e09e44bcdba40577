"""/api/v1/ivr-menus/ (R7): list, create, read, change (settings and keys), delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.common import pool_number
from api.serializers.ivr import IvrMenuIn, IvrMenuOut
from api.views.base import ApiView, with_etag
from core.changes import recording
from pbx.models import IvrMenu, KeyMode
from pbx.services import ivr as service
from schedules.models import HolidaySchedule, TimeSchedule

SEARCH = OpenApiParameter("search", str, description="Part of the name, or the start of the extension.")
CREATE_KEYS = (
    "name",
    "extension",
    "phone_number",
    "first_name",
    "last_name",
    "time_schedule",
    "holiday_schedule",
)


def _show(menu: IvrMenu) -> dict[str, Any]:
    return IvrMenuOut(menu).data


class IvrMixin(ApiView):
    product = "pbx"

    def menus(self) -> QuerySet[IvrMenu]:
        return service.with_keys(service.ivr_menus(organisation=self.organisation)).order_by(
            "entry__name", "pk"
        )

    def menu(self, pk: int) -> IvrMenu:
        found = self.menus().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def _schedule(self, model: type[TimeSchedule] | type[HolidaySchedule], pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        found = model.objects.filter(organisation=self.organisation, pk=pk).first()
        if found is None:
            raise serializers.ValidationError({field: [_("Choose one of your own schedules.")]})
        return found

    def parse(
        self, partial: bool, menu: IvrMenu | None
    ) -> tuple[dict[str, Any], list[service.KeyChoice] | None]:
        form = IvrMenuIn(data=self.request.data, partial=partial)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        values.pop("version", None)
        if "phone_number" in values:
            current = menu.entry.phone_number if menu is not None else None
            values["phone_number"] = pool_number(self.organisation, values["phone_number"], current)
        if "time_schedule" in values:
            values["time_schedule"] = self._schedule(TimeSchedule, values["time_schedule"], "time_schedule")
        if "holiday_schedule" in values:
            values["holiday_schedule"] = self._schedule(
                HolidaySchedule, values["holiday_schedule"], "holiday_schedule"
            )
        raw_keys = values.pop("keys", None)
        keys = (
            None
            if raw_keys is None
            else [
                service.KeyChoice(k["part"], k["key"], k.get("mode", KeyMode.ANNOUNCE), k["destination"])
                for k in raw_keys
            ]
        )
        return values, keys


class IvrMenuList(IvrMixin):
    serializer_class = IvrMenuOut

    @extend_schema(parameters=[SEARCH], responses=IvrMenuOut(many=True), summary="List IVR menus")
    def get(self, request: Request) -> Response:
        menus = self.menus()
        search = (request.query_params.get("search") or "").strip()
        if search:
            menus = menus.filter(Q(entry__name__icontains=search) | Q(entry__extension__startswith=search))
        page = self.paginate_queryset(menus)
        return self.get_paginated_response(IvrMenuOut(page, many=True).data)

    @extend_schema(request=IvrMenuIn, responses={201: IvrMenuOut}, summary="Create an IVR menu")
    def post(self, request: Request) -> Response:
        values, keys = self.parse(partial=False, menu=None)
        created = {name: values.pop(name) for name in CREATE_KEYS if name in values}
        with (
            transaction.atomic(),
            recording(
                organisation=self.organisation, by=self.actor, summary=gettext_noop("IVR menu created")
            ),
        ):
            menu = service.ivr_menu_create(
                organisation=self.organisation,
                by=self.actor,
                name=created["name"],
                extension=created.get("extension"),
                phone_number=created.get("phone_number"),
                time_schedule=created["time_schedule"],
                holiday_schedule=created.get("holiday_schedule"),
                first_name=created.get("first_name", ""),
                last_name=created.get("last_name", ""),
            )
            if values or keys:
                service.ivr_menu_update(menu=menu, by=self.actor, values=values, keys=keys)
        menu = self.menu(menu.pk)
        return with_etag(Response(_show(menu), status=status.HTTP_201_CREATED), menu.version)


class IvrMenuDetail(IvrMixin):
    serializer_class = IvrMenuOut

    @extend_schema(responses=IvrMenuOut, summary="Read an IVR menu with its keys")
    def get(self, request: Request, pk: int) -> Response:
        menu = self.menu(pk)
        return with_etag(Response(_show(menu)), menu.version)

    @extend_schema(
        request=IvrMenuIn(partial=True),
        responses=IvrMenuOut,
        summary="Change an IVR menu",
        description="`keys`, when given, is the whole keypad: a key not in the list is switched off.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        menu = self.menu(pk)
        expected = self.expected_version(request.data if isinstance(request.data, dict) else None)
        values, keys = self.parse(partial=True, menu=menu)
        with self.saving(_show):
            service.ivr_menu_update(
                menu=menu, by=self.actor, values=values, keys=keys, expected_version=expected
            )
        menu = self.menu(pk)
        return with_etag(Response(_show(menu)), menu.version)

    @extend_schema(
        responses={204: None}, summary="Delete an IVR menu (refused while something sends calls to it)"
    )
    def delete(self, request: Request, pk: int) -> Response:
        service.ivr_menu_delete(menu=self.menu(pk), by=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
