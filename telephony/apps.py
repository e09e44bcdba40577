from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("Phone")

    def ready(self) -> None:
        from core.document import register_section

        from .models import CallBarring
        from .pbx_document import render_barring

        register_section("barring", render_barring, order=10, models=(CallBarring,))
