from django.urls import path

from . import views

app_name = "telephony"
urlpatterns = [
    path("", views.index, name="index"),
]
