"""/api/v1/organisation/, /numbers/, /directory/ (read) and /call-barring/ (read, change)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import PhoneNumber
from api.serializers.organisation import CallBarringIn, CallBarringOut, EntryOut, NumberOut, OrganisationOut
from api.views.base import ApiView, with_etag
from pbx.models import DirectoryEntry, EntryKind
from telephony import services as barring_service
from telephony.models import CallBarring


class OrganisationView(ApiView):
    serializer_class = OrganisationOut

    @extend_schema(responses=OrganisationOut, summary="The organisation's settings (Instellingen)")
    def get(self, request: Request) -> Response:
        organisation = self.organisation
        data = {
            "id": organisation.pk,
            "name": organisation.name,
            "contact_email": organisation.contact_email,
            "notification_email": organisation.notification_email,
            "language": organisation.language,
            "time_zone": organisation.time_zone,
            "products": organisation.products,
            "version": organisation.version,
        }
        return with_etag(Response(OrganisationOut(data).data), organisation.version)


class NumberList(ApiView):
    serializer_class = NumberOut

    @extend_schema(
        parameters=[OpenApiParameter("free", bool, description="true: only the numbers still free.")],
        responses=NumberOut(many=True),
        summary="The organisation's number pool",
    )
    def get(self, request: Request) -> Response:
        numbers = PhoneNumber.objects.filter(organisation=self.organisation).select_related("directory_entry")
        if request.query_params.get("free") in ("true", "1"):
            numbers = numbers.filter(directory_entry__isnull=True)
        page = self.paginate_queryset(numbers.order_by("number"))
        rows = []
        for number in page:
            entry = getattr(number, "directory_entry", None)
            rows.append(
                {
                    "number": number.number,
                    "display": number.display,
                    "free": entry is None,
                    "used_by": entry.pk if entry is not None else None,
                }
            )
        return self.get_paginated_response(NumberOut(rows, many=True).data)


class DirectoryList(ApiView):
    product = "pbx"
    serializer_class = EntryOut

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, enum=EntryKind.values, description="Only users, hunt groups or IVR menus."
            ),
            OpenApiParameter("search", str, description="Part of the name, or the start of the extension."),
        ],
        responses=EntryOut(many=True),
        summary="Every user, hunt group and IVR menu with its directory-entry id",
    )
    def get(self, request: Request) -> Response:
        entries = DirectoryEntry.objects.filter(organisation=self.organisation).select_related("phone_number")
        kind = request.query_params.get("kind")
        if kind in EntryKind.values:
            entries = entries.filter(kind=kind)
        search = (request.query_params.get("search") or "").strip()
        if search:
            entries = entries.filter(Q(name__icontains=search) | Q(extension__startswith=search))
        page = self.paginate_queryset(entries.order_by("name", "pk"))
        rows: list[dict[str, Any]] = [
            {
                "id": entry.pk,
                "kind": entry.kind,
                "name": entry.name,
                "extension": entry.extension,
                "phone_number": entry.phone_number.number if entry.phone_number else None,
                "label": entry.label,
            }
            for entry in page
        ]
        return self.get_paginated_response(EntryOut(rows, many=True).data)


def _barring(barring: CallBarring) -> dict[str, Any]:
    return CallBarringOut(barring).data


class CallBarringView(ApiView):
    product = "telephony"
    serializer_class = CallBarringOut

    @extend_schema(responses=CallBarringOut, summary="Which outgoing calls are blocked (Telefoon)")
    def get(self, request: Request) -> Response:
        barring = barring_service.call_barring_get(organisation=self.organisation)
        return with_etag(Response(_barring(barring)), barring.version)

    @extend_schema(request=CallBarringIn, responses=CallBarringOut, summary="Block or allow outgoing calls")
    def patch(self, request: Request) -> Response:
        form = CallBarringIn(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        expected = self.expected_version(values)
        values.pop("version", None)
        stored = barring_service.call_barring_get(organisation=self.organisation)
        blocked = {field: values.get(field, getattr(stored, field)) for field in CallBarring.FIELDS}
        with self.saving(_barring):
            barring_service.call_barring_update(
                organisation=self.organisation, by=self.actor, expected_version=expected, **blocked
            )
        barring = barring_service.call_barring_get(organisation=self.organisation)
        return with_etag(Response(_barring(barring)), barring.version)
