"""Staff see every organisation's history in the admin, read-only (issue 14)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "organisation", "actor", "by", "shown_summary", "pbx_revision")
    list_filter = ("actor", "organisation")
    search_fields = ("summary", "by__email", "organisation__name")
    date_hierarchy = "at"
    list_select_related = ("organisation", "by")
    readonly_fields = ("organisation", "at", "by", "actor", "summary", "pbx_revision")
    ordering = ("-at", "-pk")

    @admin.display(description=gettext_lazy("change"), ordering="summary")
    def shown_summary(self, obj: ChangeRecord) -> str:
        return _(obj.summary)

    def get_queryset(self, request: HttpRequest) -> Any:
        return ChangeRecord.objects.with_scopes_disabled().all()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
