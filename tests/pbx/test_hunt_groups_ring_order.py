"""The ring order per call distribution (pbx.domain.huntgroup) against a simple reference (R6.2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pbx.domain.huntgroup import Distribution, Member, move, ring_order

BASE = datetime(2026, 1, 5, 9, 0)

# Members with unique keys; each answered a call from the group at some minute, or never.
members_strategy = st.lists(
    st.tuples(st.integers(1, 40), st.one_of(st.none(), st.integers(0, 30))),
    max_size=12,
    unique_by=lambda t: t[0],
).map(
    lambda items: [
        Member(f"u{key}", None if minute is None else BASE + timedelta(minutes=minute))
        for key, minute in items
    ]
)


def reference(distribution: Distribution, members: list[Member]) -> list[str]:
    """Who is called one by one, simulated the slow way."""
    keys = [m.key for m in members]
    if distribution == Distribution.FIXED_ORDER:
        return keys
    if distribution == Distribution.CIRCULAR:
        # Walk the list once, remembering the last member (in list order) with the latest call.
        last, latest = -1, None
        for index, member in enumerate(members):
            if member.last_call is not None and (latest is None or member.last_call >= latest):
                last, latest = index, member.last_call
        return [keys[(last + 1 + step) % len(keys)] for step in range(len(keys))]
    # Uniform: repeatedly take the member idle longest (never called first), earliest in the list on a tie.
    remaining = list(members)
    order = []
    while remaining:
        best = remaining[0]
        for member in remaining[1:]:
            if best.last_call is None:
                break
            if member.last_call is None or member.last_call < best.last_call:
                best = member
        order.append(best.key)
        remaining.remove(best)
    return order


@given(
    members_strategy, st.sampled_from([Distribution.CIRCULAR, Distribution.FIXED_ORDER, Distribution.UNIFORM])
)
def test_it_calls_the_members_one_by_one_in_the_reference_order(members, distribution):
    rounds = ring_order(distribution, members)

    assert all(len(r) == 1 for r in rounds)
    assert [r[0] for r in rounds] == reference(distribution, members)


@given(members_strategy, st.sampled_from(list(Distribution)))
def test_it_calls_every_member_exactly_once(members, distribution):
    called = [key for r in ring_order(distribution, members) for key in r]

    assert sorted(called) == sorted(m.key for m in members)


@given(members_strategy)
def test_it_rings_everyone_at_once_when_simultaneous(members):
    rounds = ring_order(Distribution.SIMULTANEOUS, members)

    assert rounds == ([[m.key for m in members]] if members else [])


@given(members_strategy, st.sampled_from(list(Distribution)))
def test_it_rings_only_the_first_round_when_the_group_does_not_move_on(members, distribution):
    assert ring_order(distribution, members, move_on=False) == ring_order(distribution, members)[:1]


@given(members_strategy)
def test_it_starts_right_after_whoever_answered_last_when_circular(members):
    answered = [m for m in members if m.last_call is not None]
    first = ring_order(Distribution.CIRCULAR, members)[:1]
    if not answered:
        assert first == ([[members[0].key]] if members else [])
    else:
        latest = max(m.last_call for m in answered if m.last_call is not None)
        last = max(i for i, m in enumerate(members) if m.last_call == latest)
        assert first == [[members[(last + 1) % len(members)].key]]


@given(st.lists(st.integers(1, 50), unique=True, min_size=1), st.data())
def test_it_moves_a_member_one_place_and_keeps_the_others_in_order(keys, data):
    keys = [str(k) for k in keys]
    key = data.draw(st.sampled_from(keys))
    step = data.draw(st.sampled_from([-1, 1]))

    moved = move(keys, key, step)

    assert sorted(moved) == sorted(keys)
    assert [k for k in moved if k != key] == [k for k in keys if k != key]
    assert moved.index(key) == max(0, min(len(keys) - 1, keys.index(key) + step))
