"""URLs of one feature, kept in their own module so its pages can grow without touching the others'."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
