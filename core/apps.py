from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("PBX sync")

    def ready(self) -> None:
        # changes fills every historical row's change and organisation; security_events puts
        # logins, password and e-mail changes and two-factor login in the history.
        from . import changes, security_events  # noqa: F401
