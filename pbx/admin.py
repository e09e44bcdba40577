from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PbxDocumentAdminMixin
from core.models import PbxSync
from core.revision import queue_push

from .models import DirectoryEntry, Greeting, HuntGroup, HuntGroupMember, IvrKey, IvrMenu, NightMode, PbxUser


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
    list_display = ["organisation", "setting", "time_schedule", "holiday_schedule", "destination_kind"]
    list_select_related = ["organisation", "time_schedule", "holiday_schedule"]
    list_filter = ["setting"]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "kind", "extension", "phone_number"]
    list_select_related = ["organisation", "phone_number"]
    list_filter = ["kind"]
    search_fields = ["name", "extension", "phone_number__number", "organisation__name"]
    raw_id_fields = ["phone_number"]
    # The kind is what owns the entry (a user, hunt group or IVR menu): it does not change.
    readonly_fields = ["organisation", "kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # An entry comes with its user, hunt group or IVR menu.


@admin.register(PbxUser)
class PbxUserAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "organisation", "entry", "voicemail_enabled", "night_mode"]
    list_select_related = ["organisation", "entry__phone_number"]
    list_filter = ["voicemail_enabled", "night_mode"]
    search_fields = ["first_name", "last_name", "entry__extension", "app_username", "organisation__name"]
    # Ids rather than drop-downs of every organisation's entries and greetings.
    raw_id_fields = ["entry", "greeting", *(f"{prefix}_entry" for prefix in PbxUser.DESTINATIONS)]
    readonly_fields = ["organisation", "app_password_set_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Users are created in the portal, with their directory entry.


class IvrKeyInline(admin.TabularInline):
    model = IvrKey
    extra = 0
    raw_id_fields = ["destination_entry"]


@admin.register(IvrMenu)
class IvrMenuAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "entry", "time_schedule", "night_mode"]
    list_select_related = ["organisation", "entry__phone_number", "time_schedule"]
    list_filter = ["night_mode", "after_hours"]
    search_fields = ["entry__name", "entry__extension", "organisation__name"]
    # Ids rather than drop-downs of every organisation's entries, schedules and greetings.
    raw_id_fields = [
        "entry",
        "time_schedule",
        "holiday_schedule",
        "business_greeting",
        "after_greeting",
        *(f"{prefix}_entry" for prefix in IvrMenu.DESTINATIONS),
    ]
    readonly_fields = ["organisation"]
    inlines = [IvrKeyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Menus are created in the portal, with their directory entry.


class HuntGroupMemberInline(admin.TabularInline):
    model = HuntGroupMember
    extra = 0
    raw_id_fields = ["member"]


@admin.register(HuntGroup)
class HuntGroupAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "entry", "distribution", "rings", "night_mode"]
    list_select_related = ["organisation", "entry__phone_number"]
    list_filter = ["distribution", "night_mode"]
    search_fields = ["entry__name", "entry__extension", "organisation__name"]
    raw_id_fields = ["entry", "overflow_entry"]
    readonly_fields = ["organisation"]
    inlines = [HuntGroupMemberInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Groups are created in the portal, with their directory entry.


@admin.register(Greeting)
class GreetingAdmin(PbxDocumentAdminMixin, admin.ModelAdmin):
    """Greetings are their content (content-addressed by sha256): staff can look, never change one in
    place; a user's or menu's change points at another greeting."""

    list_display = ["name", "organisation", "sha256", "size", "duration_ms", "uploaded_at"]
    list_select_related = ["organisation"]
    search_fields = ["name", "sha256", "organisation__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Greeting | None = None) -> bool:
        return False
