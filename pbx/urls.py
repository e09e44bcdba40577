from django.urls import path

from . import views

app_name = "pbx"
urlpatterns = [
    path("", views.index, name="index"),
]
