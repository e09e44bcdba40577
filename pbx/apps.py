from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PbxConfig(AppConfig):
    name = "pbx"
    verbose_name = _("PBX")

    def ready(self) -> None:
        from core.document import register_section

        from .document.night_mode import render_night_mode
        from .models import NightMode
        from .sync import tasks  # noqa: F401  (registers push_config and reconcile in every process)

        register_section("night_mode", render_night_mode, order=20, models=(NightMode,))
        # Users, hunt groups and IVR menus are part of schema version 1 and empty until those
        # objects exist (docs/pbx-config.md).
        for order, name in ((40, "users"), (50, "hunt_groups"), (60, "ivr_menus")):
            register_section(name, lambda organisation: [], order=order)
