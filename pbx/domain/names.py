"""How Dutch surnames sort: "de Vries" under V, "van den Berg" under B, as in a Dutch phone book.

The tussenvoegsel (the "van", "de", "van der" in front) is written as part of the last name but
is skipped when sorting; whatever is left decides, and the name is only then compared as typed.
The key is stored (PbxUser.sort_name): a change to the prefixes needs a migration that fills it
again, as pbx/migrations/0011 does.
"""

from __future__ import annotations

# Longest first: "van der " must win from "van ". Lower case, each with its trailing space.
SURNAME_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "van der ", "van den ", "van de ", "van het ", "van 't ", "van ter ", "van ",
            "de ", "den ", "der ", "het ", "'t ", "ter ", "ten ", "te ",
            "in 't ", "in de ", "in den ", "in het ", "op de ", "op den ", "op 't ",
            "uit de ", "uit den ", "uit het ", "von ", "von der ",
        },
        key=lambda prefix: (-len(prefix), prefix),
    )
)  # fmt: skip


def surname_key(last_name: str) -> str:
    """The part of a last name it sorts by, in lower case: "Van der Berg" → "berg"."""
    lowered = last_name.strip().lower()
    for prefix in SURNAME_PREFIXES:
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            return lowered[len(prefix) :].strip()
    return lowered
