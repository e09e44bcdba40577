from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the login timestamp receiver)
