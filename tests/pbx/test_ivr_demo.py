"""The demo's IVR menu: "Hoofdmenu" on the main number (issue 12)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from pbx.models import IvrMenu
from pbx.services import ivr as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_it_loads_hoofdmenu_with_the_hunt_groups_on_its_keys_and_both_greetings():
    call_command("demo")
    call_command("demo")  # a second run adds nothing
    menu = services.with_keys(IvrMenu.objects.all()).get()
    assert menu.entry.name == "Hoofdmenu" and menu.entry.phone_number is not None
    keys = {(k.part, k.key): k for k in menu.keys.all()}
    names = {key: keys[("business", key)].destination_entry.name for key in ("1", "2", "0")}
    assert names == {"1": "Verkoop", "2": "Service", "0": "Receptie"}
    assert keys[("after", "1")].destination_kind == "voicemail"
    assert keys[("after", "2")].destination_number == "+31612345678"
    assert menu.business_reception_entry.name == "Receptie" and menu.night_mode == "follow"
    assert menu.business_greeting is not None and menu.after_greeting is not None
    assert services.menu_warnings(menu) == []
