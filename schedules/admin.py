from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule


class TimeRangeInline(admin.TabularInline):
    model = TimeRange
    extra = 0


class HolidayEntryInline(admin.TabularInline):
    model = HolidayEntry
    extra = 0


@admin.register(TimeSchedule)
class TimeScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "is_builtin", "updated_at"]
    list_filter = ["is_builtin"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    inlines = [TimeRangeInline]


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "updated_at"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    inlines = [HolidayEntryInline]
