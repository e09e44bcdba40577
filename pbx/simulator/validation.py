"""Validation of the PBX configuration document, schema_version 3 (format: docs/pbx-config.md).

Pure functions returning a list of "<path>: <reason>" strings, empty when the document is valid. The portal
shows the first reason to the user, so each reason names the offending field and stays short.

First the structure of every field; then, across the document, what refers to what: every destination's key
names a user, hunt group or IVR menu of the document, extensions and external numbers are unique across
them, and every greeting's audio has been uploaded (when the caller says which audio it has).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pbx.domain.ivr import KEYPAD
from pbx.domain.numbering import ExtensionProblem, extension_problem

SCHEMA_VERSION = 3
MAX_REVISION = 2**63 - 1  # SQLite's INTEGER range.

# check(value, path, errors) appends to errors; composing these keeps the schema below a readable table.
Check = Callable[[Any, str, list[str]], None]

# [0-9] rather than \d: \d also matches Arabic-Indic and other Unicode digits.
HHMM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EXTENSION = re.compile(r"[0-9]{2,4}")
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
SHA256 = re.compile(r"[0-9a-f]{64}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TIME_ZONE_SHAPE = re.compile(r"[A-Za-z_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _fail(errors: list[str], path: str, reason: str) -> None:
    errors.append(f"{path or 'config'}: {reason}")


def boolean() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, bool):
            _fail(errors, path, "expected true or false")

    return check


def integer(minimum: int, maximum: int | None = None) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        # bool is a subclass of int, and true must not pass as 1.
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(errors, path, "expected an integer")
        elif maximum is None and value < minimum:
            _fail(errors, path, f"must be at least {minimum}")
        elif maximum is not None and not minimum <= value <= maximum:
            _fail(errors, path, f"must be between {minimum} and {maximum}")

    return check


def text(max_length: int = 200) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, str) or not value.strip():
            _fail(errors, path, "expected a non-empty string")
        elif len(value) > max_length:
            _fail(errors, path, f"longer than {max_length} characters")

    return check


def matching(pattern: re.Pattern[str], expected: str, parse: Callable[[str], object] | None = None) -> Check:
    """A string in a fixed format; parse() catches values with the right shape but no meaning (2025-02-30)."""

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            _fail(errors, path, f"expected {expected}")
            return
        if parse is not None:
            try:
                parse(value)
            except ValueError:
                _fail(errors, path, f"not a valid {expected}")

    return check


def one_of(*choices: str) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if value not in choices:
            _fail(errors, path, "must be one of: " + ", ".join(choices))

    return check


def nullable(inner: Check) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if value is not None:
            inner(value, path, errors)

    return check


def iso_datetime() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        try:
            ok = isinstance(value, str) and "T" in value and bool(datetime.fromisoformat(value))
        except ValueError:
            ok = False
        if not ok:
            _fail(errors, path, "expected an ISO 8601 date and time")

    return check


KNOWN_TIME_ZONES = frozenset(available_timezones())


def time_zone() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, str) or not TIME_ZONE_SHAPE.fullmatch(value):
            _fail(errors, path, "expected an IANA time zone such as Europe/Amsterdam")
            return
        if KNOWN_TIME_ZONES:
            ok = value in KNOWN_TIME_ZONES
        else:
            # A Python without system zoneinfo or tzdata knows no zones at all; asking ZoneInfo keeps the
            # simulator usable there instead of rejecting every document.
            try:
                ZoneInfo(value)
                ok = True
            except (ZoneInfoNotFoundError, ValueError):
                ok = False
        if not ok:
            _fail(errors, path, f"unknown time zone {value!r}")

    return check


def obj(
    fields: Mapping[str, Check], optional: frozenset[str] = frozenset(), rules: tuple[Check, ...] = ()
) -> Check:
    """An object with exactly these fields; rules run only when the fields themselves are valid, so that they
    may rely on types and do not repeat an error that was already reported."""

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            _fail(errors, path, "expected an object")
            return
        before = len(errors)
        errors.extend(f"{_at(path, key)}: unknown field" for key in value if key not in fields)
        for key, field_check in fields.items():
            if key in value:
                field_check(value[key], _at(path, key), errors)
            elif key not in optional:
                _fail(errors, _at(path, key), "is required")
        if len(errors) == before:
            for rule in rules:
                rule(value, path, errors)

    return check


def list_of(item: Check, unique_key: bool = False) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, list):
            _fail(errors, path, "expected a list")
            return
        seen: set[str] = set()
        for index, element in enumerate(value):
            item(element, _at(path, index), errors)
            key = element.get("key") if isinstance(element, dict) else None
            if unique_key and isinstance(key, str):
                if key in seen:
                    _fail(errors, _at(_at(path, index), "key"), f"duplicate key {key!r}")
                seen.add(key)

    return check


# Cross-field rules. They run after the structural checks of their object passed.


def _range_order(value: dict[str, Any], path: str, errors: list[str]) -> None:
    # Ranges never cross midnight: a night shift is two ranges on two days, so "which day" stays unambiguous.
    if value["from"] >= value["to"]:
        _fail(errors, _at(path, "to"), "must be later than from (ranges do not cross midnight)")


def _holiday_order(value: dict[str, Any], path: str, errors: list[str]) -> None:
    start, end = value["start"], value["end"]
    if len(start) != len(end):
        _fail(errors, _at(path, "end"), "must have the same form as start (both dates or both date-times)")
    elif end < start:  # Same fixed-width ISO form, so string order is time order.
        _fail(errors, _at(path, "end"), "must not be before start")


ENTRY_TYPES = {"user": "users", "hunt_group": "hunt_groups", "ivr_menu": "ivr_menus"}
DESTINATION_TYPES = ("voicemail", "external", *ENTRY_TYPES)
EXTENSION_REASONS = {
    ExtensionProblem.FORMAT: "an extension is 2 to 4 digits",
    ExtensionProblem.VOICEMAIL: "999 is the company voicemail, not an extension",
    ExtensionProblem.EMERGENCY: "an emergency number (112, 911) cannot be an extension",
    ExtensionProblem.OUTSIDE_LINE: "an extension cannot start with 0 (the prefix for outside lines)",
}


def extension() -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, str):
            _fail(errors, path, "expected an extension of 2 to 4 digits")
        elif (problem := extension_problem(value)) is not None:
            _fail(errors, path, EXTENSION_REASONS[problem])

    return check


def e164() -> Check:
    return matching(E164, "an E.164 number: + followed by 8 to 15 digits")


def email() -> Check:
    return matching(EMAIL, "an e-mail address")


def destination() -> Check:
    """Where a call goes: {"type": "voicemail"}, {"type": "external", "number": "+31..."} or
    {"type": "user" | "hunt_group" | "ivr_menu", "key": "u12"}; whether the key exists is checked later."""

    fields: dict[str, dict[str, Check]] = {
        "voicemail": {},
        "external": {"number": e164()},
        **{kind: {"key": text()} for kind in ENTRY_TYPES},
    }

    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            _fail(errors, path, "expected a destination object")
            return
        kind = value.get("type")
        if kind == "extension":
            # Destinations refer to users, hunt groups and IVR menus by key, not by copied digits.
            _fail(
                errors,
                path,
                f"extension {value.get('extension')!r} is not a user, hunt group or IVR menu of this organisation",
            )
            return
        if not isinstance(kind, str) or kind not in fields:
            _fail(errors, _at(path, "type"), "must be one of: " + ", ".join(DESTINATION_TYPES))
            return
        obj({"type": one_of(kind), **fields[kind]})(value, path, errors)

    return check


def _night_mode_schedules(document: dict[str, Any], path: str, errors: list[str]) -> None:
    night_mode, schedules = document["night_mode"], document["schedules"]
    for field, kind in (("time_schedule", "time"), ("holiday_schedule", "holiday")):
        key = night_mode[field]
        if key is not None and key not in {schedule["key"] for schedule in schedules[kind]}:
            _fail(errors, f"night_mode.{field}", f"refers to unknown {kind} schedule {key!r}")
    if (
        night_mode["setting"] == "auto"
        and night_mode["time_schedule"] is None
        and night_mode["holiday_schedule"] is None
    ):
        _fail(errors, "night_mode.setting", "auto needs a time_schedule or a holiday_schedule")


def _keyed_objects() -> Check:
    # hunt_groups and ivr_menus are specified later; until then only their identity is checked (and an
    # "extension" or "external_number" they carry counts in the uniqueness checks).
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            _fail(errors, path, "expected an object")
        elif "key" not in value:
            _fail(errors, _at(path, "key"), "is required")
        else:
            text()(value["key"], _at(path, "key"), errors)

    return list_of(check, unique_key=True)


def _parse_moment(value: str) -> object:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M") if "T" in value else date.fromisoformat(value)


# A whole day (inclusive) or a minute, both in the organisation's time zone.
MOMENT = matching(
    re.compile(f"{DAY.pattern}(?:T[0-9]{{2}}:[0-9]{{2}})?"), "YYYY-MM-DD or YYYY-MM-DDTHH:MM", _parse_moment
)
# 24:00 closes a range at the end of the day.
END_OF_RANGE = matching(re.compile(f"{HHMM.pattern}|24:00"), "HH:MM")
BARRING_FIELDS = ("international", "mobile", "premium_0900", "erotic_0906", "entertainment_0909")

TIME_RANGE = obj(
    {"day": integer(0, 6), "from": matching(HHMM, "HH:MM"), "to": END_OF_RANGE}, rules=(_range_order,)
)
TIME_SCHEDULE = obj({"key": text(), "name": text(), "ranges": list_of(TIME_RANGE)})
HOLIDAY_ENTRY = obj({"name": text(), "start": MOMENT, "end": MOMENT}, rules=(_holiday_order,))
HOLIDAY_SCHEDULE = obj({"key": text(), "name": text(), "entries": list_of(HOLIDAY_ENTRY)})

NIGHT_MODE = obj(
    {
        "setting": one_of("off", "on", "auto"),
        "time_schedule": nullable(text()),
        "holiday_schedule": nullable(text()),
        "override": nullable(obj({"active": boolean(), "until": nullable(iso_datetime())})),
        "destination": destination(),
    }
)


def _voicemail_email(value: dict[str, Any], path: str, errors: list[str]) -> None:
    if value["enabled"] and value["email"] is None:
        _fail(errors, _at(path, "email"), "is required when voicemail is enabled")


def _after_greeting_destination(value: dict[str, Any], path: str, errors: list[str]) -> None:
    if value["action"] == "forward" and value["destination"] is None:
        _fail(errors, _at(path, "destination"), "is required when the action is forward")
    elif value["action"] == "hang_up" and value["destination"] is not None:
        _fail(errors, _at(path, "destination"), "must be null when the action is hang_up")


USER = obj(
    {
        "key": text(),
        "first_name": text(60),
        "last_name": text(80),
        "extension": extension(),
        "external_number": nullable(e164()),
        "app_login": nullable(obj({"username": text(120), "secret": text(128)})),
        "voicemail": obj(
            {
                "enabled": boolean(),
                "email": nullable(email()),
                "copy_email": nullable(email()),
                "direct": boolean(),
                "on_busy": boolean(),
                "on_no_answer": boolean(),
            },
            rules=(_voicemail_email,),
        ),
        "greeting": nullable(obj({"audio": matching(SHA256, "a sha256 in lowercase hex")})),
        "no_messages": boolean(),
        "after_greeting": obj(
            {"action": one_of("hang_up", "forward"), "destination": nullable(destination())},
            rules=(_after_greeting_destination,),
        ),
        "forwarding": obj(
            {
                "always": nullable(destination()),
                "busy": nullable(destination()),
                "no_answer": nullable(destination()),
                "no_answer_seconds": integer(5, 60),
                "unreachable": nullable(destination()),
            }
        ),
        "night_mode": one_of("follow", "on", "off"),
    }
)


def _hunt_group_number(value: dict[str, Any], path: str, errors: list[str]) -> None:
    if value["extension"] is None and value["external_number"] is None:
        _fail(errors, _at(path, "extension"), "a hunt group needs an extension or an external_number")


def _hunt_group_members(value: dict[str, Any], path: str, errors: list[str]) -> None:
    seen: set[str] = set()
    for index, key in enumerate(value["members"]):
        if key in seen:
            _fail(errors, _at(_at(path, "members"), index), f"{key!r} is a member twice")
        seen.add(key)


HUNT_GROUP = obj(
    {
        "key": text(),
        "name": text(200),
        "first_name": nullable(text(60)),
        "last_name": nullable(text(80)),
        "extension": nullable(extension()),
        "external_number": nullable(e164()),
        "distribution": one_of("circular", "fixed_order", "simultaneous", "uniform"),
        "rings": integer(1, 20),
        "move_on": boolean(),
        "members": list_of(text()),
        "overflow": nullable(obj({"after_seconds": integer(10, 600), "destination": destination()})),
        "night_mode": one_of("follow", "on", "off"),
    },
    rules=(_hunt_group_number, _hunt_group_members),
)


def _ivr_menu_number(value: dict[str, Any], path: str, errors: list[str]) -> None:
    if value["extension"] is None and value["external_number"] is None:
        _fail(errors, _at(path, "extension"), "an IVR menu needs an extension or an external_number")


def _ivr_after_hours(value: dict[str, Any], path: str, errors: list[str]) -> None:
    if value["action"] == "menu":
        if value["menu"] is None:
            _fail(errors, _at(path, "menu"), "is required when the action is menu")
        if value["destination"] is not None:
            _fail(errors, _at(path, "destination"), "must be null when the action is menu")
    else:
        if value["destination"] is None:
            _fail(errors, _at(path, "destination"), "is required when the action is destination")
        if value["menu"] is not None:
            _fail(errors, _at(path, "menu"), "must be null when the action is destination")


AUDIO = obj({"audio": matching(SHA256, "a sha256 in lowercase hex")})
# One part of an IVR menu (business hours, after hours): a greeting, the keys, the reception.
IVR_PART = obj(
    {
        "greeting": nullable(AUDIO),
        "keys": list_of(
            obj({"key": one_of(*KEYPAD), "announce": boolean(), "destination": destination()}),
            unique_key=True,
        ),
        "reception": nullable(destination()),
    }
)
IVR_MENU = obj(
    {
        "key": text(),
        "name": text(200),
        "first_name": nullable(text(60)),
        "last_name": nullable(text(80)),
        "extension": nullable(extension()),
        "external_number": nullable(e164()),
        "time_schedule": text(),
        "holiday_schedule": nullable(text()),
        "business_hours": IVR_PART,
        "after_hours": obj(
            {
                "action": one_of("menu", "destination"),
                "menu": nullable(IVR_PART),
                "destination": nullable(destination()),
            },
            rules=(_ivr_after_hours,),
        ),
        "reception_seconds": integer(3, 60),
        "night_mode": one_of("follow", "on", "off"),
        "night_destination": nullable(destination()),
    },
    rules=(_ivr_menu_number,),
)

CONFIG = obj(
    {
        "schema_version": integer(SCHEMA_VERSION, SCHEMA_VERSION),
        "organisation": obj({"id": integer(1), "name": text(), "time_zone": time_zone()}),
        "barring": obj({name: boolean() for name in BARRING_FIELDS}),
        "night_mode": NIGHT_MODE,
        "schedules": obj(
            {
                "time": list_of(TIME_SCHEDULE, unique_key=True),
                "holiday": list_of(HOLIDAY_SCHEDULE, unique_key=True),
            }
        ),
        "users": list_of(USER, unique_key=True),
        "hunt_groups": list_of(HUNT_GROUP, unique_key=True),
        "ivr_menus": list_of(IVR_MENU, unique_key=True),
    },
    optional=frozenset({"hunt_groups", "ivr_menus"}),
    rules=(_night_mode_schedules,),
)


AudioCheck = Callable[[str], bool]


def _destinations(config: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, destination) of every destination in the document the schema specifies."""
    found: list[tuple[str, Any]] = []
    night_mode = config.get("night_mode")
    if isinstance(night_mode, dict):
        found.append(("night_mode.destination", night_mode.get("destination")))
    users = config.get("users")
    for index, user in enumerate(users if isinstance(users, list) else []):
        if not isinstance(user, dict):
            continue
        path = _at("users", index)
        after = user.get("after_greeting")
        if isinstance(after, dict):
            found.append((f"{path}.after_greeting.destination", after.get("destination")))
        forwarding = user.get("forwarding")
        if isinstance(forwarding, dict):
            for field in ("always", "busy", "no_answer", "unreachable"):
                found.append((f"{path}.forwarding.{field}", forwarding.get(field)))
    found.extend(_ivr_menu_destinations(config))
    found.extend(_hunt_group_destinations(config))
    return found


