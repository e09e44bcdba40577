"""Dates and times read in the active language: "25 november" in Dutch, "25 November" in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from core.models import PbxSync

from factories import login

# 05:11 in Amsterdam.
WHEN = datetime(2026, 11, 25, 4, 11, tzinfo=UTC)


@pytest.fixture
def logged_in_last_november(admin):
    admin.last_login = WHEN
    admin.save()
    return admin


def _page(user, url: str) -> str:
    return login(user).get(url).content.decode()


def test_it_shows_the_last_login_with_a_dutch_month_in_dutch(logged_in_last_november, readonly):
    page = _page(readonly, reverse("members"))
    assert "25 november 2026 05:11" in page
    assert "Nov" not in page


def test_it_shows_the_last_login_with_an_english_month_in_english(logged_in_last_november, readonly):
    readonly.language = "en"
    readonly.save()
    page = _page(readonly, reverse("members"))
    assert "25 November 2026 05:11" in page


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "(25 november 05:11)"), ("en", "(25 November 05:11)")]
)
def test_it_says_when_the_pbx_applied_the_changes_in_the_page_language(org, admin, language, expected):
    PbxSync.objects.update_or_create(
        organisation=org, defaults={"desired_revision": 3, "applied_revision": 3, "applied_at": WHEN}
    )
    admin.language = language
    admin.save()
    assert expected in _page(admin, reverse("pbx:night_mode"))
