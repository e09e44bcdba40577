"""The "ivr_menus" section of the PBX document and what the simulator checks in it (issue 12)."""

from __future__ import annotations

import copy
from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from pbx.document.ivr import render_ivr_menus
from pbx.domain.audio import tone_wav
from pbx.domain.ivr import KEYPAD
from pbx.forms.destination import DestinationValue
from pbx.models import IvrKey
from pbx.services import ivr as services
from pbx.services import users as user_services
from pbx.simulator.validation import validate_config
from pbx.sync import render as config
from schedules.models import TimeRange, TimeSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def office_hours(org):
    schedule = TimeSchedule.objects.create(organisation=org, name="Kantoortijden")
    TimeRange.objects.create(schedule=schedule, weekday=0, start=time(8, 30), end=time(17, 30))
    return schedule


@pytest.fixture
def jan(org):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


@pytest.fixture
def menu(org, office_hours, jan):
    made = services.ivr_menu_create(
        organisation=org,
        by=None,
        name="Hoofdmenu",
        first_name="Bakkerij",
        last_name="De Vries",
        extension="300",
        time_schedule=office_hours,
    )
    services.ivr_menu_set_greeting(
        menu=made, by=None, part="business", upload=SimpleUploadedFile("w.wav", tone_wav(0.5))
    )
    own = DestinationValue("entry", made.entry)
    services.ivr_menu_update(
        menu=made,
        by=None,
        values={"business_reception": DestinationValue("entry", jan.entry), "night_destination": own},
        keys=[
            services.KeyChoice("business", "#", "silent", own),
            services.KeyChoice("business", "1", "announce", DestinationValue("entry", jan.entry)),
            services.KeyChoice("after", "2", "announce", DestinationValue("external", None, "0612345678")),
        ],
    )
    return made


def _document(org):
    return config.render(Organisation.objects.get(pk=org.pk))


def test_it_renders_a_menu_with_both_parts_keys_in_keypad_order_and_references(org, menu, jan, office_hours):
    [rendered] = _document(org)["ivr_menus"]
    menu.refresh_from_db()
    assert rendered == {
        "key": f"m{menu.entry_id}",
        "name": "Hoofdmenu",
        "first_name": "Bakkerij",
        "last_name": "De Vries",
        "extension": "300",
        "external_number": None,
        "time_schedule": f"t{office_hours.pk}",
        "holiday_schedule": None,
        "business_hours": {
            "greeting": {"audio": menu.business_greeting.sha256},
            "keys": [
                {"key": "1", "announce": True, "destination": {"type": "user", "key": f"u{jan.entry_id}"}},
                {
                    "key": "#",
                    "announce": False,
                    "destination": {"type": "ivr_menu", "key": f"m{menu.entry_id}"},
                },
            ],
            "reception": {"type": "user", "key": f"u{jan.entry_id}"},
        },
        "after_hours": {
            "action": "menu",
            "menu": {
                "greeting": None,
                "keys": [
                    {
                        "key": "2",
                        "announce": True,
                        "destination": {"type": "external", "number": "+31612345678"},
                    }
                ],
                "reception": None,
            },
            "destination": None,
        },
        "reception_seconds": 10,
        "night_mode": "follow",
        "night_destination": {"type": "ivr_menu", "key": f"m{menu.entry_id}"},
    }


def test_it_renders_a_document_the_simulator_accepts(org, menu):
    menu.refresh_from_db()
    document = _document(org)
    assert validate_config(document, has_audio=lambda sha: True) == []
    assert validate_config(document, has_audio=lambda sha: False) == [
        f"ivr_menus[0].business_hours.greeting.audio: audio {menu.business_greeting.sha256} has not been uploaded"
    ]


def test_it_renders_after_hours_straight_to_a_destination(org, menu):
    services.ivr_menu_update(
        menu=menu,
        by=None,
        values={"after_hours": "destination", "after_destination": DestinationValue("voicemail")},
    )
    [rendered] = _document(org)["ivr_menus"]
    assert rendered["after_hours"] == {
        "action": "destination",
        "menu": None,
        "destination": {"type": "voicemail"},
    }
    assert validate_config(_document(org)) == []


def test_it_renders_many_menus_in_a_fixed_number_of_queries(org, office_hours, jan):
    for i in range(20):
        made = services.ivr_menu_create(
            organisation=org, by=None, name=f"Menu {i}", extension=str(3000 + i), time_schedule=office_hours
        )
        IvrKey.objects.bulk_create(
            IvrKey(menu=made, part="business", key=key, destination_kind="entry", destination_entry=jan.entry)
            for key in KEYPAD
        )
    with CaptureQueriesContext(connection) as queries:
        rendered = render_ivr_menus(org)
    assert len(rendered) == 20 and all(len(m["business_hours"]["keys"]) == 12 for m in rendered)
    assert len(queries.captured_queries) == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda m: m["business_hours"]["keys"].append(dict(m["business_hours"]["keys"][0])),
            "duplicate key '1'",
        ),
        (lambda m: m["business_hours"]["keys"][0].update(key="A"), "must be one of: 1, 2, 3"),
        (lambda m: m["business_hours"]["keys"][0].update(destination=None), "expected a destination object"),
        (lambda m: m.update(time_schedule="t999999"), "refers to unknown time schedule 't999999'"),
        (lambda m: m.update(extension=None), "an IVR menu needs an extension or an external_number"),
        (
            lambda m: m["after_hours"].update(menu=None),
            "after_hours.menu: is required when the action is menu",
        ),
        (
            lambda m: m["business_hours"].update(reception={"type": "hunt_group", "key": "g424242"}),
            "business_hours.reception.key: no such user, hunt group or IVR menu",
        ),
        (lambda m: m.update(reception_seconds=0), "must be between 3 and 60"),
    ],
)
def test_it_is_refused_by_the_simulator_when_broken(org, menu, change, reason):
    document = copy.deepcopy(_document(org))
    change(document["ivr_menus"][0])
    errors = validate_config(document)
    assert any(reason in error for error in errors), errors


def test_it_refuses_a_menu_with_the_extension_of_a_user(org, menu, jan):
    document = copy.deepcopy(_document(org))
    document["ivr_menus"][0]["extension"] = "201"
    assert any("201 is also the extension of users[0]" in error for error in validate_config(document))