def _hunt_group_destinations(config: dict[str, Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    groups = config.get("hunt_groups")
    for index, group in enumerate(groups if isinstance(groups, list) else []):
        overflow = group.get("overflow") if isinstance(group, dict) else None
        if isinstance(overflow, dict):
            found.append((f"hunt_groups[{index}].overflow.destination", overflow.get("destination")))
    return found


def _hunt_group_references(config: dict[str, Any], errors: list[str], keys: dict[str, set[str]]) -> None:
    """Members are users of the document; a group does not overflow to itself (the call would loop)."""
    groups = config.get("hunt_groups")
    for index, group in enumerate(groups if isinstance(groups, list) else []):
        if not isinstance(group, dict):
            continue
        path = _at("hunt_groups", index)
        members = group.get("members")
        for position, key in enumerate(members if isinstance(members, list) else []):
            if isinstance(key, str) and key not in keys["users"]:
                _fail(errors, _at(_at(path, "members"), position), f"{key!r} is not a user of this document")
        overflow = group.get("overflow")
        target = overflow.get("destination") if isinstance(overflow, dict) else None
        if (
            isinstance(target, dict)
            and target.get("type") == "hunt_group"
            and target.get("key") == group.get("key")
        ):
            _fail(errors, f"{path}.overflow.destination", "a hunt group cannot overflow to itself")


def _ivr_parts(menu: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """(path, part) of the menu's business-hours part and its after-hours menu, where they are objects."""
    parts = []
    if isinstance(menu.get("business_hours"), dict):
        parts.append((f"{path}.business_hours", menu["business_hours"]))
    after = menu.get("after_hours")
    if isinstance(after, dict) and isinstance(after.get("menu"), dict):
        parts.append((f"{path}.after_hours.menu", after["menu"]))
    return parts


def _ivr_menus(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    menus = config.get("ivr_menus")
    return [
        (_at("ivr_menus", index), menu)
        for index, menu in enumerate(menus if isinstance(menus, list) else [])
        if isinstance(menu, dict)
    ]


def _ivr_menu_destinations(config: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every key's destination, the receptions, the after-hours and the night destination."""
    found: list[tuple[str, Any]] = []
    for path, menu in _ivr_menus(config):
        for part_path, part in _ivr_parts(menu, path):
            keys = part.get("keys")
            for index, key in enumerate(keys if isinstance(keys, list) else []):
                if isinstance(key, dict):
                    found.append((f"{part_path}.keys[{index}].destination", key.get("destination")))
            found.append((f"{part_path}.reception", part.get("reception")))
        after = menu.get("after_hours")
        if isinstance(after, dict):
            found.append((f"{path}.after_hours.destination", after.get("destination")))
        found.append((f"{path}.night_destination", menu.get("night_destination")))
    return found


def _ivr_menu_references(config: dict[str, Any], errors: list[str], has_audio: AudioCheck | None) -> None:
    """The menus' schedules exist in the document and their greetings have been uploaded."""
    schedules = config.get("schedules")
    known: dict[str, set[str]] = {"time": set(), "holiday": set()}
    for kind in known:
        listed = schedules.get(kind) if isinstance(schedules, dict) else None
        for schedule in listed if isinstance(listed, list) else []:
            if isinstance(schedule, dict) and isinstance(schedule.get("key"), str):
                known[kind].add(schedule["key"])
    for path, menu in _ivr_menus(config):
        for field, kind in (("time_schedule", "time"), ("holiday_schedule", "holiday")):
            key = menu.get(field)
            if isinstance(key, str) and key not in known[kind]:
                _fail(errors, f"{path}.{field}", f"refers to unknown {kind} schedule {key!r}")
        if has_audio is None:
            continue
        for part_path, part in _ivr_parts(menu, path):
            greeting = part.get("greeting")
            audio = greeting.get("audio") if isinstance(greeting, dict) else None
            if isinstance(audio, str) and SHA256.fullmatch(audio) and not has_audio(audio):
                _fail(errors, f"{part_path}.greeting.audio", f"audio {audio} has not been uploaded")


def _cross_references(config: dict[str, Any], errors: list[str], has_audio: AudioCheck | None) -> None:
    """What refers to what, across users, hunt groups and IVR menus. Tolerates malformed parts (the structural
    checks report those), so that every reference problem is reported next to them."""
    keys: dict[str, set[str]] = {}
    extensions: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for section in ENTRY_TYPES.values():
        items = config.get(section)
        keys[section] = set()
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            path = _at(section, index)
            if isinstance(item.get("key"), str):
                keys[section].add(item["key"])
            for field, seen in (("extension", extensions), ("external_number", numbers)):
                value = item.get(field)
                if not isinstance(value, str):
                    continue
                if value in seen:
                    _fail(
                        errors,
                        _at(path, field),
                        f"{value} is also the {field.replace('_', ' ')} of {seen[value]}",
                    )
                else:
                    seen[value] = path
    everywhere = set().union(*keys.values())
    _ivr_menu_references(config, errors, has_audio)
    _hunt_group_references(config, errors, keys)
    for path, target in _destinations(config):
        if not isinstance(target, dict) or target.get("type") not in ENTRY_TYPES:
            continue
        key = target.get("key")
        if not isinstance(key, str) or key in keys[ENTRY_TYPES[target["type"]]]:
            continue
        if key in everywhere:
            reason = f"{key!r} is not a {target['type'].replace('_', ' ')}"
        else:
            reason = "no such user, hunt group or IVR menu"
        _fail(errors, _at(path, "key"), reason)
    if has_audio is None:
        return
    users = config.get("users")
    for index, user in enumerate(users if isinstance(users, list) else []):
        greeting = user.get("greeting") if isinstance(user, dict) else None
        audio = greeting.get("audio") if isinstance(greeting, dict) else None
        if isinstance(audio, str) and SHA256.fullmatch(audio) and not has_audio(audio):
            _fail(errors, f"users[{index}].greeting.audio", f"audio {audio} has not been uploaded")


def validate_config(config: Any, has_audio: AudioCheck | None = None) -> list[str]:
    """Errors in a configuration document, paths relative to the document ("barring.mobile: ...").

    has_audio(sha256) says whether the PBX has that audio file; without it, greetings are checked for their
    form only (a document on its own, as the portal's tests and docs/pbx-config.md's example check it).
    """
    errors: list[str] = []
    if isinstance(config, dict) and "schema_version" in config and config["schema_version"] != SCHEMA_VERSION:
        # Everything else would be judged against the wrong schema; one clear reason is more useful.
        return [
            f"schema_version: unsupported version {config['schema_version']!r}, expected {SCHEMA_VERSION}"
        ]
    CONFIG(config, "", errors)
    if isinstance(config, dict):
        _cross_references(config, errors, has_audio)
    return errors


def validate_push(body: Any, organisation_id: int, has_audio: AudioCheck | None = None) -> list[str]:
    """Errors in a PUT body {"revision": ..., "config": ...} for the organisation named in the URL."""
    if not isinstance(body, dict):
        return ["body: expected an object with revision and config"]
    errors = [f"{key}: unknown field" for key in body if key not in ("revision", "config")]
    if "revision" not in body:
        errors.append("revision: is required")
    else:
        integer(1, MAX_REVISION)(body["revision"], "revision", errors)
    if "config" not in body:
        errors.append("config: is required")
        return errors
    config_errors = validate_config(body["config"], has_audio)
    errors.extend(config_errors)
    if not config_errors and body["config"]["organisation"]["id"] != organisation_id:
        # A document pushed to the wrong organisation is a portal bug that would reconfigure another customer.
        pushed_id = body["config"]["organisation"]["id"]
        errors.append(
            f"organisation.id: {pushed_id} does not match the organisation in the URL ({organisation_id})"
        )
    return errors
