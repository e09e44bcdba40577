from django.urls import path

from .views import night_mode, sync_status

app_name = "pbx"
urlpatterns = [
    path("", night_mode.index, name="index"),
    path("nachtschakeling/", night_mode.night_mode, name="night_mode"),
    path("nachtschakeling/handmatig/", night_mode.night_mode_override, name="night_mode_override"),
    path("status/", sync_status.sync_status, name="sync_status"),
    path("status/opnieuw/", sync_status.sync_retry, name="sync_retry"),
]
