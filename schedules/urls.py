from django.urls import path

from . import views

app_name = "schedules"
urlpatterns = [
    path("", views.schedule_list, name="list"),
    path("tijd/nieuw/", views.time_schedule_create, name="time_create"),
    path("tijd/<id:pk>/", views.time_schedule_detail, name="time_detail"),
    path("tijd/<id:pk>/verwijderen/", views.time_schedule_delete, name="time_delete"),
    path("feestdagen/nieuw/", views.holiday_schedule_create, name="holiday_create"),
    path("feestdagen/<id:pk>/", views.holiday_schedule_detail, name="holiday_detail"),
    path("feestdagen/<id:pk>/verwijderen/", views.holiday_schedule_delete, name="holiday_delete"),
    path(
        "feestdagen/<id:pk>/nederlandse-feestdagen/",
        views.holiday_schedule_public_holidays,
        name="holiday_public",
    ),
    path("feestdagen/<id:pk>/importeren/", views.holiday_schedule_import, name="holiday_import"),
    path("feestdagen/<id:pk>/export.ics", views.holiday_schedule_export, name="holiday_export"),
]
