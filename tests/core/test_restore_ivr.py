"""Terugzetten for IVR menus (issue 14): name, number, settings and keys through ivr_menu_update,
a deleted menu through ivr_menu_create, refused with the reason on a conflict; greetings stay."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.history_lines import build_entries, kinds
from core.models import ChangeRecord, PbxSync
from core.restore import restore
from pbx.domain.audio import tone_wav
from pbx.forms.destination import DestinationValue
from pbx.models import IvrKey, IvrMenu
from pbx.services import ivr as services
from pbx.services import users as user_services
from pbx.sync import render as config
from schedules.models import TimeRange, TimeSchedule

pytestmark = pytest.mark.django_db
IVR = "pbx.ivrmenu"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def office_hours(org):
    schedule = TimeSchedule.objects.create(organisation=org, name="Kantoortijden")
    TimeRange.objects.create(schedule=schedule, weekday=0, start=time(8, 30), end=time(17, 30))
    return schedule


@pytest.fixture
def jan(org, admin):
    return user_services.pbx_user_create(
        organisation=org, by=admin, first_name="Jan", last_name="de Vries", extension="201"
    )


@pytest.fixture
def menu(org, admin, office_hours, jan):
    made = services.ivr_menu_create(
        organisation=org, by=admin, name="Hoofdmenu", extension="300", time_schedule=office_hours
    )
    own = DestinationValue("entry", made.entry)
    services.ivr_menu_update(
        menu=made,
        by=admin,
        values={"business_reception": DestinationValue("entry", jan.entry), "night_destination": own},
        keys=[
            services.KeyChoice("business", "#", "silent", own),
            services.KeyChoice("business", "1", "announce", DestinationValue("entry", jan.entry)),
            services.KeyChoice("after", "2", "announce", DestinationValue("external", None, "0612345678")),
        ],
    )
    return made


def _latest(org) -> ChangeRecord:
    return ChangeRecord.objects.filter(organisation=org).latest("at", "pk")


def _revision(org) -> int:
    return PbxSync.objects.get(organisation=org).desired_revision


def _keys(menu) -> list[tuple[str, str, str, str | None, str]]:
    return [
        (
            k.part,
            k.key,
            k.mode,
            k.destination_entry.name if k.destination_entry else None,
            k.destination_number,
        )
        for k in IvrKey.objects.filter(menu=menu).select_related("destination_entry").order_by("part", "key")
    ]


KEYS = [
    ("after", "2", "announce", None, "+31612345678"),
    ("business", "#", "silent", "Hoofdmenu", ""),
    ("business", "1", "announce", "Jan de Vries", ""),
]


def test_it_puts_back_the_keys_name_and_extension_of_a_menu_and_pushes_it(org, admin, menu):
    assert _keys(menu) == KEYS
    services.ivr_menu_update(
        menu=menu,
        by=admin,
        values={"name": "Keuzemenu", "extension": "301", "reception_seconds": 20},
        keys=[services.KeyChoice("business", "1", "silent", DestinationValue("voicemail", None))],
    )
    change = _latest(org)
    (entry,) = build_entries([change], org)
    lines = entry.groups[0].lines
    assert "Extensie: 300 → 301" in lines
    assert entry.groups[0].restorable
    before = _revision(org)

    done = restore(record=change, kind=kinds()[IVR], object_id=menu.pk, by=admin)

    assert done.changed and done.notes == []
    menu.refresh_from_db()
    menu.entry.refresh_from_db()
    assert (menu.entry.name, menu.entry.extension, menu.reception_seconds) == ("Hoofdmenu", "300", 10)
    assert _keys(menu) == KEYS
    assert _revision(org) == before + 1
    restored = _latest(org)
    assert restored.summary == "Restored to an earlier state" and restored.pbx_revision == before + 1
    (shown,) = [m for m in config.render(org)["ivr_menus"] if m["name"] == "Hoofdmenu"]
    assert shown["extension"] == "300"


def test_it_restores_a_deleted_menu_from_the_organisation_history_with_its_keys_leading_back_to_it(
    admin_client, org, admin, menu
):
    services.ivr_menu_set_greeting(
        menu=menu, by=admin, part="business", upload=SimpleUploadedFile("w.wav", tone_wav(0.5))
    )
    pk = menu.pk
    services.ivr_menu_delete(menu=menu, by=admin)
    change = _latest(org)
    page = admin_client.get(reverse("history:index")).content.decode()
    assert "Verwijderd" in page and f'value="{IVR}:{pk}"' in page
    before = _revision(org)

    response = admin_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"{IVR}:{pk}"}, follow=True
    )

    text = response.content.decode()
    assert "Teruggezet zoals het was vóór deze wijziging." in text
    assert "De begroetingen zijn niet teruggezet" in text
    again = IvrMenu.objects.get(organisation=org)
    assert (again.entry.name, again.entry.extension) == ("Hoofdmenu", "300")
    assert again.business_greeting is None
    assert _keys(again) == KEYS
    assert again.night_destination_entry == again.entry  # led back to the menu, leads back to it again
    assert _revision(org) == before + 1
    assert ChangeRecord.objects.filter(organisation=org, summary="Restored to an earlier state").count() == 1


def test_it_refuses_to_restore_a_deleted_menu_whose_extension_is_taken_now_and_says_why(org, admin, menu):
    pk = menu.pk
    services.ivr_menu_delete(menu=menu, by=admin)
    change = _latest(org)
    user_services.pbx_user_create(
        organisation=org, by=admin, first_name="Els", last_name="Bos", extension="300"
    )
    before = _revision(org)

    with pytest.raises(ValidationError) as refused:
        restore(record=change, kind=kinds()[IVR], object_id=pk, by=admin)

    assert "300" in " ".join(refused.value.messages)
    assert not IvrMenu.objects.filter(organisation=org).exists()
    assert _revision(org) == before


def test_it_refuses_to_put_back_a_key_whose_destination_is_deleted_now_with_the_reason(
    admin_client, org, admin, menu
):
    from pbx.services import hunt_groups

    sales = hunt_groups.hunt_group_create(
        organisation=org, by=admin, name="Verkoop", extension="400", values={}
    )
    services.ivr_menu_update(
        menu=menu,
        by=admin,
        values={},
        keys=[services.KeyChoice("business", "3", "announce", DestinationValue("entry", sales.entry))],
    )
    services.ivr_menu_update(menu=menu, by=admin, values={}, keys=[])
    change = _latest(org)
    hunt_groups.hunt_group_delete(group=sales, by=admin)
    before = _revision(org)

    response = admin_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"{IVR}:{menu.pk}"}, follow=True
    )

    text = response.content.decode()
    assert (
        "Terugzetten is niet gelukt: De bestemming van toets 3 (onder werktijd) van dat moment bestaat niet meer"
        in text
    )
    assert _keys(menu) == []
    assert _revision(org) == before


def test_it_lets_a_read_only_member_see_a_menu_change_but_not_restore_it(readonly_client, org, admin, menu):
    services.ivr_menu_update(menu=menu, by=admin, values={"extension": "301"})
    change = _latest(org)
    section = readonly_client.get(reverse("history:object"), {"object": f"{IVR}:{menu.pk}"}).content.decode()
    assert "300 → 301" in section and "history-restore" not in section

    refused = readonly_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"{IVR}:{menu.pk}"}
    )

    assert refused.status_code == 403
    menu.entry.refresh_from_db()
    assert menu.entry.extension == "301"


def test_it_answers_404_to_another_organisation_restoring_a_menu(outsider_client, org, admin, menu):
    services.ivr_menu_update(menu=menu, by=admin, values={"extension": "301"})
    change = _latest(org)

    response = outsider_client.post(
        reverse("history:restore", args=[change.pk]), {"object": f"{IVR}:{menu.pk}"}
    )

    assert response.status_code == 404
    menu.entry.refresh_from_db()
    assert menu.entry.extension == "301"


def test_it_offers_no_restore_for_a_greeting_alone_and_says_greetings_stay_otherwise(org, admin, menu):
    services.ivr_menu_set_greeting(
        menu=menu, by=admin, part="business", upload=SimpleUploadedFile("w.wav", tone_wav(0.5))
    )
    (greeting,) = build_entries([_latest(org)], org)
    assert greeting.groups[0].lines == ["Begroeting onder werktijd toegevoegd"]
    assert not greeting.groups[0].restorable  # a file is not put back: the button would do nothing
    services.ivr_menu_update(menu=menu, by=admin, values={"extension": "301"})
    change = _latest(org)
    services.ivr_menu_remove_greeting(menu=menu, by=admin, part="business")
    services.ivr_menu_set_greeting(
        menu=menu, by=admin, part="business", upload=SimpleUploadedFile("x.wav", tone_wav(0.7))
    )
    greeting_now = IvrMenu.objects.get(pk=menu.pk).business_greeting_id
    assert build_entries([change], org)[0].groups[0].restorable

    done = restore(record=change, kind=kinds()[IVR], object_id=menu.pk, by=admin)

    assert done.notes == [
        "De begroetingen zijn niet teruggezet: een begroeting is een geluidsbestand. "
        "Upload ze zo nodig opnieuw op de pagina van het menu."
    ]
    again = IvrMenu.objects.get(pk=menu.pk)
    assert (again.entry.extension, again.business_greeting_id) == ("300", greeting_now)
