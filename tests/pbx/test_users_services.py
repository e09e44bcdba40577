"""The PBX users' services (R5): every rule holds for pages, CSV import and API alike (issue 10)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ChangeRecord, PbxSync
from core.versioning import StaleEdit
from pbx.domain.audio import tone_wav
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry, Greeting, PbxUser
from pbx.services import users as services
from pbx.services.directory import free_numbers

from factories import OrganisationFactory, PhoneNumberFactory

pytestmark = pytest.mark.django_db

NOWHERE = DestinationValue("none")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _create(org, first="Jan", last="de Vries", extension="201", number=None, **values):
    return services.pbx_user_create(
        organisation=org,
        by=None,
        first_name=first,
        last_name=last,
        extension=extension,
        phone_number=number,
        values=values or None,
    )


def _revision(org) -> int:
    return PbxSync.objects.get(organisation=org).desired_revision


def test_it_creates_a_user_with_a_readable_unique_app_username_and_bumps_the_revision(org):
    jan = _create(org)
    assert jan.entry.extension == "201"
    assert jan.app_username == f"jan.devries.{org.pk}@een"
    namesake = _create(org, extension="202")
    assert namesake.app_username == f"jan.devries.{org.pk}2@een"
    assert _revision(org) == 2
    assert ChangeRecord.objects.filter(organisation=org, summary="PBX user created").count() == 2


def test_it_takes_the_external_number_from_the_pool_and_returns_it_on_delete(org):
    number = org.phone_numbers.order_by("number").first()
    jan = _create(org, number=number)
    assert number not in free_numbers(organisation=org)
    services.pbx_user_delete(user=jan, by=None)
    assert number in free_numbers(organisation=org)
    assert not DirectoryEntry.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("1", "Kies een extensie van 2 tot 4 cijfers"),
        ("12345", "Kies een extensie van 2 tot 4 cijfers"),
        ("999", "999 is de bedrijfsvoicemail"),
        ("112", "112 is een alarmnummer"),
        ("", "Vul een extensie in van 2 tot 4 cijfers"),
    ],
)
def test_it_refuses_extensions_the_numbering_plan_does_not_allow(org, extension, message):
    with pytest.raises(ValidationError) as refused:
        _create(org, extension=extension)
    assert message in " ".join(refused.value.message_dict["extension"])
    assert not PbxUser.objects.filter(organisation=org).exists()
    assert not DirectoryEntry.objects.filter(organisation=org).exists()


def test_it_refuses_an_extension_in_use_and_a_number_of_another_organisation(org):
    _create(org)
    with pytest.raises(ValidationError) as refused:
        _create(org, first="Piet", extension="201")
    assert (
        "Extensie 201 is al in gebruik bij Jan de Vries (gebruiker, 201)"
        in (refused.value.message_dict["extension"][0])
    )
    foreign = PhoneNumberFactory(organisation=OrganisationFactory(), number="+31301112233")
    with pytest.raises(ValidationError) as refused:
        _create(org, first="Piet", extension="202", number=foreign)
    assert refused.value.message_dict["phone_number"] == ["Kies een van de nummers van uw organisatie."]
    assert PbxUser.objects.filter(organisation=org).count() == 1


def test_it_requires_an_email_address_when_voicemail_is_on_and_keeps_what_was_stored(org):
    jan = _create(org)
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_update(user=jan, by=None, values={"voicemail_enabled": True, "last_name": "Bakker"})
    assert "e-mailadres" in refused.value.message_dict["voicemail_email"][0]
    jan.refresh_from_db()
    assert (jan.voicemail_enabled, jan.last_name, jan.version) == (False, "de Vries", 1)
    services.pbx_user_update(
        user=jan,
        by=None,
        values={"voicemail_enabled": True, "voicemail_email": "jan@bakkerij.example"},
    )
    jan.refresh_from_db()
    assert jan.voicemail_enabled and jan.voicemail_email == "jan@bakkerij.example"


def test_it_requires_a_destination_after_the_greeting_when_callers_cannot_leave_a_message(org):
    jan = _create(org)
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_update(
            user=jan,
            by=None,
            values={"no_messages": True, "after_greeting": "forward", "after_greeting_to": NOWHERE},
        )
    assert "na de begroeting" in refused.value.message_dict["after_greeting_to"][0]
    services.pbx_user_update(
        user=jan,
        by=None,
        values={
            "no_messages": True,
            "after_greeting": "forward",
            "after_greeting_to": DestinationValue("voicemail"),
        },
    )


@pytest.mark.parametrize("seconds", [4, 61])
def test_it_forwards_on_no_answer_only_after_5_to_60_seconds(org, seconds):
    jan = _create(org)
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_update(user=jan, by=None, values={"forward_no_answer_seconds": seconds})
    assert refused.value.message_dict["forward_no_answer_seconds"] == [
        "Kies een aantal seconden van 5 tot 60, bijvoorbeeld 20."
    ]


def test_it_refuses_a_forward_to_the_user_itself_another_organisation_or_no_number(org):
    jan = _create(org)
    foreign = _create(OrganisationFactory(has_pbx=True), extension="301")
    cases = {
        "forward_always": DestinationValue("entry", jan.entry),
        "forward_busy": DestinationValue("entry", foreign.entry),
        "forward_unreachable": DestinationValue("external", None, "abc"),
    }
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_update(user=jan, by=None, values=cases)
    errors = refused.value.message_dict
    assert "dezelfde gebruiker" in errors["forward_always"][0]
    assert "Kies een gebruiker, belgroep of keuzemenu uit de lijst" in errors["forward_busy"][0]
    assert errors["forward_unreachable"]
    jan.refresh_from_db()
    assert jan.forward_always_kind == jan.forward_busy_kind == jan.forward_unreachable_kind == "none"


def test_it_refuses_deleting_a_user_others_forward_to_and_says_where(org):
    jan = _create(org)
    piet = _create(org, first="Piet", last="Bakker", extension="202")
    services.pbx_user_update(
        user=piet, by=None, values={"forward_no_answer": DestinationValue("entry", jan.entry)}
    )
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_delete(user=jan, by=None)
    assert "Piet Bakker (gebruiker, 202)" in refused.value.messages[0]
    assert PbxUser.objects.filter(pk=jan.pk).exists()


def test_it_renames_the_directory_entry_so_destinations_show_the_new_name(org):
    jan = _create(org)
    services.pbx_user_update(user=jan, by=None, values={"first_name": "Johan", "extension": "210"})
    entry = DirectoryEntry.objects.get(pk=jan.entry_id)
    assert entry.label == "Johan de Vries (gebruiker, 210)"


def test_it_refuses_a_stale_update(org):
    jan = _create(org)
    services.pbx_user_update(user=jan, by=None, values={"last_name": "Bakker"}, expected_version=1)
    with pytest.raises(StaleEdit):
        services.pbx_user_update(user=jan, by=None, values={"last_name": "Jansen"}, expected_version=1)
    jan.refresh_from_db()
    assert jan.last_name == "Bakker"


def test_it_stores_only_a_derived_secret_of_the_app_password(org):
    jan = _create(org)
    services.pbx_user_set_app_password(
        user=jan, by=None, password="Krentenbol-Zeventien", password_again="Krentenbol-Zeventien"
    )
    jan.refresh_from_db()
    expected = hashlib.sha256(f"{jan.app_username}:een:Krentenbol-Zeventien".encode()).hexdigest()
    assert jan.app_secret == expected
    assert jan.app_password_set_at is not None
    assert "Krentenbol" not in str(list(PbxUser.history.filter(pk=jan.pk).values()))


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("Krentenbol-17", "Krentenbol-18", "password_again", "niet gelijk"),
        ("kort", "kort", "password", "minimaal 10 tekens"),
        ("password123", "password123", "password", "te bekend"),
        ("9081726354433", "9081726354433", "password", "alleen uit cijfers"),
        ("jandevries01", "jandevries01", "password", "lijkt te veel op de naam"),
    ],
)
def test_it_refuses_a_weak_or_mistyped_app_password(org, password, again, field, message):
    jan = _create(org)
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_set_app_password(user=jan, by=None, password=password, password_again=again)
    assert message in " ".join(refused.value.message_dict[field])
    jan.refresh_from_db()
    assert jan.app_secret == ""


def _wav(name="begroeting.wav", data=None):
    return SimpleUploadedFile(name, tone_wav(0.5) if data is None else data, content_type="audio/wav")


def test_it_keeps_one_greeting_row_per_content_and_the_old_one_until_the_new_is_valid(org):
    jan = _create(org)
    piet = _create(org, first="Piet", extension="202")
    services.pbx_user_set_greeting(user=jan, by=None, upload=_wav())
    services.pbx_user_set_greeting(user=piet, by=None, upload=_wav("zelfde.wav"))
    assert Greeting.objects.filter(organisation=org).count() == 1
    jan.refresh_from_db()
    first = jan.greeting
    with pytest.raises(ValidationError) as refused:
        services.pbx_user_set_greeting(
            user=jan, by=None, upload=_wav("fout.wav", b"ID3\x03\x00" + b"\x00" * 500)
        )
    assert "geen WAV-bestand" in refused.value.messages[0]
    jan.refresh_from_db()
    assert jan.greeting == first
    services.pbx_user_set_greeting(user=jan, by=None, upload=_wav("nieuw.wav", tone_wav(0.7, frequency=330)))
    services.pbx_user_remove_greeting(user=piet, by=None)
    # The first greeting is no one's any more: its row goes, the new one stays.
    assert list(Greeting.objects.filter(organisation=org).values_list("name", flat=True)) == ["nieuw.wav"]


def test_it_refuses_a_too_large_file_before_reading_it(org):
    jan = _create(org)

    class Huge:
        name = "groot.wav"
        size = 6 * 1024 * 1024

        def read(self, size=-1):
            raise AssertionError("read a file that is too large")

    with pytest.raises(ValidationError) as refused:
        services.pbx_user_set_greeting(user=jan, by=None, upload=Huge())
    assert "groter dan 5 MB" in refused.value.messages[0]


# --- Many at once (pbx_users_save, the CSV import's path) -----------------------------------


def test_a_batch_checks_in_order_an_extension_given_up_is_free_for_a_later_item_only(org):
    jan = _create(org)
    number = PhoneNumberFactory(organisation=org)
    later = services.pbx_users_save(
        organisation=org,
        by=None,
        items=[
            services.UserChange(jan, {"extension": "301"}),
            services.NewUser("Piet", "Bakker", "201", number),
        ],
    )
    assert [type(result) for result in later] == [PbxUser, PbxUser]
    assert DirectoryEntry.objects.get(organisation=org, extension="201").name == "Piet Bakker"
    earlier = services.pbx_users_save(
        organisation=org,
        by=None,
        items=[
            services.NewUser("Kees", "Smit", "301"),
            services.UserChange(jan, {"extension": "302"}),
        ],
    )
    refused, moved = earlier
    assert isinstance(refused, ValidationError) and isinstance(moved, PbxUser)
    assert "Extensie 301 is al in gebruik bij Jan de Vries" in " ".join(refused.message_dict["extension"])
    assert not PbxUser.objects.filter(organisation=org, first_name="Kees").exists()
    assert DirectoryEntry.objects.get(organisation=org, extension="302").name == "Jan de Vries"


def test_a_batch_gives_a_number_and_an_app_username_to_one_item_each(org):
    number = PhoneNumberFactory(organisation=org)
    first, second, third = services.pbx_users_save(
        organisation=org,
        by=None,
        items=[
            services.NewUser("Jan", "de Vries", "201", number),
            services.NewUser("Jan", "de Vries", "202", number),
            services.NewUser("Jan", "de Vries", "203"),
        ],
    )
    assert first.entry.phone_number == number
    assert "al in gebruik" in " ".join(second.message_dict["phone_number"])
    assert [first.app_username, third.app_username] == [
        f"jan.devries.{org.pk}@een",
        f"jan.devries.{org.pk}2@een",
    ]
    assert _revision(org) == 1  # one batch, one revision


def test_a_batch_refuses_a_stale_or_deleted_user_and_saves_the_others(org):
    jan, piet = _create(org), _create(org, "Piet", "Bakker", "202")
    gone = _create(org, "Kees", "Smit", "203")
    services.pbx_user_delete(user=gone, by=None)
    stale, deleted, fine = services.pbx_users_save(
        organisation=org,
        by=None,
        items=[
            services.UserChange(jan, {"last_name": "Jansen"}, expected_version=jan.version - 1),
            services.UserChange(gone, {"last_name": "Smid"}),
            services.UserChange(piet, {"last_name": "de Bakker"}, expected_version=piet.version),
        ],
    )
    assert isinstance(stale, StaleEdit) and stale.current.last_name == "de Vries"
    assert "verwijderd" in " ".join(deleted.messages)
    assert fine.last_name == "de Bakker" and fine.version == piet.version + 1
    jan.refresh_from_db()
    assert jan.last_name == "de Vries"


def test_a_batch_that_changes_the_same_user_twice_writes_both_changes(org):
    jan = _create(org)
    first, second = services.pbx_users_save(
        organisation=org,
        by=None,
        items=[
            services.UserChange(jan, {"last_name": "Jansen", "extension": "301"}),
            services.UserChange(jan, {"night_mode": "on"}),
        ],
    )
    assert first is second
    jan.refresh_from_db()
    assert (jan.last_name, jan.entry.extension, jan.night_mode) == ("Jansen", "301", "on")
    assert jan.entry.history.count() == 2  # created, then changed once
