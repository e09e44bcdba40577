"""/api/v1/users/: the Telefooncentrale's PBX users (R5): list (search), create, read, change, delete."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.common import pool_number
from api.serializers.users import PbxUserIn, PbxUserOut
from api.views.base import ApiView, with_etag
from pbx.models import PbxUser
from pbx.services import users as service
from pbx.views.users import _search

SEARCH = OpenApiParameter("search", str, description="Name, extension or number, as on the Gebruikers page.")


def _show(user: PbxUser) -> dict[str, Any]:
    return PbxUserOut(user).data


class PbxUserViewMixin(ApiView):
    product = "pbx"

    def users(self) -> QuerySet[PbxUser]:
        return service.pbx_users(organisation=self.organisation)

    def user(self, pk: int) -> PbxUser:
        user = self.users().filter(pk=pk).first()
        if user is None:
            raise Http404
        return user


class PbxUserList(PbxUserViewMixin):
    serializer_class = PbxUserOut

    @extend_schema(parameters=[SEARCH], responses=PbxUserOut(many=True), summary="List PBX users")
    def get(self, request: Request) -> Response:
        users = self.users()
        search = (request.query_params.get("search") or "").strip()
        if search:
            users = _search(users, search)
        page = self.paginate_queryset(users)
        return self.get_paginated_response(PbxUserOut(page, many=True).data)

    @extend_schema(request=PbxUserIn, responses={201: PbxUserOut}, summary="Create a PBX user")
    def post(self, request: Request) -> Response:
        form = PbxUserIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data.pop("version", None)
        number = pool_number(self.organisation, data.pop("phone_number", None))
        user = service.pbx_user_create(
            organisation=self.organisation,
            by=self.actor,
            first_name=data.pop("first_name"),
            last_name=data.pop("last_name"),
            extension=data.pop("extension", None),
            phone_number=number,
            values=data,
        )
        user = self.user(user.pk)
        return with_etag(Response(_show(user), status=status.HTTP_201_CREATED), user.version)


class PbxUserDetail(PbxUserViewMixin):
    serializer_class = PbxUserOut

    @extend_schema(responses=PbxUserOut, summary="Read a PBX user")
    def get(self, request: Request, pk: int) -> Response:
        user = self.user(pk)
        return with_etag(Response(_show(user)), user.version)

    @extend_schema(request=PbxUserIn(partial=True), responses=PbxUserOut, summary="Change a PBX user")
    def patch(self, request: Request, pk: int) -> Response:
        user = self.user(pk)
        form = PbxUserIn(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        expected = self.expected_version(values)
        values.pop("version", None)
        if "phone_number" in values:
            values["phone_number"] = pool_number(
                self.organisation, values["phone_number"], user.entry.phone_number
            )
        with self.saving(_show):
            service.pbx_user_update(user=user, by=self.actor, values=values, expected_version=expected)
        user = self.user(pk)
        return with_etag(Response(_show(user)), user.version)

    @extend_schema(responses={204: None}, summary="Delete a PBX user")
    def delete(self, request: Request, pk: int) -> Response:
        service.pbx_user_delete(user=self.user(pk), by=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
