from django.urls import path

from . import views

app_name = "pbx"
urlpatterns = [
    path("", views.index, name="index"),
    path("nachtschakeling/", views.night_mode, name="night_mode"),
    path("nachtschakeling/handmatig/", views.night_mode_override, name="night_mode_override"),
    path("status/", views.sync_status, name="sync_status"),
    path("status/opnieuw/", views.sync_retry, name="sync_retry"),
]
