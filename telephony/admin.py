from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CallBarring


@admin.register(CallBarring)
class CallBarringAdmin(SimpleHistoryAdmin):
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
