"""URLs of one feature, kept in their own module so its pages can grow without touching the others'."""

from django.urls import URLPattern, path

from .views import callflow

urlpatterns: list[URLPattern] = [
    path("test-een-oproep/", callflow.test_call, name="callflow_test"),
    path("belplan/", callflow.call_plan, name="callflow_plan"),
    path("controle/", callflow.checks, name="callflow_checks"),
    path("controle/onderdeel/", callflow.findings_part, name="callflow_findings"),
]
