"""The Telefooncentrale's "Keuzemenu's" pages (R7.1-R7.6, R3.5 per menu; issue 12)."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import PbxSync
from pbx.domain.audio import tone_wav
from pbx.domain.ivr import KEYPAD
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry, IvrKey, IvrMenu
from pbx.services import ivr as services
from pbx.services import users as user_services
from schedules.models import TimeRange, TimeSchedule

from factories import OrganisationFactory, TimeScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def office_hours(org):
    schedule = TimeSchedule.objects.create(organisation=org, name="Kantoortijden")
    for day in range(7):
        TimeRange.objects.create(schedule=schedule, weekday=day, start=time(8, 30), end=time(17, 30))
    return schedule


@pytest.fixture
def builtin(org):
    return TimeSchedule.objects.get(organisation=org, is_builtin=True)


@pytest.fixture
def jan(org):
    return user_services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


@pytest.fixture
def menu(org, office_hours):
    return services.ivr_menu_create(
        organisation=org, by=None, name="Hoofdmenu", extension="300", time_schedule=office_hours
    )


def _edit_data(menu: IvrMenu, **changes):
    """What the edit page posts for the menu as stored (no keys set), with changes."""
    data = {
        "version": str(menu.version),
        "name": menu.entry.name,
        "first_name": menu.first_name,
        "last_name": menu.last_name,
        "extension": menu.entry.extension or "",
        "phone_number": str(menu.entry.phone_number_id or ""),
        "time_schedule": str(menu.time_schedule_id),
        "holiday_schedule": str(menu.holiday_schedule_id or ""),
        "after_hours": menu.after_hours,
        "reception_seconds": str(menu.reception_seconds),
        "night_mode": menu.night_mode,
    }
    for name in services.DESTINATIONS:
        data[f"{name}_0"] = "none"
        data[f"{name}_1"] = ""
    for part in ("business", "after"):
        for key in KEYPAD:
            field = services.key_field(part, key)
            data[f"{field}_mode"] = "off"
            data[f"{field}_0"] = "none"
            data[f"{field}_1"] = ""
    data.update(changes)
    return data


def _wav(name="welkom.wav", data=None):
    return SimpleUploadedFile(name, tone_wav(0.5) if data is None else data, content_type="audio/wav")


def test_it_lists_menus_with_number_schedule_reception_and_night_mode(admin_client, org, menu, jan):
    page = admin_client.get(reverse("pbx:ivr_menus")).content.decode()
    assert "Keuzemenu's" in page and "Keuzemenu toevoegen" in page
    assert "Hoofdmenu" in page and "300" in page and "Kantoortijden" in page
    assert "Niet ingesteld" in page and "Volg bedrijfsinstelling" in page
    services.ivr_menu_update(
        menu=menu, by=None, values={"business_reception": DestinationValue("entry", jan.entry)}
    )
    assert "Ingesteld" in admin_client.get(reverse("pbx:ivr_menus")).content.decode()


def _many_menus(org, schedule, jan, count, start=0):
    for i in range(start, start + count):
        made = services.ivr_menu_create(
            organisation=org, by=None, name=f"Menu {i}", extension=str(3000 + i), time_schedule=schedule
        )
        IvrKey.objects.bulk_create(
            IvrKey(menu=made, part="business", key=key, destination_kind="entry", destination_entry=jan.entry)
            for key in KEYPAD
        )


def test_it_runs_the_same_number_of_queries_for_few_or_many_menus(
    admin_client, org, office_hours, jan, django_assert_num_queries
):
    _many_menus(org, office_hours, jan, 2)
    admin_client.get(reverse("pbx:ivr_menus"))  # warm the session and the sync state
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(reverse("pbx:ivr_menus")).status_code == 200
    _many_menus(org, office_hours, jan, 30, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        assert admin_client.get(reverse("pbx:ivr_menus")).status_code == 200


def test_it_runs_the_same_number_of_queries_on_a_menu_page_with_few_or_all_keys(
    admin_client, org, menu, jan, django_assert_num_queries
):
    url = reverse("pbx:ivr_edit", args=[menu.pk])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as bare:
        assert admin_client.get(url).status_code == 200
    IvrKey.objects.bulk_create(
        IvrKey(menu=menu, part=part, key=key, destination_kind="entry", destination_entry=jan.entry)
        for part in ("business", "after")
        for key in KEYPAD
    )
    with django_assert_num_queries(len(bare.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_it_creates_a_menu_with_a_free_number_and_the_builtin_schedule_preselected(
    admin_client, org, builtin
):
    page = admin_client.get(reverse("pbx:ivr_create")).content.decode()
    assert f'<option value="{builtin.pk}" selected>' in page
    number = org.phone_numbers.order_by("number").first()
    response = admin_client.post(
        reverse("pbx:ivr_create"),
        {
            "name": "Hoofdmenu",
            "extension": "",
            "phone_number": str(number.pk),
            "time_schedule": str(builtin.pk),
        },
    )
    menu = IvrMenu.objects.get()
    assert response.status_code == 302 and response.url == reverse("pbx:ivr_edit", args=[menu.pk])
    assert menu.entry.phone_number == number and menu.entry.kind == "ivr_menu"
    assert PbxSync.objects.get(organisation=org).desired_revision >= 1


def test_it_refuses_a_menu_without_number_or_extension(admin_client, org, builtin):
    response = admin_client.post(
        reverse("pbx:ivr_create"), {"name": "Hoofdmenu", "extension": "", "time_schedule": str(builtin.pk)}
    )
    assert response.status_code == 400
    assert "Geef het keuzemenu een extensie of een extern nummer" in response.content.decode()
    assert not IvrMenu.objects.exists()


def test_it_refuses_a_schedule_of_another_organisation(admin_client, org, menu):
    foreign = TimeScheduleFactory(organisation=OrganisationFactory())
    response = admin_client.post(
        reverse("pbx:ivr_create"), {"name": "Menu", "extension": "301", "time_schedule": str(foreign.pk)}
    )
    assert response.status_code == 400
    assert "Kies een van uw eigen schema&#x27;s uit de lijst." in response.content.decode()
    url = reverse("pbx:ivr_edit", args=[menu.pk])
    response = admin_client.post(url, _edit_data(menu, time_schedule=str(foreign.pk)))
    assert response.status_code == 400
    assert IvrMenu.objects.get(pk=menu.pk).time_schedule_id == menu.time_schedule_id


def test_it_saves_keys_reception_and_night_mode_and_shows_the_keypad(admin_client, org, menu, jan):
    url = reverse("pbx:ivr_edit", args=[menu.pk])
    data = _edit_data(
        menu,
        business_1_mode="announce",
        business_1_0=f"entry:{jan.entry.pk}",
        business_2_mode="silent",
        business_2_0="voicemail",
        business_hash_mode="announce",
        business_hash_0="external",
        business_hash_1="06 1234 5678",
        business_reception_0=f"entry:{jan.entry.pk}",
        reception_seconds="12",
        night_mode="on",
        night_destination_0="voicemail",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    keys = {k.key: k for k in IvrKey.objects.filter(menu=menu)}
    assert set(keys) == {"1", "2", "#"}
    assert keys["1"].mode == "announce" and keys["1"].destination_entry == jan.entry
    assert keys["#"].destination_number == "+31612345678"
    stored = IvrMenu.objects.get(pk=menu.pk)
    assert (stored.reception_seconds, stored.night_mode, stored.night_destination_kind) == (
        12,
        "on",
        "voicemail",
    )
    page = admin_client.get(url).content.decode()
    assert 'class="ivr-keypad' in page and "Jan de Vries" in page
    # The pickers show what is stored: key 1's user chosen, key #'s number as people write it.
    assert (
        'name="business_1_0" class="form-select" data-destination-choice="" aria-label="Toets 1 schakelt door naar" id="id_business_1_0"><option value="none">— kies —</option><option value="voicemail">'
        in page
    )
    assert f'<option value="entry:{jan.entry.pk}" selected>' in page
    assert 'name="business_hash_1" value="06 12345678"' in page
    assert "Nu: nachtschakeling, gesprekken gaan naar Bedrijfsvoicemail (999)." in page


def test_it_refuses_a_key_to_a_deleted_user_and_saves_nothing(admin_client, org, menu, jan):
    entry_pk = jan.entry.pk
    user_services.pbx_user_delete(user=jan, by=None)
    response = admin_client.post(
        reverse("pbx:ivr_edit", args=[menu.pk]),
        _edit_data(
            menu, business_1_mode="announce", business_1_0=f"entry:{entry_pk}", reception_seconds="20"
        ),
    )
    assert response.status_code == 400
    assert "Kies een gebruiker, belgroep of keuzemenu uit de lijst." in response.content.decode()
    assert not IvrKey.objects.exists() and IvrMenu.objects.get(pk=menu.pk).reception_seconds == 10


def test_it_refuses_the_same_key_twice_in_one_post(admin_client, org, menu, jan):
    data = _edit_data(menu, business_1_0=f"entry:{jan.entry.pk}")
    data["business_1_mode"] = ["announce", "silent"]
    response = admin_client.post(reverse("pbx:ivr_edit", args=[menu.pk]), data)
    assert response.status_code == 400
    assert "Toets 1 is meer dan eens opgegeven" in response.content.decode()
    assert not IvrKey.objects.exists()


def test_it_allows_a_menu_pointing_to_itself_on_every_key_and_warns_of_the_loop(admin_client, org, menu):
    own = f"entry:{menu.entry.pk}"
    changes = {"business_reception_0": own}
    for key in KEYPAD:
        field = services.key_field("business", key)
        changes[f"{field}_mode"] = "silent"
        changes[f"{field}_0"] = own
    url = reverse("pbx:ivr_edit", args=[menu.pk])
    assert admin_client.post(url, _edit_data(menu, **changes)).status_code == 302
    assert IvrKey.objects.filter(menu=menu).count() == 12
    page = admin_client.get(url).content.decode()
    assert "Elke toets van het keuzemenu onder werktijd leidt terug naar dit keuzemenu" in page


def test_it_ignores_a_destination_left_on_a_key_that_is_off(admin_client, org, menu):
    response = admin_client.post(
        reverse("pbx:ivr_edit", args=[menu.pk]), _edit_data(menu, business_5_0="entry:999999")
    )
    assert response.status_code == 302
    assert not IvrKey.objects.exists()


def test_it_hides_the_after_hours_menu_when_the_schedule_is_always_open(admin_client, org, menu, builtin):
    url = reverse("pbx:ivr_edit", args=[menu.pk])
    page = admin_client.get(url).content.decode()
    assert 'id="ivr-after-never"' not in page
    # Each destination names "nowhere" its own way, though they share one list of choices.
    assert '<option value="none" selected>— de bestemming van de bedrijfsnachtschakeling —</option>' in page
    assert "Nu: menu " in page  # onder werktijd or na werktijd, depending on the hour
    services.ivr_menu_update(menu=menu, by=None, values={"time_schedule": builtin})
    page = admin_client.get(url).content.decode()
    assert 'id="ivr-after-never"' in page and "is altijd open" in page
    assert "Nu: menu onder werktijd." in page


def test_it_uploads_plays_and_refuses_greetings_per_menu(admin_client, org, menu):
    url = reverse("pbx:ivr_greeting_business", args=[menu.pk])
    assert admin_client.get(url).status_code == 404
    page = admin_client.get(reverse("pbx:ivr_edit", args=[menu.pk])).content.decode()
    assert "heeft geen begroeting" in page
    assert admin_client.post(url, {"file": _wav()}).status_code == 302
    audio = admin_client.get(url)
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    response = admin_client.post(
        reverse("pbx:ivr_greeting_after", args=[menu.pk]), {"file": _wav("lied.mp3", b"ID3\x03" + b"\0" * 64)}
    )
    assert response.status_code == 400 and "Dit is geen WAV-bestand" in response.content.decode()
    stored = IvrMenu.objects.get(pk=menu.pk)
    assert stored.business_greeting is not None and stored.after_greeting is None
    assert admin_client.post(reverse("pbx:ivr_greeting_business_remove", args=[menu.pk])).status_code == 302
    assert IvrMenu.objects.get(pk=menu.pk).business_greeting is None


def test_it_refuses_to_delete_a_menu_in_use_and_says_where(admin_client, org, menu, jan):
    user_services.pbx_user_update(
        user=jan, by=None, values={"forward_busy": DestinationValue("entry", menu.entry)}
    )
    url = reverse("pbx:ivr_delete", args=[menu.pk])
    page = admin_client.get(url).content.decode()
    assert "in gebruik en kan niet worden verwijderd" in page and "Jan de Vries" in page
    assert admin_client.post(url).status_code == 400
    assert IvrMenu.objects.filter(pk=menu.pk).exists()


def test_it_deletes_after_confirmation_and_frees_the_extension(admin_client, org, menu):
    url = reverse("pbx:ivr_delete", args=[menu.pk])
    assert "Keuzemenu Hoofdmenu verwijderen?" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    assert not IvrMenu.objects.exists() and not DirectoryEntry.objects.filter(extension="300").exists()


def test_it_lets_a_read_only_member_look_but_not_change(readonly_client, org, menu):
    page = readonly_client.get(reverse("pbx:ivr_edit", args=[menu.pk])).content.decode()
    assert "Hoofdmenu" in page and "Keuzemenu verwijderen" not in page
    response = readonly_client.post(
        reverse("pbx:ivr_edit", args=[menu.pk]), _edit_data(menu, reception_seconds="20")
    )
    assert response.status_code == 403
    assert readonly_client.post(reverse("pbx:ivr_delete", args=[menu.pk])).status_code == 403


def test_it_answers_404_for_a_menu_of_another_organisation(admin_client, org):
    other = OrganisationFactory(has_pbx=True)
    theirs = services.ivr_menu_create(
        organisation=other,
        by=None,
        name="Menu",
        extension="300",
        time_schedule=TimeSchedule.objects.get(organisation=other, is_builtin=True),
    )
    assert admin_client.get(reverse("pbx:ivr_edit", args=[theirs.pk])).status_code == 404
    assert admin_client.post(reverse("pbx:ivr_delete", args=[theirs.pk])).status_code == 404
