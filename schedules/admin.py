from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PbxDocumentAdminMixin

from .models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule


class TimeRangeInline(admin.TabularInline):
    model = TimeRange
    extra = 0


class HolidayEntryInline(admin.TabularInline):
    model = HolidayEntry
    extra = 0


@admin.register(TimeSchedule)
class TimeScheduleAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "is_builtin", "updated_at"]
    list_filter = ["is_builtin"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    inlines = [TimeRangeInline]

    # "Elke dag, de hele dag" is the same for everyone and cannot be changed (R4.4), here neither.
    def has_change_permission(self, request: HttpRequest, obj: TimeSchedule | None = None) -> bool:
        return not (obj is not None and obj.is_builtin) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: TimeSchedule | None = None) -> bool:
        return not (obj is not None and obj.is_builtin) and super().has_delete_permission(request, obj)


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "updated_at"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    inlines = [HolidayEntryInline]
