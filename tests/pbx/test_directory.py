"""The shared directory: one numbering plan, the free-number pool, destinations (issue 10)."""

from __future__ import annotations

import threading

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from pbx.forms.destination import DestinationField, DestinationValue
from pbx.models import DirectoryEntry, EntryKind
from pbx.services.directory import destination_clean, entry_save, free_numbers

from factories import OrganisationFactory, PhoneNumberFactory

pytestmark = pytest.mark.django_db


def _entry(org, name="Jan de Vries", extension="201", number=None, kind=EntryKind.USER):
    return entry_save(organisation=org, kind=kind, name=name, extension=extension, phone_number=number)


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("1", "Kies een extensie van 2 tot 4 cijfers"),
        ("12345", "Kies een extensie van 2 tot 4 cijfers"),
        ("999", "999 is de bedrijfsvoicemail"),
        ("112", "112 is een alarmnummer"),
        ("012", "niet met 0 beginnen"),
        ("١٢٣", "cijfers 0 tot en met 9"),
    ],
)
def test_it_refuses_extensions_the_plan_does_not_allow_with_what_to_do(org, extension, message):
    with pytest.raises(ValidationError) as refused:
        _entry(org, extension=extension)
    assert message in " ".join(refused.value.messages)
    assert not DirectoryEntry.objects.filter(organisation=org).exists()


def test_it_keeps_an_extension_unique_across_users_groups_and_menus_and_says_who_has_it(org):
    _entry(org, name="Verkoop", extension="201", kind=EntryKind.HUNT_GROUP)
    with pytest.raises(ValidationError) as refused:
        _entry(org, extension="20 1")
    assert refused.value.message_dict["extension"] == [
        "Extensie 201 is al in gebruik bij Verkoop (belgroep, 201). Kies een andere."
    ]
    other = OrganisationFactory()
    assert _entry(other, extension="201").extension == "201"  # another organisation's plan is its own


def test_it_offers_only_free_numbers_and_returns_a_number_to_the_pool_at_once(org):
    first, second, third = org.phone_numbers.order_by("number")
    entry = _entry(org, number=first)
    assert list(free_numbers(organisation=org)) == [second, third]
    assert list(free_numbers(organisation=org, current=first)) == [first, second, third]
    with pytest.raises(ValidationError) as refused:
        _entry(org, name="Piet", extension="202", number=first)
    assert "al in gebruik" in refused.value.message_dict["phone_number"][0]

    entry_save(
        organisation=org,
        kind=EntryKind.USER,
        name=entry.name,
        extension="201",
        phone_number=None,
        entry=entry,
    )
    assert first in free_numbers(organisation=org)


def test_it_refuses_a_number_of_another_organisations_pool(org):
    foreign = PhoneNumberFactory(organisation=OrganisationFactory(), number="+31301234567")
    with pytest.raises(ValidationError) as refused:
        _entry(org, number=foreign)
    assert refused.value.message_dict["phone_number"] == ["Kies een van de nummers van uw organisatie."]


@pytest.mark.django_db(transaction=True)
def test_it_gives_an_extension_to_one_of_two_simultaneous_saves_and_a_clear_error_to_the_other(org):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (CI runs it there)")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str) -> None:
        from django.db import connection as own
        from django.db import transaction

        try:
            barrier.wait()
            with scope(organisation=org), transaction.atomic():
                _entry(org, name=name, extension="201")
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:
            outcomes.append(f"server error: {exc!r}")
        finally:
            own.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Jan", "Piet")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("saved") == 1
    assert any("Extensie 201" in outcome for outcome in outcomes)
    assert DirectoryEntry.objects.filter(organisation=org, extension="201").count() == 1


def test_it_refuses_destinations_of_another_organisation_and_to_itself(org):
    mine = _entry(org)
    theirs = _entry(OrganisationFactory(), extension="301")
    with pytest.raises(ValidationError):
        destination_clean(organisation=org, kind="entry", entry=theirs.pk)
    with pytest.raises(ValidationError) as loop:
        destination_clean(organisation=org, kind="entry", entry=mine.pk, itself=mine)
    assert "dezelfde" in loop.value.messages[0]
    assert destination_clean(organisation=org, kind="external", number="06-12345678") == (
        "external",
        None,
        "+31612345678",
    )
    with pytest.raises(ValidationError) as bad:
        destination_clean(organisation=org, kind="external", number="abc")
    assert "geldig telefoonnummer" in bad.value.messages[0]


class _Form(forms.Form):
    target = DestinationField(label="Doorschakelen naar")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].set_choices(organisation)


def test_it_offers_one_grouped_choice_and_reads_it_back(org):
    group = _entry(org, name="Verkoop", extension="300", kind=EntryKind.HUNT_GROUP)
    _entry(org, name="Jan de Vries", extension="201")
    html = str(_Form(organisation=org)["target"])
    assert '<optgroup label="Belgroepen">' in html and "Verkoop (belgroep, 300)" in html
    assert "Bedrijfsvoicemail (999)" in html and "Extern nummer" in html

    form = _Form({"target_0": f"entry:{group.pk}", "target_1": ""}, organisation=org)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target"] == DestinationValue("entry", group, "")
    external = _Form({"target_0": "external", "target_1": "020 123 4567"}, organisation=org)
    assert external.is_valid() and external.cleaned_data["target"].number == "+31201234567"
    for forged in ("entry:99999999999999999999", "entry:abc", "nonsense"):
        assert not _Form({"target_0": forged, "target_1": ""}, organisation=org).is_valid()
