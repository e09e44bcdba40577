"""The "hunt_groups" section of the PBX document and the simulator's checks of it (issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from pbx.document.hunt_groups import render_hunt_groups
from pbx.forms.destination import DestinationValue
from pbx.models import HuntGroupMember
from pbx.services import hunt_groups as services
from pbx.simulator.validation import validate_config
from pbx.sync import render as config
from tests.factories import HuntGroupFactory, PbxUserFactory, PhoneNumberFactory

pytestmark = pytest.mark.django_db


def _document(org: Organisation) -> dict:
    return config.render(Organisation.objects.get(pk=org.pk))


def test_it_renders_a_group_with_members_in_order_and_an_overflow(org):
    anna = PbxUserFactory(organisation=org, first_name="Anna", entry__extension="201")
    bram = PbxUserFactory(organisation=org, first_name="Bram", entry__extension="202")
    number = PhoneNumberFactory(organisation=org, number="+31201234999")
    group = services.hunt_group_create(
        organisation=org,
        by=None,
        name="Verkoop",
        extension="300",
        phone_number=number,
        values={"first_name": "Verkoop", "last_name": "Bakkerij", "distribution": "fixed_order"},
    )
    services.hunt_group_update(
        group=group,
        by=None,
        values={"overflow_to": DestinationValue("entry", anna.entry), "overflow_seconds": 30, "rings": 3},
    )
    services.hunt_group_set_members(group=group, by=None, members=[bram.entry_id, anna.entry_id])

    document = _document(org)

    assert document["hunt_groups"] == [
        {
            "key": f"g{group.entry_id}",
            "name": "Verkoop",
            "first_name": "Verkoop",
            "last_name": "Bakkerij",
            "extension": "300",
            "external_number": "+31201234999",
            "distribution": "fixed_order",
            "rings": 3,
            "move_on": True,
            "members": [f"u{bram.entry_id}", f"u{anna.entry_id}"],
            "overflow": {"after_seconds": 30, "destination": {"type": "user", "key": f"u{anna.entry_id}"}},
            "night_mode": "follow",
        }
    ]
    assert validate_config(document) == []


def test_it_renders_no_overflow_as_null_and_the_document_stays_valid(org):
    group = HuntGroupFactory(organisation=org, entry__extension="300")

    [rendered] = _document(org)["hunt_groups"]

    assert rendered["overflow"] is None
    assert rendered["members"] == []
    assert rendered["key"] == f"g{group.entry_id}"
    assert validate_config(_document(org)) == []


def test_it_renders_200_groups_of_10_members_in_three_queries(org):
    users = [PbxUserFactory(organisation=org) for _ in range(10)]
    groups = [HuntGroupFactory(organisation=org, entry__extension=None) for _ in range(5)]
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=g, member=u.entry, position=i) for g in groups for i, u in enumerate(users)
    )
    with CaptureQueriesContext(connection) as few:
        render_hunt_groups(org)
    more = [HuntGroupFactory(organisation=org, entry__extension=None) for _ in range(195)]
    HuntGroupMember.objects.bulk_create(
        HuntGroupMember(group=g, member=u.entry, position=i) for g in more for i, u in enumerate(users)
    )
    with CaptureQueriesContext(connection) as many:
        rendered = render_hunt_groups(org)

    assert len(rendered) == 200
    assert all(len(g["members"]) == 10 for g in rendered)
    assert len(many.captured_queries) == len(few.captured_queries) == 3


def _config_with_group(org, **changes) -> dict:
    PbxUserFactory(organisation=org, entry__extension="201")
    HuntGroupFactory(organisation=org, entry__extension="300")
    document = _document(org)
    document["hunt_groups"][0].update(changes)
    return document


def test_the_simulator_refuses_a_member_that_is_not_a_user(org):
    document = _config_with_group(org, members=["u999999"])

    assert validate_config(document) == [
        "hunt_groups[0].members[0]: 'u999999' is not a user of this document"
    ]


def test_the_simulator_refuses_a_member_twice(org):
    document = _config_with_group(org)
    key = document["users"][0]["key"]
    document["hunt_groups"][0]["members"] = [key, key]

    assert validate_config(document) == [f"hunt_groups[0].members[1]: '{key}' is a member twice"]


def test_the_simulator_refuses_an_overflow_to_the_group_itself(org):
    document = _config_with_group(org)
    group = document["hunt_groups"][0]
    group["overflow"] = {"after_seconds": 60, "destination": {"type": "hunt_group", "key": group["key"]}}

    assert validate_config(document) == [
        "hunt_groups[0].overflow.destination: a hunt group cannot overflow to itself"
    ]


def test_the_simulator_refuses_an_overflow_to_an_unknown_key(org):
    document = _config_with_group(
        org, overflow={"after_seconds": 60, "destination": {"type": "hunt_group", "key": "g999999"}}
    )

    assert validate_config(document) == [
        "hunt_groups[0].overflow.destination.key: no such user, hunt group or IVR menu"
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"extension": None},
            "hunt_groups[0].extension: a hunt group needs an extension or an external_number",
        ),
        ({"rings": 0}, "hunt_groups[0].rings: must be between 1 and 20"),
        ({"rings": 1000}, "hunt_groups[0].rings: must be between 1 and 20"),
        ({"distribution": "random"}, "hunt_groups[0].distribution: must be one of"),
        ({"extension": "201"}, "hunt_groups[0].extension: 201 is also the extension of users[0]"),
    ],
)
def test_the_simulator_refuses_a_bad_group(org, changes, reason):
    document = _config_with_group(org, **changes)

    errors = validate_config(document)

    assert any(error.startswith(reason) for error in errors), errors
