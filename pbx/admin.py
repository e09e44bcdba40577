from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PbxDocumentAdminMixin
from core.models import PbxSync
from core.revision import queue_push

from .models import NightMode


@admin.register(PbxSync)
class PbxSyncAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "desired_revision",
        "applied_revision",
        "in_sync",
        "pending_since",
        "last_attempt_at",
        "last_error",
    ]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    readonly_fields = [f.name for f in PbxSync._meta.fields]
    actions = ["push_now"]

    @admin.display(boolean=True, description=_("in sync"))
    def in_sync(self, obj: PbxSync) -> bool:
        return obj.in_sync

    @admin.action(description=_("Push the configuration to the PBX now"))
    def push_now(self, request: HttpRequest, queryset: QuerySet[PbxSync]) -> None:
        ids = list(queryset.values_list("organisation_id", flat=True))
        for organisation_id in ids:
            # Forced: pushed now, also when the portal believes the PBX is in sync or waits out a backoff.
            queue_push(organisation_id, force=True)
        self.message_user(
            request, _("Push queued for %(count)d organisations.") % {"count": len(ids)}, messages.SUCCESS
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NightMode)
class NightModeAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "setting", "time_schedule", "holiday_schedule", "destination_value"]
    list_select_related = ["organisation", "time_schedule", "holiday_schedule"]
    list_filter = ["setting"]
