from django.urls import path

from . import views_history

app_name = "history"

urlpatterns = [
    path("", views_history.index, name="index"),
    path("onderdeel/", views_history.object_history, name="object"),
    path("<id:pk>/terugzetten/", views_history.restore_view, name="restore"),
]
