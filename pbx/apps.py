from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PbxConfig(AppConfig):
    name = "pbx"
    verbose_name = _("PBX")

    def ready(self) -> None:
        from core.document import register_section

        from .document.hunt_groups import render_hunt_groups
        from .document.night_mode import render_night_mode
        from .document.users import render_users
        from .models import DirectoryEntry, Greeting, HuntGroup, HuntGroupMember, NightMode, PbxUser
        from .sync import tasks  # noqa: F401  (registers push_config and reconcile in every process)

        # The night mode's destination may name a directory entry (its extension) since schema 2.
        register_section("night_mode", render_night_mode, order=20, models=(NightMode, DirectoryEntry))
        register_section("users", render_users, order=40, models=(PbxUser, DirectoryEntry, Greeting))
        register_section(
            "hunt_groups", render_hunt_groups, order=50, models=(HuntGroup, HuntGroupMember, DirectoryEntry)
        )
        from .document.ivr import render_ivr_menus
        from .models import IvrKey, IvrMenu

        register_section(
            "ivr_menus", render_ivr_menus, order=60, models=(IvrMenu, IvrKey, DirectoryEntry, Greeting)
        )
