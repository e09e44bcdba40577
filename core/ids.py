"""Ids taken from a request (URL, GET, POST) are checked before they reach the database.

A primary key is a positive 63-bit integer written in ASCII digits. Anything else (a
30-digit number, "-1", "١٢", "abc") is not an id of anything: the caller answers 404 or
a form error instead of letting the database driver raise (SQLite: OverflowError).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}", re.ASCII)


def parse_id(value: object) -> int | None:
    """The id written in value, or None when it cannot be the id of any row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int] | None:
    """Every id of values in order without repeats, or None when one of them is not an id."""
    ids: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is None:
            return None
        ids[number] = None
    return list(ids)


class IdConverter:
    """The `<id:pk>` path converter: like `<int:pk>`, but a number no row can have is no match (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: object) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return str(number)
