"""The numbering plan's rules (R5.1, R6.1, R7.1): which internal numbers ("extensies") may exist.

Pure: the portal's forms and services and the PBX simulator both use it. Problems are codes;
the portal turns them into Dutch sentences (pbx/directory.py).
"""

from __future__ import annotations

import re
from enum import StrEnum

COMPANY_VOICEMAIL = "999"
# Emergency and service numbers a phone must reach outside the PBX, whatever the plan says.
EMERGENCY_NUMBERS = frozenset({"112", "911"})
EXTENSION_PATTERN = re.compile(r"[0-9]{2,4}", re.ASCII)


class ExtensionProblem(StrEnum):
    FORMAT = "format"  # not 2 to 4 digits 0-9
    VOICEMAIL = "voicemail"  # 999, the company voicemail
    EMERGENCY = "emergency"  # 112, 911
    OUTSIDE_LINE = "outside_line"  # starts with 0: the prefix for outside lines


def extension_problem(value: str) -> ExtensionProblem | None:
    """What is wrong with an extension, or None when it may be used."""
    if not EXTENSION_PATTERN.fullmatch(value):
        return ExtensionProblem.FORMAT
    if value == COMPANY_VOICEMAIL:
        return ExtensionProblem.VOICEMAIL
    if value in EMERGENCY_NUMBERS:
        return ExtensionProblem.EMERGENCY
    if value.startswith("0"):
        return ExtensionProblem.OUTSIDE_LINE
    return None


def compact(value: str) -> str:
    """An extension as typed ("2 01", "201 ") without the spaces people put in."""
    return re.sub(r"\s+", "", value or "")
