"""Operator staff manage subscriptions and Business Voicemail requests here (R1.8, R8.8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import normalise_phone_number

from . import services
from .models import MobileDefaults, Subscription, VoicemailRequest

LIMIT_FIELDSETS = [
    (_("Limits"), {"fields": ["spending_limit", "data_limit_gb"]}),
    (_("Usage alerts"), {"fields": ["alert_50", "alert_80", "alert_100", "alert_email"]}),
    (
        _("Blocking"),
        {
            "fields": [
                "block_international_calls",
                "block_roaming_calls",
                "block_roaming_data",
                "block_premium_numbers",
                "block_premium_sms",
            ]
        },
    ),
]


class NumberSearchMixin:
    """Staff may search a number the way it is written: 06 1234 5678 finds +31612345678."""

    number_field = "number"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        result, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        try:
            number = normalise_phone_number(search_term.strip())
        except ValidationError:
            return result, may_have_duplicates
        return result | queryset.filter(Q(**{self.number_field: number})), may_have_duplicates


@admin.register(Subscription)
class SubscriptionAdmin(NumberSearchMixin, SimpleHistoryAdmin):
    list_display = ["number", "user_name", "organisation", "kind", "status", "updated_at"]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["number", "user_name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "updated_at"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main = (None, {"fields": ["organisation", "number", "user_name", "kind", "status"]})
        if obj is None:
            # A new subscription gets the organisation's general mobile settings.
            return [main]
        return [main, *LIMIT_FIELDSETS, (_("Dates"), {"fields": ["created_at", "updated_at"]})]

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.subscription_create(
            organisation=obj.organisation,
            number=obj.number,
            user_name=obj.user_name,
            kind=obj.kind,
            status=obj.status,
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(MobileDefaults)
class MobileDefaultsAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "spending_limit", "data_limit_gb", "updated_at"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [(None, {"fields": ["organisation"]}), *LIMIT_FIELDSETS]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The customer sees this as “Afgewezen: <reason>”."),
    )


@admin.register(VoicemailRequest)
class VoicemailRequestAdmin(NumberSearchMixin, SimpleHistoryAdmin):
    number_field = "subscription__number"
    list_display = [
        "subscription",
        "organisation",
        "kind",
        "status",
        "requested_at",
        "submitted_at",
        "ready_at",
    ]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["subscription__number", "subscription__user_name", "person_name", "company_name"]
    list_select_related = ["subscription", "organisation"]
    date_hierarchy = "requested_at"
    actions = ["mark_submitted", "mark_ready", "reject"]
    readonly_fields = [
        "organisation",
        "subscription",
        "version",
        "studio_reference",
        "requested_at",
        "submitted_at",
        "ready_at",
        "ready_mailed_at",
        "text_preview",
    ]
    fieldsets = [
        (None, {"fields": ["organisation", "subscription", "status", "reject_reason"]}),
        (
            _("Request details"),
            {
                "fields": [
                    "kind",
                    "company_name",
                    "person_name",
                    "function",
                    "own_text",
                    "language",
                    "voice",
                    "text_preview",
                ]
            },
        ),
        (
            _("Studio"),
            {
                "fields": [
                    "version",
                    "studio_reference",
                    "requested_at",
                    "submitted_at",
                    "ready_at",
                    "ready_mailed_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers request Business Voicemail in the portal

    @admin.display(description=_("text to record"))
    def text_preview(self, obj: VoicemailRequest) -> str:
        return obj.text

    @admin.action(description=_("Mark as submitted to the studio"))
    def mark_submitted(self, request: HttpRequest, queryset: QuerySet[VoicemailRequest]) -> None:
        done = sum(
            services.voicemail_mark_submitted(request_id=pk, by=request.user)  # type: ignore[arg-type]
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked as submitted.", "%(count)d requests marked as submitted.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as ready (mails the customer)"))
    def mark_ready(self, request: HttpRequest, queryset: QuerySet[VoicemailRequest]) -> None:
        done = sum(
            services.voicemail_mark_ready(request_id=pk, by=request.user)  # type: ignore[arg-type]
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d voicemail marked as ready.", "%(count)d voicemails marked as ready.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject with a reason"))
    def reject(self, request: HttpRequest, queryset: QuerySet[VoicemailRequest]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = sum(
                services.voicemail_reject(
                    request_id=pk,
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                )
                for pk in queryset.values_list("pk", flat=True)
            )
            self.message_user(
                request,
                ngettext("%(count)d request rejected.", "%(count)d requests rejected.", done)
                % {"count": done},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "queryset": queryset.select_related("subscription", "organisation"),
            "form": form,
            "title": _("Reject Business Voicemail requests"),
        }
        return TemplateResponse(request, "mobile/admin/reject_voicemail.html", context)
