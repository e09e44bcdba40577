"""URLs of one feature, kept in their own module so its pages can grow without touching the others'."""

from django.urls import URLPattern, path

from . import views_transfer

urlpatterns: list[URLPattern] = [
    path("exporteren/", views_transfer.subscriptions_export, name="subscriptions_export"),
    path("importeren/", views_transfer.subscriptions_import, name="subscriptions_import"),
]
