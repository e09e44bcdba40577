from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Schedules")

    def ready(self) -> None:
        from core.document import register_section
        from core.organisation_setup import register_organisation_setup

        from .models import HolidayEntry, HolidaySchedule, TimeRange, TimeSchedule
        from .pbx_document import render_schedules

        register_section(
            "schedules",
            render_schedules,
            order=30,
            models=(TimeSchedule, TimeRange, HolidaySchedule, HolidayEntry),
        )

        from .services import ensure_builtin_time_schedule

        # Every organisation has "Elke dag, de hele dag" from the start (R4.4).
        register_organisation_setup(
            "schedules.builtin", lambda organisation: ensure_builtin_time_schedule(organisation=organisation)
        )
