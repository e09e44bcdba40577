from django.urls import path

from . import urls_callflow, urls_transfer
from .views import hunt_groups, ivr, night_mode, sync_status, users

app_name = "pbx"
urlpatterns = [
    path("", night_mode.index, name="index"),
    path("nachtschakeling/", night_mode.night_mode, name="night_mode"),
    path("nachtschakeling/handmatig/", night_mode.night_mode_override, name="night_mode_override"),
    path("gebruikers/", users.user_list, name="users"),
    path("gebruikers/nieuw/", users.user_create, name="user_create"),
    path("gebruikers/<id:pk>/", users.user_edit, name="user_edit"),
    path("gebruikers/<id:pk>/wachtwoord/", users.user_password, name="user_password"),
    path("gebruikers/<id:pk>/begroeting/", users.user_greeting, name="user_greeting"),
    path(
        "gebruikers/<id:pk>/begroeting/verwijderen/", users.user_greeting_remove, name="user_greeting_remove"
    ),
    path("gebruikers/<id:pk>/verwijderen/", users.user_delete, name="user_delete"),
    path("keuzemenus/", ivr.ivr_list, name="ivr_menus"),
    path("keuzemenus/nieuw/", ivr.ivr_create, name="ivr_create"),
    path("keuzemenus/<id:pk>/", ivr.ivr_edit, name="ivr_edit"),
    path("keuzemenus/<id:pk>/begroeting/werktijd/", ivr.ivr_greeting_business, name="ivr_greeting_business"),
    path("keuzemenus/<id:pk>/begroeting/na-werktijd/", ivr.ivr_greeting_after, name="ivr_greeting_after"),
    path(
        "keuzemenus/<id:pk>/begroeting/werktijd/verwijderen/",
        ivr.ivr_greeting_business_remove,
        name="ivr_greeting_business_remove",
    ),
    path(
        "keuzemenus/<id:pk>/begroeting/na-werktijd/verwijderen/",
        ivr.ivr_greeting_after_remove,
        name="ivr_greeting_after_remove",
    ),
    path("keuzemenus/<id:pk>/verwijderen/", ivr.ivr_delete, name="ivr_delete"),
    path("belgroepen/", hunt_groups.hunt_group_list, name="hunt_groups"),
    path("belgroepen/nieuw/", hunt_groups.hunt_group_create, name="hunt_group_create"),
    path("belgroepen/<id:pk>/", hunt_groups.hunt_group_edit, name="hunt_group_edit"),
    path("belgroepen/<id:pk>/leden/", hunt_groups.hunt_group_members, name="hunt_group_members"),
    path("belgroepen/<id:pk>/verwijderen/", hunt_groups.hunt_group_delete, name="hunt_group_delete"),
    path("status/", sync_status.sync_status, name="sync_status"),
    path("status/opnieuw/", sync_status.sync_retry, name="sync_retry"),
]
urlpatterns += urls_callflow.urlpatterns + urls_transfer.urlpatterns
