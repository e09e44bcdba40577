"""The Telefooncentrale's models, one module per subject."""

from .destination import (
    DestinationKindChoice,
    destination_constraint,
    destination_fields,
    get_destination,
    set_destination,
)
from .directory import DirectoryEntry, EntryKind
from .greeting import Greeting
from .hunt_groups import Distribution, HuntGroup, HuntGroupMember
from .ivr import AfterHours, IvrKey, IvrMenu, IvrPart, KeyMode
from .night_mode import COMPANY_VOICEMAIL, NightMode, NightModeFollow, NightModeSetting
from .users import AfterGreeting, PbxUser

__all__ = [
    "COMPANY_VOICEMAIL",
    "AfterGreeting",
    "AfterHours",
    "DestinationKindChoice",
    "DirectoryEntry",
    "Distribution",
    "EntryKind",
    "Greeting",
    "HuntGroup",
    "HuntGroupMember",
    "IvrKey",
    "IvrMenu",
    "IvrPart",
    "KeyMode",
    "NightMode",
    "NightModeFollow",
    "NightModeSetting",
    "PbxUser",
    "destination_constraint",
    "destination_fields",
    "get_destination",
    "set_destination",
]
