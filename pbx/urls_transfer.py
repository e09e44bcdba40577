"""URLs of one feature, kept in their own module so its pages can grow without touching the others'."""

from django.urls import URLPattern, path

from .views import transfer

urlpatterns: list[URLPattern] = [
    path("gebruikers/exporteren/", transfer.users_export, name="users_export"),
    path("gebruikers/importeren/", transfer.users_import, name="users_import"),
    path("belgroepen/exporteren/", transfer.hunt_groups_export, name="hunt_groups_export"),
    path("belgroepen/importeren/", transfer.hunt_groups_import, name="hunt_groups_import"),
    path("keuzemenus/exporteren/", transfer.ivr_export, name="ivr_export"),
]
