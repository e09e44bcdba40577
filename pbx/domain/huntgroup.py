"""Who rings for the next call of a hunt group, and in which order (R6.2): pure, no Django.

A group's members are a list (the order of the "Leden" page); each member carries when it last
answered a call from this group (None: never). The policies of the manual:

- circular ("Circulair"): the first available member, starting after the member who answered
  the last call, going round the list;
- fixed order ("Vaste volgorde"): the first available member, starting at the top of the list;
- simultaneous ("Simultaan"): every member at once, the first to answer gets the call;
- uniform ("Uniform"): the member who has gone longest without a call from the group first.

ring_order() gives the rounds of the next call: each round is the members that ring together
(one member per round, except simultaneous: one round of all). When the group does not move on
after the rings (move_on False), only the first round rings, until the overflow takes over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Distribution(StrEnum):
    CIRCULAR = "circular"
    FIXED_ORDER = "fixed_order"
    SIMULTANEOUS = "simultaneous"
    UNIFORM = "uniform"


# The policies in which the order of the member list decides who rings first.
ORDER_MATTERS = frozenset({Distribution.CIRCULAR, Distribution.FIXED_ORDER})

RINGS_RANGE = (1, 20)
RINGS_DEFAULT = 4
SECONDS_PER_RING = 5
OVERFLOW_SECONDS_RANGE = (10, 600)
OVERFLOW_SECONDS_DEFAULT = 60


@dataclass(frozen=True)
class Member:
    key: str
    last_call: datetime | None = None


def last_answered(members: Sequence[Member]) -> int | None:
    """The position of the member who answered the group's last call (the latest last_call), or None."""
    found: int | None = None
    for index, member in enumerate(members):
        if member.last_call is None:
            continue
        if found is None or member.last_call >= _call(members[found]):
            found = index
    return found


def _call(member: Member) -> datetime:
    assert member.last_call is not None
    return member.last_call


def ring_order(
    distribution: Distribution | str, members: Sequence[Member], *, move_on: bool = True
) -> list[list[str]]:
    """The rounds of the next call: [[key], [key], ...] or, simultaneous, [[every key]]."""
    distribution = Distribution(distribution)
    if not members:
        return []
    keys = [member.key for member in members]
    if distribution == Distribution.SIMULTANEOUS:
        return [keys]
    if distribution == Distribution.FIXED_ORDER:
        order = keys
    elif distribution == Distribution.CIRCULAR:
        last = last_answered(members)
        start = 0 if last is None else (last + 1) % len(keys)
        order = keys[start:] + keys[:start]
    else:
        # Never called counts as idle longest; equal moments keep the list order (a stable sort).
        order = [
            member.key
            for member in sorted(
                members, key=lambda m: (m.last_call is not None, m.last_call or datetime.min)
            )
        ]
    rounds = [[key] for key in order]
    return rounds if move_on else rounds[:1]


def order_matters(distribution: Distribution | str) -> bool:
    return Distribution(distribution) in ORDER_MATTERS


def move(keys: Sequence[str], key: str, step: int) -> list[str]:
    """keys with key moved step places (-1 up, +1 down), stopping at either end."""
    order = list(keys)
    if key not in order:
        return order
    index = order.index(key)
    target = max(0, min(len(order) - 1, index + step))
    order.insert(target, order.pop(index))
    return order
