from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PbxDocumentAdminMixin

from .models import CallBarring


@admin.register(CallBarring)
class CallBarringAdmin(PbxDocumentAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "international",
        "mobile",
        "premium_0900",
        "erotic_0906",
        "entertainment_0909",
    ]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
