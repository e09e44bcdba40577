from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Schedules")

    def ready(self) -> None:
        from core.document import register_section

        from .pbx_document import render_schedules

        register_section("schedules", render_schedules, order=30)
