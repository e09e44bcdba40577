"""The Telefooncentrale's "Gebruikers" pages (R5.1-R5.7, R3.5 per user; issue 10)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import PbxSync
from pbx.domain.audio import tone_wav
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry, EntryKind, Greeting, PbxUser
from pbx.services import night_mode as night_services
from pbx.services import users as services

from factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def jan(org):
    return services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


def _edit_data(user: PbxUser, **changes):
    """What the edit page posts for the user as stored, with changes."""
    data = {
        "version": str(user.version),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "extension": user.entry.extension,
        "phone_number": str(user.entry.phone_number_id or ""),
        "voicemail_email": user.voicemail_email,
        "voicemail_copy_email": user.voicemail_copy_email,
        "after_greeting": user.after_greeting,
        "forward_no_answer_seconds": str(user.forward_no_answer_seconds),
        "night_mode": user.night_mode,
    }
    for name in services.DESTINATIONS:
        data[f"{name}_0"] = "none"
        data[f"{name}_1"] = ""
    for name in ("voicemail_on_busy", "voicemail_on_no_answer"):
        if getattr(user, name):
            data[name] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _wav(name="begroeting.wav", data=None):
    return SimpleUploadedFile(name, tone_wav(0.5) if data is None else data, content_type="audio/wav")


# --- The list ---------------------------------------------------------------------------------


def test_it_lists_users_with_number_voicemail_forwarding_and_night_mode(admin_client, org, jan):
    number = org.phone_numbers.order_by("number").first()
    piet = services.pbx_user_create(
        organisation=org,
        by=None,
        first_name="Piet",
        last_name="Bakker",
        extension="202",
        phone_number=number,
        values={
            "voicemail_enabled": True,
            "voicemail_email": "piet@bakkerij.example",
            "forward_no_answer": DestinationValue("entry", jan.entry),
            "night_mode": "on",
        },
    )
    services.pbx_user_update(
        user=jan, by=None, values={"forward_always": DestinationValue("external", None, "+31612345678")}
    )
    html = admin_client.get(reverse("pbx:users")).content.decode()
    assert "Altijd → 06 12345678" in html
    assert "Bij geen gehoor na 20 s → Jan de Vries" in html
    assert number.display in html and piet.full_name in html
    assert "Dit zijn de gebruikers van de telefooncentrale (toestellen en extensies)." in html
    assert "Wie in dit portaal mag inloggen, regelt u onder Gebruikers bovenaan." in html


def test_it_lists_users_as_a_dutch_phone_book_does(admin_client, org, jan):
    for first, last, extension in (
        ("Piet", "Bakker", "202"),
        ("Anna", "van Dam", "203"),
        ("Kees", "Smit", "204"),
        ("Eva", "Van den Berg", "205"),
        ("Bram", "Vries", "206"),
    ):
        services.pbx_user_create(
            organisation=org, by=None, first_name=first, last_name=last, extension=extension
        )
    html = admin_client.get(reverse("pbx:users")).content.decode()
    names = ["Piet Bakker", "Eva Van den Berg", "Anna van Dam", "Kees Smit", "Bram Vries", "Jan de Vries"]
    positions = [html.index(f">{name}<") for name in names]
    assert positions == sorted(positions), "by surname without its tussenvoegsel, then first name"


@pytest.mark.parametrize("query", ["bakker", "202", "020 555 1000", "+31205551000"])
def test_it_finds_a_user_by_name_extension_or_number(admin_client, org, jan, query):
    number = org.phone_numbers.get(number="+31205551000")
    services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="Bakker", extension="202", phone_number=number
    )
    html = admin_client.get(reverse("pbx:users"), {"q": query}).content.decode()
    assert "Piet Bakker" in html
    assert "Jan de Vries" not in html


def _many_users(org, count: int, start: int = 0) -> None:
    entries = DirectoryEntry.objects.bulk_create(
        DirectoryEntry(organisation=org, kind=EntryKind.USER, name=f"Gebruiker {i}", extension=str(2000 + i))
        for i in range(start, start + count)
    )
    target = entries[0]
    PbxUser.objects.bulk_create(
        PbxUser(
            organisation=org,
            entry=entry,
            first_name="Gebruiker",
            last_name=str(start + i),
            app_username=f"g{start + i}.{org.pk}@een",
            forward_busy_kind="entry" if i % 2 else "none",
            forward_busy_entry=target if i % 2 else None,
            forward_always_kind="external" if i % 3 == 0 else "none",
            forward_always_number="+31612345678" if i % 3 == 0 else "",
        )
        for i, entry in enumerate(entries)
    )


def test_it_runs_the_same_number_of_queries_for_10_or_2000_users(
    admin_client, org, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_users(org, 10)
    admin_client.get(reverse("pbx:users"))  # warm the session and the sync state
    with CaptureQueriesContext(connection) as ten:
        assert admin_client.get(reverse("pbx:users")).status_code == 200
    _many_users(org, 1990, start=10)
    with django_assert_num_queries(len(ten.captured_queries)):
        response = admin_client.get(reverse("pbx:users"), {"page": "7"})
    assert "2000 gebruikers" in response.content.decode()


# --- Create and edit --------------------------------------------------------------------------


def test_it_creates_a_user_with_a_free_number_that_leaves_the_pool(admin_client, org):
    number = org.phone_numbers.order_by("number").first()
    page = admin_client.get(reverse("pbx:user_create")).content.decode()
    assert number.display in page
    response = admin_client.post(
        reverse("pbx:user_create"),
        {"first_name": "Jan", "last_name": "de Vries", "extension": "201", "phone_number": str(number.pk)},
    )
    user = PbxUser.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == reverse("pbx:user_edit", args=[user.pk])
    assert user.entry.phone_number == number
    assert number.display not in admin_client.get(reverse("pbx:user_create")).content.decode()
    edit = admin_client.get(reverse("pbx:user_edit", args=[user.pk])).content.decode()
    assert f"jan.devries.{org.pk}@een" in edit
    assert PbxSync.objects.get(organisation=org).desired_revision == 1


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("1", "Kies een extensie van 2 tot 4 cijfers"),
        ("12345", "Kies een extensie van 2 tot 4 cijfers"),
        ("999", "999 is de bedrijfsvoicemail"),
        ("112", "112 is een alarmnummer"),
        ("201", "Extensie 201 is al in gebruik bij Jan de Vries (gebruiker, 201)"),
    ],
)
def test_it_refuses_a_bad_extension_and_keeps_what_was_typed(admin_client, org, jan, extension, message):
    response = admin_client.post(
        reverse("pbx:user_create"), {"first_name": "Piet", "last_name": "Bakker", "extension": extension}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Bakker"' in html
    assert PbxUser.objects.filter(organisation=org).count() == 1


def test_it_refuses_a_number_outside_the_pool_or_already_taken(admin_client, org, jan):
    taken = org.phone_numbers.order_by("number").first()
    services.pbx_user_update(user=jan, by=None, values={"phone_number": taken})
    foreign = OrganisationFactory().phone_numbers.create(number="+31301234567")
    for forged in (taken.pk, foreign.pk, "999999"):
        response = admin_client.post(
            reverse("pbx:user_create"),
            {"first_name": "Piet", "last_name": "Bakker", "extension": "202", "phone_number": str(forged)},
        )
        assert response.status_code == 400
        assert "Kies een vrij nummer uit de lijst." in response.content.decode()
    assert PbxUser.objects.filter(organisation=org).count() == 1


def test_it_saves_every_section_of_the_edit_page(admin_client, org, jan):
    piet = services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="B", extension="202"
    )
    response = admin_client.post(
        reverse("pbx:user_edit", args=[jan.pk]),
        _edit_data(
            jan,
            first_name="Johan",
            voicemail_enabled="on",
            voicemail_email="jan@bakkerij.example",
            voicemail_copy_email="kantoor@bakkerij.example",
            voicemail_direct="on",
            voicemail_on_busy=None,
            no_messages="on",
            after_greeting="forward",
            after_greeting_to_0=f"entry:{piet.entry_id}",
            forward_always_0="external",
            forward_always_1="06-12345678",
            forward_no_answer_0="voicemail",
            forward_no_answer_seconds="35",
            night_mode="off",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    jan.refresh_from_db()
    assert jan.first_name == "Johan" and jan.entry.name == "Johan de Vries"
    assert (jan.voicemail_enabled, jan.voicemail_direct, jan.voicemail_on_busy) == (True, True, False)
    assert jan.voicemail_copy_email == "kantoor@bakkerij.example"
    assert (jan.after_greeting, jan.after_greeting_entry) == ("forward", piet.entry)
    assert (jan.forward_always_kind, jan.forward_always_number) == ("external", "+31612345678")
    assert (jan.forward_no_answer_kind, jan.forward_no_answer_seconds, jan.night_mode) == (
        "voicemail",
        35,
        "off",
    )
    page = admin_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert 'value="06 12345678"' in page
    assert "Uit: deze gebruiker wordt altijd gewoon gebeld" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"voicemail_enabled": "on", "voicemail_email": ""},
            "Vul het e-mailadres in waar de voicemailberichten",
        ),
        ({"forward_always_0": "external", "forward_always_1": "abc"}, "geldig"),
        ({"forward_busy_0": "entry:999999"}, "Kies een gebruiker, belgroep of keuzemenu uit de lijst."),
        ({"forward_no_answer_seconds": "61"}, "Kies een aantal seconden van 5 tot 60"),
        ({"no_messages": "on", "after_greeting": "forward"}, "Kies waar gesprekken na de begroeting"),
        ({"extension": "999"}, "999 is de bedrijfsvoicemail"),
    ],
)
def test_it_refuses_bad_input_on_the_edit_page_and_loses_nothing(admin_client, org, jan, changes, message):
    services.pbx_user_update(user=jan, by=None, values={"voicemail_copy_email": "kantoor@bakkerij.example"})
    jan.refresh_from_db()
    response = admin_client.post(
        reverse("pbx:user_edit", args=[jan.pk]), _edit_data(jan, last_name="Bakker", **changes)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Bakker"' in html  # what was typed stays
    stored = PbxUser.objects.get(pk=jan.pk)
    assert (stored.last_name, stored.voicemail_copy_email) == ("de Vries", "kantoor@bakkerij.example")


def test_it_refuses_a_destination_of_another_organisation(admin_client, org, jan):
    foreign = services.pbx_user_create(
        organisation=OrganisationFactory(has_pbx=True),
        by=None,
        first_name="X",
        last_name="Y",
        extension="201",
    )
    response = admin_client.post(
        reverse("pbx:user_edit", args=[jan.pk]), _edit_data(jan, forward_always_0=f"entry:{foreign.entry_id}")
    )
    assert response.status_code == 400
    assert "Kies een gebruiker, belgroep of keuzemenu uit de lijst." in response.content.decode()
    assert PbxUser.objects.get(pk=jan.pk).forward_always_kind == "none"


def test_it_does_not_offer_the_user_itself_as_a_destination(admin_client, org, jan):
    piet = services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="B", extension="202"
    )
    html = admin_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert f'value="entry:{piet.entry_id}"' in html
    assert f'value="entry:{jan.entry_id}"' not in html


def test_it_says_what_the_company_night_mode_means_for_a_user_who_follows_it(admin_client, org, jan):
    night_services.night_mode_update(
        organisation=org, by=None, setting="on", time_schedule=None, holiday_schedule=None
    )
    html = admin_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert (
        "de nachtschakeling is nu actief, dus gesprekken voor deze gebruiker gaan nu naar de bedrijfsvoicemail"
        in html
    )


# --- App password -----------------------------------------------------------------------------


def test_it_sets_the_app_password_without_ever_showing_it(admin_client, org, jan):
    url = reverse("pbx:user_password", args=[jan.pk])
    refused = admin_client.post(url, {"password": "Krentenbol-17", "password_again": "Krentenbol-18"})
    assert refused.status_code == 400
    assert "niet gelijk" in refused.content.decode()
    assert "Krentenbol" not in refused.content.decode()
    response = admin_client.post(url, {"password": "Krentenbol-17", "password_again": "Krentenbol-17"})
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Het wachtwoord voor de app en Outlook is gewijzigd." in page
    assert "Krentenbol" not in page
    assert PbxUser.objects.get(pk=jan.pk).app_secret


# --- Greeting ---------------------------------------------------------------------------------


def test_it_uploads_a_greeting_plays_it_and_serves_it_privately(admin_client, org, jan):
    url = reverse("pbx:user_greeting", args=[jan.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"file": _wav()}).status_code == 302
    page = admin_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert f'<audio controls preload="metadata" class="greeting-player mb-2" src="{url}">' in page
    audio = admin_client.get(url)
    assert audio.status_code == 200
    assert audio["Content-Type"] == "audio/wav"
    assert audio["X-Content-Type-Options"] == "nosniff"
    assert "inline" in audio["Content-Disposition"] and "begroeting.wav" in audio["Content-Disposition"]
    assert b"".join(audio.streaming_content) == tone_wav(0.5)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tekst.wav", b"Dit is een tekstbestand\n", "Dit is geen WAV-bestand"),
        ("liedje.wav", b"ID3\x03\x00\x00\x00" + b"\xff\xfb\x90\x00" * 400, "Dit is geen WAV-bestand"),
        ("leeg.wav", b"", "Dit bestand is leeg"),
        ("groot.wav", b"RIFF" + b"\x00" * (6 * 1024 * 1024), "groter dan 5 MB"),
    ],
)
def test_it_refuses_a_file_that_is_no_usable_wav_and_keeps_the_greeting(
    admin_client, org, jan, name, data, message
):
    url = reverse("pbx:user_greeting", args=[jan.pk])
    admin_client.post(url, {"file": _wav()})
    before = PbxUser.objects.get(pk=jan.pk).greeting
    response = admin_client.post(url, {"file": SimpleUploadedFile(name, data, content_type="audio/wav")})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PbxUser.objects.get(pk=jan.pk).greeting == before is not None
    assert Greeting.objects.filter(organisation=org).count() == 1


def test_it_removes_the_greeting(admin_client, org, jan):
    admin_client.post(reverse("pbx:user_greeting", args=[jan.pk]), {"file": _wav()})
    assert admin_client.post(reverse("pbx:user_greeting_remove", args=[jan.pk])).status_code == 302
    assert PbxUser.objects.get(pk=jan.pk).greeting is None
    assert admin_client.get(reverse("pbx:user_greeting", args=[jan.pk])).status_code == 404


def test_it_answers_404_for_the_greeting_of_another_organisation(admin_client, org):
    other = OrganisationFactory(has_pbx=True)
    theirs = services.pbx_user_create(
        organisation=other, by=None, first_name="X", last_name="Y", extension="201"
    )
    services.pbx_user_set_greeting(user=theirs, by=None, upload=_wav())
    assert admin_client.get(reverse("pbx:user_greeting", args=[theirs.pk])).status_code == 404


# --- Delete and read-only ---------------------------------------------------------------------


def test_it_deletes_after_confirmation_and_frees_the_number(admin_client, org, jan):
    number = org.phone_numbers.order_by("number").first()
    services.pbx_user_update(user=jan, by=None, values={"phone_number": number})
    url = reverse("pbx:user_delete", args=[jan.pk])
    confirm = admin_client.get(url).content.decode()
    assert "Gebruiker Jan de Vries verwijderen?" in confirm
    assert admin_client.post(url).status_code == 302
    assert not PbxUser.objects.filter(pk=jan.pk).exists()
    assert number.display in admin_client.get(reverse("pbx:user_create")).content.decode()


def test_it_refuses_to_delete_a_user_in_use_and_says_where(admin_client, org, jan):
    piet = services.pbx_user_create(
        organisation=org,
        by=None,
        first_name="Piet",
        last_name="Bakker",
        extension="202",
        values={"forward_busy": DestinationValue("entry", jan.entry)},
    )
    url = reverse("pbx:user_delete", args=[jan.pk])
    page = admin_client.get(url).content.decode()
    assert "in gebruik en kan niet worden verwijderd" in page
    assert piet.entry.label in page
    response = admin_client.post(url)
    assert response.status_code == 400
    assert "Piet Bakker (gebruiker, 202)" in response.content.decode()
    assert PbxUser.objects.filter(pk=jan.pk).exists()


def test_a_read_only_member_sees_everything_and_no_change_buttons(readonly_client, org, jan):
    services.pbx_user_set_greeting(user=jan, by=None, upload=_wav())
    page = readonly_client.get(reverse("pbx:user_edit", args=[jan.pk])).content.decode()
    assert "jan.devries" in page and "<audio" in page
    assert "Opslaan" not in page and "Wijzig<" not in page and "Begroeting uploaden" not in page
    assert "Nieuwe gebruiker" not in readonly_client.get(reverse("pbx:users")).content.decode()
    assert readonly_client.post(reverse("pbx:user_edit", args=[jan.pk]), _edit_data(jan)).status_code == 403


def test_the_portal_accounts_page_points_to_the_pbx_users(admin_client):
    html = admin_client.get(reverse("members")).content.decode()
    assert "De gebruikers van de telefooncentrale (toestellen en extensies) regelt u onder" in html
    assert reverse("pbx:users") in html
