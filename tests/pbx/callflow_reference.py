"""A brute-force reference model of a call, written from the manual's definitions (and docs/pbx-config.md),
not from pbx/callflow/engine.py: the property tests compare the two on random documents.

Deliberately naive: a time schedule is expanded into the set of its open minutes of the week, a holiday
schedule into its days and minutes; a policy's order is found by trying every member in turn; the call is
followed by plain recursion with the set of places seen so far. It answers only what a user would check:
how the call ends, where, and for a loop which places go round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Result:
    outcome: str  # answered | voicemail | external | disconnect | problem
    problem: str | None  # loop | missing_reference | no_overflow | unknown_number
    where: str  # the last node: who answered, which voicemail, which number, "disconnect", ...
    loop: frozenset[str] = frozenset()
    rang: tuple[str, ...] = ()  # for a hunt group that rang: the user keys in ring order


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def open_minutes(schedule: dict[str, Any]) -> set[tuple[int, int]]:
    """Every (weekday, minute of the day) the weekly schedule is open."""
    found: set[tuple[int, int]] = set()
    for entry in schedule["ranges"]:
        for minute in range(_minutes(entry["from"]), _minutes(entry["to"])):
            found.add((entry["day"], minute))
    return found


def holiday_name(schedule: dict[str, Any], local: datetime) -> str | None:
    """The holiday entry that covers a local wall-clock minute, by expanding each entry."""
    minute = local.replace(second=0, microsecond=0, tzinfo=None)
    for entry in schedule["entries"]:
        start, end = entry["start"], entry["end"]
        if len(start) == 10 and len(end) == 10:
            day = date.fromisoformat(start)
            while day <= date.fromisoformat(end):
                if day == minute.date():
                    return entry["name"]
                day += timedelta(days=1)
        else:
            begin = datetime.fromisoformat(start if len(start) > 10 else start + "T00:00")
            finish = datetime.fromisoformat(end if len(end) > 10 else end + "T00:00") + (
                timedelta(days=1) if len(end) == 10 else timedelta(0)
            )
            if begin <= minute < finish:
                return entry["name"]
    return None


class Reference:
    def __init__(self, document: dict[str, Any], history: dict[str, dict[str, str]] | None = None) -> None:
        self.doc = document
        self.tz = ZoneInfo(document["organisation"]["time_zone"])
        self.history = history or {}

    # - lookups, the slow way -
    def find(self, section: str, key: str) -> dict[str, Any] | None:
        for obj in self.doc.get(section) or []:
            if obj["key"] == key:
                return obj
        return None

    def schedule(self, kind: str, key: str) -> dict[str, Any] | None:
        for schedule in self.doc["schedules"][kind]:
            if schedule["key"] == key:
                return schedule
        return None

    # - schedules and night mode -
    def is_open(self, schedule: dict[str, Any], local: datetime) -> bool:
        return (local.weekday(), local.hour * 60 + local.minute) in open_minutes(schedule)

    def company_night(self, at: datetime) -> bool | str:
        """True/False, or "missing" when a schedule it needs does not exist."""
        night = self.doc["night_mode"]
        if night["setting"] == "off":
            return False
        if night["setting"] == "on":
            return True
        override = night.get("override")
        if override is not None:
            if override["until"] is None:
                return bool(override["active"])
            until = datetime.fromisoformat(override["until"])
            if until.tzinfo is None:
                until = until.replace(tzinfo=self.tz)
            if at < until:
                return bool(override["active"])
        local = at.astimezone(self.tz)
        if not night["time_schedule"] and not night["holiday_schedule"]:
            return False
        if night["holiday_schedule"]:
            holidays = self.schedule("holiday", night["holiday_schedule"])
            if holidays is None:
                return "missing"
            if holiday_name(holidays, local) is not None:
                return True
        if night["time_schedule"]:
            times = self.schedule("time", night["time_schedule"])
            if times is None:
                return "missing"
            return not self.is_open(times, local)
        return False

    # - policies -
    def ring_order(self, group: dict[str, Any]) -> list[str]:
        members = list(group["members"])
        history = self.history.get(group["key"], {})

        def when(key: str) -> datetime:
            if key not in history:
                return datetime(1, 1, 1, tzinfo=ZoneInfo("UTC"))
            return datetime.fromisoformat(history[key])

        if group["distribution"] == "circular" and any(m in history for m in members):
            # The member who answered the last call: the latest time, the later one on a tie.
            best = None
            for index, member in enumerate(members):
                if member in history and (
                    best is None or (when(member), index) >= (when(members[best]), best)
                ):
                    best = index
            assert best is not None
            return [members[(best + 1 + i) % len(members)] for i in range(len(members))]
        if group["distribution"] == "uniform":
            order: list[str] = []
            left = list(members)
            while left:  # Repeatedly the one who has gone longest without a call (the first on a tie).
                pick = left[0]
                for member in left:
                    if when(member) < when(pick):
                        pick = member
                order.append(pick)
                left.remove(pick)
            return order
        return members


def _target(destination: dict[str, Any] | None) -> str | None:
    if destination is None:
        return None
    kind = destination["type"]
    if kind == "user":
        return "user:" + destination["key"]
    if kind == "hunt_group":
        return "group:" + destination["key"]
    if kind == "ivr_menu":
        return "menu:" + destination["key"]
    if kind == "voicemail":
        return "voicemail:company"
    if kind == "external":
        return "external:" + destination["number"]
    return "extension:" + str(destination.get("extension"))


def ringing(
    ref: Reference, g: dict[str, Any], busy: frozenset[str], unreachable: frozenset[str]
) -> list[dict[str, Any]] | str:
    """The members whose phone rings for a call to the group, in ring order (or the missing member's node)."""
    order = ref.ring_order(g)
    users = []
    for key in order:
        u = ref.find("users", key)
        if u is None:
            return "user:" + key
        users.append(u)

    def away(u: dict[str, Any]) -> bool:
        return (
            u["extension"] in busy
            or u["extension"] in unreachable
            or u["forwarding"]["always"] is not None
            or (u["voicemail"]["enabled"] and u["voicemail"]["direct"])
        )

    limit = g["overflow"]["after_seconds"] if g["overflow"] else None
    if g["distribution"] == "simultaneous":
        return [u for u in users if not away(u)]
    if not g["move_on"]:
        return [users[0]] if users and not away(users[0]) else []
    rang = []
    clock = 0
    for u in users:
        if away(u):
            continue
        if limit is not None and clock >= limit:
            break
        rang.append(u)
        clock += g["rings"] * 5
    return rang


def reference_route(
    document: dict[str, Any],
    dialled: str,
    at: datetime,
    keys: tuple[str, ...] = (),
    busy: frozenset[str] = frozenset(),
    unreachable: frozenset[str] = frozenset(),
    no_answer: frozenset[str] = frozenset(),
    history: dict[str, dict[str, str]] | None = None,
) -> Result:
    ref = Reference(document, history)
    local = at.astimezone(ref.tz)
    sections = {"user": "users", "group": "hunt_groups", "menu": "ivr_menus"}

    start = None
    if dialled == "999":
        start = "voicemail:company"
    for kind, section in sections.items():
        for obj in document.get(section) or []:
            if dialled in (obj.get("extension"), obj.get("external_number")) and start is None:
                start = f"{kind}:{obj['key']}"
    if start is None:
        return Result("problem", "unknown_number", dialled)

    def follow(
        node: str | None, used_keys: int, night_done: bool, path: tuple[str, ...], reason: str
    ) -> Result:
        if node is None:
            return Result("disconnect", None, "disconnect")
        if node == "voicemail:company":
            return Result("voicemail", None, node)
        if node.startswith("external:"):
            return Result("external", None, node)
        kind, _sep, key = node.partition(":")
        if kind == "voicemail":  # voicemail:user:<key>
            owner = ref.find("users", key.partition(":")[2])
            assert owner is not None
            state = (node, used_keys, night_done)
            if state in path:
                return loop_at(*state, path)
            path = (*path, state)
            if not owner["no_messages"]:
                return Result("voicemail", None, node)
            after = owner["after_greeting"]
            if after["action"] == "forward" and after["destination"]:
                return follow(_target(after["destination"]), used_keys, night_done, path, "after_greeting")
            return Result("disconnect", None, "disconnect")
        if kind not in sections:
            return Result("problem", "missing_reference", node)
        obj = ref.find(sections[kind], key)
        if obj is None:
            return Result("problem", "missing_reference", node)
        state = (node, used_keys, night_done)
        if state in path:
            return loop_at(*state, path)
        path = (*path, state)
        # Night mode: the object's own setting, or the company's; once per call.
        if not night_done and obj["night_mode"] != "off":
            night = True if obj["night_mode"] == "on" else ref.company_night(at)
            if night == "missing":
                return Result("problem", "missing_reference", "schedule")
            if night:
                destination = obj.get("night_destination") if kind == "menu" else None
                destination = destination or document["night_mode"]["destination"]
                return follow(_target(destination), used_keys, True, path, "night")
        if kind == "user":
            return user(obj, node, used_keys, night_done, path)
        if kind == "group":
            return group(obj, node, used_keys, night_done, path)
        return menu(obj, node, used_keys, night_done, path)

    def user(u: dict[str, Any], node: str, used: int, night: bool, path: tuple[Any, ...]) -> Result:
        vm, fw = u["voicemail"], u["forwarding"]
        box = "voicemail:" + node
        if vm["enabled"] and vm["direct"]:
            return follow(box, used, night, path, "direct")
        if fw["always"]:
            return follow(_target(fw["always"]), used, night, path, "always")
        if u["extension"] in busy:
            if fw["busy"]:
                return follow(_target(fw["busy"]), used, night, path, "busy")
            if vm["enabled"] and vm["on_busy"]:
                return follow(box, used, night, path, "busy")
            return Result("disconnect", None, "disconnect")
        if u["extension"] in unreachable:
            if fw["unreachable"]:
                return follow(_target(fw["unreachable"]), used, night, path, "unreachable")
            if vm["enabled"] and vm["on_no_answer"]:
                return follow(box, used, night, path, "unreachable")
            return Result("disconnect", None, "disconnect")
        if u["extension"] not in no_answer:
            return Result("answered", None, node)
        if fw["no_answer"]:
            return follow(_target(fw["no_answer"]), used, night, path, "no_answer")
        if vm["enabled"] and vm["on_no_answer"]:
            return follow(box, used, night, path, "no_answer")
        return Result("disconnect", None, "disconnect")

    def group(g: dict[str, Any], node: str, used: int, night: bool, path: tuple[Any, ...]) -> Result:
        rang_or_missing = ringing(ref, g, busy, unreachable)
        if isinstance(rang_or_missing, str):
            return Result("problem", "missing_reference", rang_or_missing)
        rang = rang_or_missing
        keys_rang = tuple(u["key"] for u in rang)
        for u in rang:
            if u["extension"] not in no_answer:
                return Result("answered", None, "user:" + u["key"], rang=keys_rang)
        if g["overflow"] is None:
            return Result("problem", "no_overflow", node, rang=keys_rang)
        return follow(_target(g["overflow"]["destination"]), used, night, path, "overflow")

    def menu(m: dict[str, Any], node: str, used: int, night: bool, path: tuple[Any, ...]) -> Result:
        times = ref.schedule("time", m["time_schedule"])
        if times is None:
            return Result("problem", "missing_reference", "schedule")
        on_holiday = False
        if m["holiday_schedule"]:
            holidays = ref.schedule("holiday", m["holiday_schedule"])
            if holidays is None:
                return Result("problem", "missing_reference", "schedule")
            on_holiday = holiday_name(holidays, local) is not None
        if ref.is_open(times, local) and not on_holiday:
            part = m["business_hours"]
        elif m["after_hours"]["action"] == "destination":
            return follow(_target(m["after_hours"]["destination"]), used, night, path, "after_hours")
        else:
            part = m["after_hours"]["menu"] or {"keys": [], "reception": None}
        while used < len(keys):
            pressed = keys[used]
            used += 1
            for entry in part["keys"]:
                if entry["key"] == pressed:
                    return follow(_target(entry["destination"]), used, night, path, "key")
        return follow(_target(part["reception"]), used, night, path, "timeout")

    def loop_at(node: str, used: int, night: bool, path: tuple[Any, ...]) -> Result:
        index = path.index((node, used, night))
        return Result("problem", "loop", node, loop=frozenset(state[0] for state in path[index:]))

    return follow(start, 0, False, (), "dialled")
