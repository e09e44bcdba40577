"""/api/v1/hunt-groups/: list, create, read, change, delete, and the member list (R6)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.common import pool_number
from api.serializers.hunt_groups import HuntGroupIn, HuntGroupOut, MembersIn, MembersOut, members_out
from api.views.base import ApiView, with_etag
from pbx.models import HuntGroup
from pbx.services import hunt_groups as service

SEARCH = OpenApiParameter("search", str, description="Part of the name, or the start of the extension.")
ENTRY_KEYS = ("name", "extension", "phone_number")


def _show(group: HuntGroup) -> dict[str, Any]:
    return HuntGroupOut(group).data


class HuntGroupViewMixin(ApiView):
    product = "pbx"

    def groups(self) -> QuerySet[HuntGroup]:
        return service.hunt_groups(organisation=self.organisation).order_by("entry__name", "pk")

    def group(self, pk: int) -> HuntGroup:
        group = self.groups().filter(pk=pk).first()
        if group is None:
            raise Http404
        return group


class HuntGroupList(HuntGroupViewMixin):
    serializer_class = HuntGroupOut

    @extend_schema(parameters=[SEARCH], responses=HuntGroupOut(many=True), summary="List hunt groups")
    def get(self, request: Request) -> Response:
        groups = self.groups()
        search = (request.query_params.get("search") or "").strip()
        if search:
            groups = groups.filter(Q(entry__name__icontains=search) | Q(entry__extension__startswith=search))
        page = self.paginate_queryset(groups)
        return self.get_paginated_response(HuntGroupOut(page, many=True).data)

    @extend_schema(request=HuntGroupIn, responses={201: HuntGroupOut}, summary="Create a hunt group")
    def post(self, request: Request) -> Response:
        form = HuntGroupIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data.pop("version", None)
        number = pool_number(self.organisation, data.pop("phone_number", None))
        group = service.hunt_group_create(
            organisation=self.organisation,
            by=self.actor,
            name=data.pop("name"),
            extension=data.pop("extension", None),
            phone_number=number,
            values=data,
        )
        group = self.group(group.pk)
        return with_etag(Response(_show(group), status=status.HTTP_201_CREATED), group.version)


class HuntGroupDetail(HuntGroupViewMixin):
    serializer_class = HuntGroupOut

    @extend_schema(responses=HuntGroupOut, summary="Read a hunt group")
    def get(self, request: Request, pk: int) -> Response:
        group = self.group(pk)
        return with_etag(Response(_show(group)), group.version)

    @extend_schema(request=HuntGroupIn(partial=True), responses=HuntGroupOut, summary="Change a hunt group")
    def patch(self, request: Request, pk: int) -> Response:
        group = self.group(pk)
        form = HuntGroupIn(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        expected = self.expected_version(values)
        values.pop("version", None)
        if "phone_number" in values:
            values["phone_number"] = pool_number(
                self.organisation, values["phone_number"], group.entry.phone_number
            )
        with self.saving(_show):
            service.hunt_group_update(group=group, by=self.actor, values=values, expected_version=expected)
        group = self.group(pk)
        return with_etag(Response(_show(group)), group.version)

    @extend_schema(responses={204: None}, summary="Delete a hunt group")
    def delete(self, request: Request, pk: int) -> Response:
        service.hunt_group_delete(group=self.group(pk), by=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HuntGroupMembers(HuntGroupViewMixin):
    serializer_class = MembersOut

    @extend_schema(responses=MembersOut, summary="The members of a hunt group, in ring order")
    def get(self, request: Request, pk: int) -> Response:
        return Response(members_out(service.members_of(self.group(pk))))

    @extend_schema(request=MembersIn, responses=MembersOut, summary="Set the members of a hunt group")
    def put(self, request: Request, pk: int) -> Response:
        group = self.group(pk)
        form = MembersIn(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            service.hunt_group_set_members(group=group, by=self.actor, members=form.validated_data["members"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"members": exc.messages}) from None
        return Response(members_out(service.members_of(group)))
