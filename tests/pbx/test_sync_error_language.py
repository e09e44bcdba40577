"""A failed push is worded for whoever looks at the status line, in their language: the worker
that met the error stores what went wrong, not a sentence in one language."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse

from core.models import PbxSync
from core.revision import config_changed
from pbx.sync import tasks
from pbx.sync.client import PbxClient

from factories import login

pytestmark = pytest.mark.django_db


def _push_against(monkeypatch, handler) -> None:
    monkeypatch.setattr(
        tasks,
        "get_client",
        lambda: PbxClient("http://pbx.test", "token", transport=httpx.MockTransport(handler)),
    )
    tasks.push_config.apply(args=[PbxSync.objects.get().organisation_id])


def _down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused")


def _refusing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        422, json={"errors": ["night_mode.destination.value: an extension is 2 to 4 digits"]}
    )


@pytest.mark.parametrize(
    ("handler", "dutch", "english"),
    [
        (_down, "De centrale is niet bereikbaar", "The PBX cannot be reached"),
        (
            _refusing,
            "De centrale weigerde de configuratie: night_mode.destination.value",
            "The PBX refused the configuration: night_mode.destination.value",
        ),
    ],
)
def test_it_shows_why_a_push_failed_in_the_viewers_language(
    monkeypatch, org, admin, readonly, handler, dutch, english
):
    config_changed(organisation=org)
    _push_against(monkeypatch, handler)
    readonly.language = "en"
    readonly.save()

    in_dutch = login(admin).get(reverse("pbx:sync_status")).content.decode()
    in_english = login(readonly).get(reverse("pbx:sync_status")).content.decode()

    assert "Doorvoeren mislukt" in in_dutch and dutch in in_dutch
    assert english in in_english and "De centrale" not in in_english


def test_it_words_an_unknown_stored_code_with_the_general_text(admin_client, org):
    PbxSync.objects.update_or_create(
        organisation=org,
        defaults={
            "desired_revision": 2,
            "last_error": "detail",
            "last_error_code": "new_kind",
            "last_error_params": {},
        },
    )
    html = admin_client.get(reverse("pbx:sync_status")).content.decode()
    assert "Er ging iets mis bij het contact met de centrale" in html
