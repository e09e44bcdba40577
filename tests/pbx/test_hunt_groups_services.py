"""The rules of the Telefooncentrale's hunt groups (R6.1-R6.5, R3.5 per group; issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import ChangeRecord, PbxSync
from pbx.forms.destination import DestinationValue
from pbx.models import DirectoryEntry, HuntGroup, HuntGroupMember
from pbx.services import hunt_groups as services
from pbx.services import users as user_services

from factories import PbxUserFactory

pytestmark = pytest.mark.django_db


def _revision(org) -> int:
    sync = PbxSync.objects.filter(organisation=org).first()
    return sync.desired_revision if sync else 0


@pytest.fixture
def users(org):
    return [
        user_services.pbx_user_create(
            organisation=org, by=None, first_name=first, last_name="Jansen", extension=extension
        )
        for first, extension in (("Anna", "201"), ("Bram", "202"), ("Cor", "203"), ("Dirk", "204"))
    ]


@pytest.fixture
def group(org):
    return services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="300")


def _order(group) -> list[int]:
    return list(group.members.order_by("position").values_list("member_id", flat=True))


def test_it_creates_a_group_with_an_extension_or_a_number_and_announces_it(org):
    before = _revision(org)
    number = org.phone_numbers.order_by("number").first()

    by_number = services.hunt_group_create(
        organisation=org, by=None, name="Service", extension=None, phone_number=number
    )

    assert by_number.entry.kind == "hunt_group"
    assert by_number.entry.extension is None
    assert by_number.entry.phone_number == number
    assert _revision(org) > before


def test_it_refuses_a_group_with_neither_number_nor_extension(org):
    with pytest.raises(ValidationError) as refused:
        services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="", phone_number=None)

    assert "extension" in refused.value.message_dict
    assert not HuntGroup.objects.filter(organisation=org).exists()
    assert not DirectoryEntry.objects.filter(organisation=org).exists()


def test_it_refuses_an_extension_a_user_already_has(org, users):
    with pytest.raises(ValidationError) as refused:
        services.hunt_group_create(organisation=org, by=None, name="Verkoop", extension="201")

    assert "Anna Jansen" in " ".join(refused.value.message_dict["extension"])


@pytest.mark.parametrize("rings", [0, 21, 1000])
def test_it_refuses_rings_outside_1_to_20(group, rings):
    with pytest.raises(ValidationError) as refused:
        services.hunt_group_update(group=group, by=None, values={"rings": rings})

    assert "rings" in refused.value.message_dict
    group.refresh_from_db()
    assert group.rings == 4


def test_it_refuses_an_overflow_to_the_group_itself(group):
    with pytest.raises(ValidationError) as refused:
        services.hunt_group_update(
            group=group, by=None, values={"overflow_to": DestinationValue("entry", group.entry)}
        )

    assert "overflow_to" in refused.value.message_dict
    group.refresh_from_db()
    assert group.overflow_kind == "none"


def test_it_sets_an_overflow_to_voicemail_after_a_waiting_time(group):
    services.hunt_group_update(
        group=group,
        by=None,
        values={
            "overflow_to": DestinationValue("voicemail"),
            "overflow_seconds": 45,
            "distribution": "uniform",
        },
    )

    group.refresh_from_db()
    assert (group.overflow_kind, group.overflow_seconds, group.distribution) == ("voicemail", 45, "uniform")


def test_it_keeps_members_in_order_and_moves_them(group, users):
    a, b, c, _d = (u.entry_id for u in users)
    for member in (a, b, c):
        services.hunt_group_add_member(group=group, by=None, member=member)
    assert _order(group) == [a, b, c]

    services.hunt_group_move_member(group=group, by=None, member=c, step=-1)
    assert _order(group) == [a, c, b]
    services.hunt_group_move_member(group=group, by=None, member=a, step=-1)  # already at the top
    assert _order(group) == [a, c, b]

    services.hunt_group_reorder(group=group, by=None, order=[b, a, c])
    assert _order(group) == [b, a, c]
    services.hunt_group_remove_member(group=group, by=None, member=a)
    assert _order(group) == [b, c]


def test_it_records_member_changes_row_by_row(group, users):
    a, b = users[0].entry_id, users[1].entry_id
    services.hunt_group_set_members(group=group, by=None, members=[a, b])
    services.hunt_group_reorder(group=group, by=None, order=[b, a])

    record = ChangeRecord.objects.filter(organisation=group.organisation).order_by("-pk").first()
    rows = HuntGroupMember.history.filter(change=record)
    assert sorted(rows.values_list("history_type", flat=True)) == ["+", "+", "-", "-"]


def test_it_refuses_a_member_of_another_organisation_and_changes_nothing(group, users, other_org):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)
    stranger = PbxUserFactory(organisation=other_org)
    before = _revision(group.organisation)

    with pytest.raises(ValidationError):
        services.hunt_group_add_member(group=group, by=None, member=stranger.entry_id)

    assert _order(group) == [users[0].entry_id]
    assert _revision(group.organisation) == before


def test_it_refuses_another_group_as_member(group, org):
    other = services.hunt_group_create(organisation=org, by=None, name="Service", extension="301")
    with pytest.raises(ValidationError):
        services.hunt_group_add_member(group=group, by=None, member=other.entry_id)


def test_it_refuses_a_reorder_that_adds_or_drops_someone(group, users):
    a, b, c = (u.entry_id for u in users[:3])
    services.hunt_group_set_members(group=group, by=None, members=[a, b])

    with pytest.raises(ValidationError):
        services.hunt_group_reorder(group=group, by=None, order=[b, c])
    assert _order(group) == [a, b]


def test_it_lets_a_user_be_in_several_groups(org, group, users):
    other = services.hunt_group_create(organisation=org, by=None, name="Service", extension="301")
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)
    services.hunt_group_add_member(group=other, by=None, member=users[0].entry_id)

    assert HuntGroupMember.objects.filter(member=users[0].entry).count() == 2


def test_it_refuses_deleting_a_user_who_is_a_member_and_says_where(group, users):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)

    with pytest.raises(ValidationError) as refused:
        user_services.pbx_user_delete(user=users[0], by=None)

    assert "Verkoop" in " ".join(refused.value.messages)
    assert DirectoryEntry.objects.filter(pk=users[0].entry_id).exists()


def test_it_refuses_deleting_a_group_an_overflow_points_at(org, group):
    other = services.hunt_group_create(organisation=org, by=None, name="Service", extension="301")
    services.hunt_group_update(
        group=other, by=None, values={"overflow_to": DestinationValue("entry", group.entry)}
    )

    with pytest.raises(ValidationError) as refused:
        services.hunt_group_delete(group=group, by=None)

    assert "Service" in " ".join(refused.value.messages)
    assert HuntGroup.objects.filter(pk=group.pk).exists()


def test_it_deletes_a_group_and_frees_its_extension(org, group, users):
    services.hunt_group_add_member(group=group, by=None, member=users[0].entry_id)

    services.hunt_group_delete(group=group, by=None)

    assert not HuntGroup.objects.filter(pk=group.pk).exists()
    assert not HuntGroupMember.objects.filter(member=users[0].entry).exists()
    services.hunt_group_create(organisation=org, by=None, name="Nieuw", extension="300")


def test_it_previews_the_ring_order_per_policy_from_who_answered_last(group, users):
    a, b, c = (u.entry_id for u in users[:3])
    services.hunt_group_set_members(group=group, by=None, members=[a, b, c])
    now = timezone.now()
    HuntGroupMember.objects.filter(member_id=a).update(last_call_at=now - timedelta(hours=1))
    HuntGroupMember.objects.filter(member_id=b).update(last_call_at=now)

    def preview(distribution: str, move_on: bool = True) -> list[list[int]]:
        group.distribution, group.move_on = distribution, move_on
        return [[e.pk for e in r] for r in services.ring_preview(group, services.members_of(group))]

    assert preview("fixed_order") == [[a], [b], [c]]
    assert preview("circular") == [[c], [a], [b]]  # after Bram, who answered last
    assert preview("uniform") == [[c], [a], [b]]  # Cor never had one, then Anna longest ago
    assert preview("simultaneous") == [[a, b, c]]
    assert preview("fixed_order", move_on=False) == [[a]]


def test_it_keeps_when_a_member_last_answered_when_the_order_changes(group, users):
    a, b = users[0].entry_id, users[1].entry_id
    services.hunt_group_set_members(group=group, by=None, members=[a, b])
    moment = timezone.now()
    HuntGroupMember.objects.filter(member_id=a).update(last_call_at=moment)

    services.hunt_group_reorder(group=group, by=None, order=[b, a])

    assert HuntGroupMember.objects.get(member_id=a).last_call_at == moment
