"""Mijn gegevens → API-sleutels: the account's own API keys."""

from django.urls import path

from .views import tokens

urlpatterns = [
    path("", tokens.token_list, name="api_tokens"),
    path("<id:pk>/intrekken/", tokens.revoke, name="api_token_revoke"),
]
