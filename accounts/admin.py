"""Operator staff manage organisations, numbers, accounts and memberships here (R1.8)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.document import ORGANISATION_FIELDS
from core.organisation_setup import organisation_set_up
from core.revision import config_changed

from .models import Membership, Organisation, PhoneNumber, User


class PhoneNumberInline(admin.TabularInline):
    model = PhoneNumber
    extra = 1
    fields = ["number"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["user", "role", "is_active"]
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "has_telephony", "has_pbx", "has_mobile", "contact_email", "created_at"]
    list_filter = ["has_telephony", "has_pbx", "has_mobile"]
    search_fields = ["name", "contact_email"]
    inlines = [PhoneNumberInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "contact_email", "notification_email", "language", "time_zone"]}),
        (_("Products"), {"fields": ["has_telephony", "has_pbx", "has_mobile"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # What every organisation has from the start, as accounts.services.organisation_create.
            organisation_set_up(obj)
        elif set(form.changed_data) & set(ORGANISATION_FIELDS):
            # The name and time zone are in the PBX document (also simple-history's "revert").
            config_changed(organisation=obj)


@admin.register(PhoneNumber)
class PhoneNumberAdmin(SimpleHistoryAdmin):
    list_display = ["number", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["number", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [
        type(
            "UserMembershipInline",
            (MembershipInline,),
            {
                "fk_name": "user",
                "fields": ["organisation", "role", "is_active"],
                "autocomplete_fields": ["organisation"],
            },
        )
    ]
