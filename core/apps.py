from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("PBX sync")

    def ready(self) -> None:
        from . import changes  # noqa: F401  (fills every historical row's change and organisation)
