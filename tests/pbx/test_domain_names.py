"""Surnames sort as in a Dutch phone book, in Python and in the database alike."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from pbx.domain.names import surname_key
from pbx.models import PbxUser
from pbx.services import users as services

from factories import PbxUserFactory


@pytest.mark.parametrize(
    ("last_name", "key"),
    [
        ("de Vries", "vries"),
        ("Van der Berg", "berg"),
        ("van den Broek", "broek"),
        ("van 't Hek", "hek"),
        ("in 't Veld", "veld"),
        ("Van", "van"),  # a surname that is only a prefix word stays itself
        ("Vandermeer", "vandermeer"),  # no space: not a prefix
        ("Dekker", "dekker"),
        ("  ter  Horst ", "horst"),
        ("", ""),
    ],
)
def test_the_tussenvoegsel_does_not_count(last_name, key):
    assert surname_key(last_name) == key


@pytest.mark.django_db
def test_the_database_sorts_users_as_the_python_key_does(org):
    names = [
        "de Vries", "Vries", "Van der Berg", "van den Broek", "Berg", "van 't Hek", "Hek",
        "in 't Veld", "Veldman", "ter Horst", "Horst", "Vandermeer", "Dekker", "Den Uyl", "de Groot",
        "van", "Op de Beeck", "uit den Bogaard", "'t Hart", "Hartman", "von der Heide",
    ]  # fmt: skip
    for number, last_name in enumerate(names):
        PbxUserFactory(
            organisation=org, first_name="Jan", last_name=last_name, entry__extension=str(500 + number)
        )
    with scopes_disabled():
        stored = list(PbxUser.objects.filter(organisation=org).values_list("last_name", flat=True))
    expected = sorted(stored, key=lambda name: (surname_key(name), name.lower()))
    assert stored == expected
    assert stored.index("Van der Berg") < stored.index("Dekker") < stored.index("de Vries")


@pytest.mark.django_db
def test_a_user_made_or_renamed_by_the_service_sorts_by_its_new_name(org):
    smit = services.pbx_user_create(
        organisation=org, by=None, first_name="Kees", last_name="Smit", extension="601"
    )
    services.pbx_user_create(
        organisation=org, by=None, first_name="Eva", last_name="van Aalst", extension="602"
    )
    services.pbx_users_save(
        organisation=org,
        by=None,
        items=[services.NewUser("Piet", "de Bruin", "603", None, {})],
    )

    def order():
        with scopes_disabled():
            return list(
                PbxUser.objects.filter(organisation=org, entry__extension__startswith="60").values_list(
                    "last_name", flat=True
                )
            )

    assert order() == ["van Aalst", "de Bruin", "Smit"]
    services.pbx_user_update(user=smit, by=None, values={"last_name": "ter Aa"})
    assert order() == ["ter Aa", "van Aalst", "de Bruin"]
