"""/api/v1/subscriptions/ (R8: read, change limits and blocking) and their Business Voicemail
request (/subscriptions/<id>/voicemail/: read the status, request or change it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.mobile import SubscriptionIn, SubscriptionOut, VoicemailIn, VoicemailOut
from api.views.base import ApiView, with_etag
from mobile import services as service
from mobile.models import Subscription, SubscriptionKind, SubscriptionStatus, VoicemailRequest
from mobile.views import _search

FILTERS = [
    OpenApiParameter("search", str, description="Number or user name, as on the Mobiel page."),
    OpenApiParameter("kind", str, enum=SubscriptionKind.values),
    OpenApiParameter("status", str, enum=SubscriptionStatus.values),
]


def _show(subscription: Subscription) -> dict[str, Any]:
    return SubscriptionOut(subscription).data


def _voicemail(request: VoicemailRequest) -> dict[str, Any]:
    return VoicemailOut(request).data


class SubscriptionMixin(ApiView):
    product = "mobile"

    def subscriptions(self) -> QuerySet[Subscription]:
        return (
            Subscription.objects.filter(organisation=self.organisation)
            .select_related("voicemail")
            .order_by("number", "pk")
        )

    def subscription(self, pk: int) -> Subscription:
        found = self.subscriptions().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found


class SubscriptionList(SubscriptionMixin):
    serializer_class = SubscriptionOut

    @extend_schema(
        parameters=FILTERS, responses=SubscriptionOut(many=True), summary="List mobile subscriptions"
    )
    def get(self, request: Request) -> Response:
        subscriptions = self.subscriptions()
        search = (request.query_params.get("search") or "").strip()
        if search:
            subscriptions = _search(subscriptions, search)
        if request.query_params.get("kind") in SubscriptionKind.values:
            subscriptions = subscriptions.filter(kind=request.query_params["kind"])
        if request.query_params.get("status") in SubscriptionStatus.values:
            subscriptions = subscriptions.filter(status=request.query_params["status"])
        page = self.paginate_queryset(subscriptions)
        return self.get_paginated_response(SubscriptionOut(page, many=True).data)


class SubscriptionDetail(SubscriptionMixin):
    serializer_class = SubscriptionOut

    @extend_schema(responses=SubscriptionOut, summary="Read a subscription")
    def get(self, request: Request, pk: int) -> Response:
        subscription = self.subscription(pk)
        return with_etag(Response(_show(subscription)), subscription.version)

    @extend_schema(request=SubscriptionIn, responses=SubscriptionOut, summary="Change limits and blocking")
    def patch(self, request: Request, pk: int) -> Response:
        subscription = self.subscription(pk)
        form = SubscriptionIn(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        expected = self.expected_version(values)
        values.pop("version", None)
        block_sim = values.pop("block_sim", None)
        with self.saving(_show):
            service.subscription_update(
                subscription=subscription,
                values=values,
                block_sim=block_sim,
                by=self.actor,
                expected_version=expected,
            )
        subscription = self.subscription(pk)
        return with_etag(Response(_show(subscription)), subscription.version)


class VoicemailView(SubscriptionMixin):
    serializer_class = VoicemailOut

    def request_of(self, subscription: Subscription) -> VoicemailRequest | None:
        return VoicemailRequest.objects.filter(
            organisation=self.organisation, subscription=subscription
        ).first()

    @extend_schema(
        responses=VoicemailOut, summary="The Business Voicemail request of a subscription and its status"
    )
    def get(self, request: Request, pk: int) -> Response:
        found = self.request_of(self.subscription(pk))
        if found is None:
            raise Http404
        return with_etag(Response(_voicemail(found)), found.version)

    @extend_schema(
        request=VoicemailIn,
        responses=VoicemailOut,
        summary="Request Business Voicemail, or change the request",
        description="A changed (or rejected) request goes to the studio again; the status moves by itself.",
    )
    def put(self, request: Request, pk: int) -> Response:
        subscription = self.subscription(pk)
        form = VoicemailIn(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        expected = self.expected_version(values)
        values.pop("version", None)
        change = service.VoicemailChange(subscription=subscription, values=values, expected_version=expected)
        with self.saving(_voicemail):
            service.voicemail_requests_submit(organisation=self.organisation, changes=[change], by=self.actor)
        found = self.request_of(subscription)
        assert found is not None
        return with_etag(Response(_voicemail(found)), found.version)

    @extend_schema(
        request=VoicemailIn,
        responses=VoicemailOut,
        summary="Request Business Voicemail (the same as PUT)",
        description="For clients that create with POST: a new request, or a change of the existing one.",
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.put(request, pk)
