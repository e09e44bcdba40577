"""The call-flow engine ("Test een oproep", R10.1): what the PBX does with one call. Pure: standard library only.

`simulate(document, call)` walks the PBX configuration document (docs/pbx-config.md, schema version 3)
from the dialled number to the end of the call and returns a `Route`: the steps, one outcome, and for a
problem what went wrong. The portal runs it on the document it would push, the PBX simulator on the one
it has applied, so both answers can be compared. `prepare(document)` indexes a document once; `simulate`
accepts the prepared object too (the benchmark and the simulator use it for speed).

Semantics (docs/pbx-config.md, "Call flow", says the same in prose):

* Night mode. The company night mode is `off`, `on`, or `auto`: in auto a manual override applies until
  its `until` (or for ever); otherwise night mode is active on an entry of the holiday schedule and
  outside the ranges of the time schedule (opening hours). A user, hunt group or IVR menu with
  `night_mode: "follow"` is in night mode when the company is, with `"on"` always, with `"off"` never.
  An object in night mode sends the call to the night destination (an IVR menu's own
  `night_destination`, else the company's). Night mode redirects a call once: at the night destination
  (and after it) it no longer applies, so the night destination is where night calls end up.
* IVR menu: the business-hours part plays while its time schedule is open and no entry of its holiday
  schedule applies; otherwise the after-hours part (a menu of its own, or straight to a destination).
  Each menu reached takes the next key of `Call.keys`; no key left = the caller presses nothing, and
  after `reception_seconds` the call goes to the part's reception (none: the call ends). A key that is
  not programmed: the menu says so and waits for the next key.
* Hunt group: who rings, and in which order, by its distribution. `fixed_order`: from the top of the
  members; `circular`: starting after the member who got the group's last call; `uniform`: the member
  who has gone longest without a call from the group first; `simultaneous`: everyone at once. The
  document holds no call history: `simulate(..., history=...)` may pass the time of each member's last
  call from the group ({group key: {user key: ISO time}}); without it nobody has had a call yet, so
  circular and uniform start at the top of the list. A member is skipped while busy, unreachable, or
  forwarding every call away (forwarding "always" or voicemail "direct"); members' own forwarding is
  not used within the group. Sequential policies ring each member `rings` × 5 seconds; with
  `move_on: false` only the first member rings. The first ringing member who answers (not in
  `Call.no_answer`) gets the call; when nobody does, after `overflow.after_seconds` the call goes to the
  overflow destination. Without overflow the call rings without end: a problem ("no_overflow").
* User: voicemail "direct" → voicemail; forwarding "always" → there; busy → forwarding "busy", else
  voicemail when "on_busy", else busy tone (disconnect); unreachable → forwarding "unreachable", else
  voicemail when "on_no_answer", else the call ends; otherwise the phone rings and the user answers,
  unless listed in `Call.no_answer`: then after `no_answer_seconds` forwarding "no_answer", else
  voicemail when "on_no_answer", else it rings until the caller hangs up (disconnect).
* Voicemail: a user's voicemail takes a message unless `no_messages`; then after the greeting the call
  ends or is forwarded (`after_greeting`). The company voicemail (999) always takes a message.
* It always ends. The walk remembers each place it has been (object, keys used, night mode used): the
  route from a place only depends on that, so coming back means the call would go round for ever; the
  route then ends with a `loop` step and outcome "problem" instead of following it. A destination, member
  or schedule that is not in the document ends the route as a "missing_reference" problem.

Step kinds (`Step.kind`), with their params (all JSON-serialisable; `node` is where the step happens):

* `dialled` (node "number:+31…" or the object dialled by extension): dialled, at (ISO), local (ISO
  local time), weekday (0 = Monday), time ("HH:MM"), target (node), name and extension (of the target).
* `night_mode` (node "night_mode" when it redirects the call, else the object): subject (node),
  subject_name, object_setting ("follow"/"on"/"off"), setting (the company's), active (bool: the call
  is redirected), company_active, reason ("off", "on", "override_on", "override_off", "closed",
  "holiday", "open", "no_schedule", "object_on", "object_off"), until (ISO or None), schedule (name),
  holiday (name of the holiday entry), destination (node, when active).
* `forward` (node: the object the call moves to): condition (an edge condition: "number", "always",
  "busy", "no_answer", "unreachable", "overflow", "timeout", "key:N", "after_hours", "night",
  "after_greeting"), source (node), target (node), name, extension, seconds (when a wait led here),
  key and announce (for a key).
* `menu` (node "menu:…"): name, extension, part ("business"/"after"), action ("menu"/"destination"),
  reason ("open", "closed", "holiday"), schedule (name), holiday (entry name), greeting (bool),
  reception_seconds, keys (the programmed keys).
* `invalid_key` (node menu): key, name.
* `hunt_group` (node "group:…"): name, extension, policy, rings, ring_seconds, move_on, overflow_seconds
  (or None), order ([{key, name, extension, available, reason}] in the policy's order; reason
  "busy"/"unreachable"/"forwards_always"/"voicemail_direct"/None), ringing (names in ring order).
* `ring` (node "user:…"): name, extension, seconds (how long it rings before no answer counts), group
  (the group's name when rung by one, else None), after_seconds (when in the group's call it starts).
* `answered` (node "user:…"): name, extension, group (name or None).
* `busy`, `unreachable` (node "user:…"): name, extension.
* `voicemail` (node "voicemail:company" or "voicemail:user:…"): owner (user key or None), name,
  condition, seconds, greeting (bool), can_leave_message (bool), email.
* `external` (node "external:+31…"): number, condition, seconds, source.
* `disconnect` (node "disconnect"): reason ("busy", "unreachable", "no_answer", "no_reception",
  "after_greeting"), seconds, source.
* `unanswered` (node "group:…"): name (a group without overflow: the call keeps ringing).
* `loop` (node: the place reached again): cycle (nodes of the cycle, in order), names (the same in
  words), name and extension (of the place reached again).
* `missing` (node: what does not exist): target, source, condition.
* `unknown_number` (node "number:…" or "extension:…"): dialled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cached_property, lru_cache
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

__all__ = [
    "OUTCOMES",
    "STEP_KINDS",
    "Call",
    "Edge",
    "Prepared",
    "Route",
    "Step",
    "company_night_mode",
    "edges",
    "normalise_dialled",
    "prepare",
    "simulate",
]

STEP_KINDS: frozenset[str] = frozenset(
    {
        "dialled",
        "night_mode",
        "forward",
        "menu",
        "invalid_key",
        "hunt_group",
        "ring",
        "answered",
        "busy",
        "unreachable",
        "voicemail",
        "external",
        "disconnect",
        "unanswered",
        "loop",
        "missing",
        "unknown_number",
    }
)
OUTCOMES: frozenset[str] = frozenset({"answered", "voicemail", "external", "disconnect", "problem"})
PROBLEMS: frozenset[str] = frozenset(
    {"loop", "unknown_number", "missing_reference", "no_overflow", "too_long"}
)

RING_SECONDS = 5  # One ring of a phone (docs/pbx-config.md, hunt groups: "one ring is about 5 seconds").
COMPANY_VOICEMAIL = "999"
MAX_STEPS = 10_000  # A safety net only: the walk ends by itself (every place is visited once per state).

NODE_TYPE = {"user": "user", "hunt_group": "group", "ivr_menu": "menu"}
SECTIONS = (("users", "user"), ("hunt_groups", "group"), ("ivr_menus", "menu"))


@dataclass(frozen=True)
class Call:
    dialled: str  # an external number in E.164 ("+31201234567") or an extension ("201")
    at: datetime  # timezone-aware instant
    keys: tuple[str, ...] = ()  # one per IVR menu reached; none left = the caller presses nothing
    busy: frozenset[str] = frozenset()  # extensions of users that are in a call
    unreachable: frozenset[str] = frozenset()  # extensions of users without a registered phone
    no_answer: frozenset[str] = frozenset()  # extensions of users who let their phone ring (do not answer)

    def to_json(self) -> dict[str, Any]:
        return {
            "dialled": self.dialled,
            "at": self.at.isoformat(),
            "keys": list(self.keys),
            "busy": sorted(self.busy),
            "unreachable": sorted(self.unreachable),
            "no_answer": sorted(self.no_answer),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Call:
        """A call from the simulator endpoint's body; ValueError (with a reason) when it is not one."""
        if not isinstance(data, Mapping):
            raise ValueError("body: expected a JSON object")
        unknown = set(data) - {"dialled", "at", "keys", "busy", "unreachable", "no_answer"}
        if unknown:
            raise ValueError(f"{sorted(unknown)[0]}: unknown field")
        dialled = data.get("dialled")
        if not isinstance(dialled, str) or not dialled.strip():
            raise ValueError("dialled: expected a number or extension")
        raw_at = data.get("at")
        if not isinstance(raw_at, str):
            raise ValueError("at: expected an ISO 8601 date-time with offset")
        try:
            at = datetime.fromisoformat(raw_at)
        except ValueError:
            raise ValueError("at: expected an ISO 8601 date-time with offset") from None
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("at: the date-time needs an offset (e.g. +01:00)")
        lists: dict[str, tuple[str, ...]] = {}
        for name in ("keys", "busy", "unreachable", "no_answer"):
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{name}: expected a list of strings")
            lists[name] = tuple(value)
        return cls(
            dialled=dialled,
            at=at,
            keys=lists["keys"],
            busy=frozenset(lists["busy"]),
            unreachable=frozenset(lists["unreachable"]),
            no_answer=frozenset(lists["no_answer"]),
        )


@dataclass(frozen=True)
class Step:
    kind: str
    node: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]
    outcome: str  # "answered" | "voicemail" | "external" | "disconnect" | "problem"
    problem: str | None = (
        None  # for "problem": "loop" | "unknown_number" | "missing_reference" | "no_overflow"
    )
    loop: tuple[str, ...] = ()  # for a loop: the nodes of the cycle, in order

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": [{"kind": s.kind, "node": s.node, "params": dict(s.params)} for s in self.steps],
            "outcome": self.outcome,
            "problem": self.problem,
            "loop": list(self.loop),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Route:
        return cls(
            steps=tuple(Step(s["kind"], s["node"], dict(s.get("params") or {})) for s in data["steps"]),
            outcome=data["outcome"],
            problem=data.get("problem"),
            loop=tuple(data.get("loop") or ()),
        )

    @property
    def nodes(self) -> tuple[str, ...]:
        """The nodes of the steps, consecutive repeats once."""
        found: list[str] = []
        for step in self.steps:
            if not found or found[-1] != step.node:
                found.append(step.node)
        return tuple(found)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    condition: str


# --- Indexing ------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("Europe/Amsterdam")


class Prepared:
    """A document indexed for the engine: objects by key, by extension and by external number. Each index
    is built the first time a call needs it, so one call on a plain document only pays for what it uses,
    and a kept Prepared (the simulator's, per revision) pays once."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.tz = _zone(str((document.get("organisation") or {}).get("time_zone") or "Europe/Amsterdam"))
        self._finds = 0

    @staticmethod
    def _by_key(items: Any) -> dict[str, Mapping[str, Any]]:
        return {obj["key"]: obj for obj in items or ()}

    @cached_property
    def users(self) -> dict[str, Mapping[str, Any]]:
        return self._by_key(self.document.get("users"))

    @cached_property
    def groups(self) -> dict[str, Mapping[str, Any]]:
        return self._by_key(self.document.get("hunt_groups"))

    @cached_property
    def menus(self) -> dict[str, Mapping[str, Any]]:
        return self._by_key(self.document.get("ivr_menus"))

    @cached_property
    def times(self) -> dict[str, Mapping[str, Any]]:
        return self._by_key((self.document.get("schedules") or {}).get("time"))

    @cached_property
    def holidays(self) -> dict[str, Mapping[str, Any]]:
        return self._by_key((self.document.get("schedules") or {}).get("holiday"))

    @cached_property
    def numbers(self) -> tuple[dict[str, str], dict[str, str]]:
        """(node by extension, node by external number); the first object wins, as in find()."""
        by_extension: dict[str, str] = {}
        by_number: dict[str, str] = {}
        for section, kind in SECTIONS:
            for obj in self.document.get(section) or ():
                node = f"{kind}:{obj['key']}"
                if obj.get("extension"):
                    by_extension.setdefault(obj["extension"], node)
                if obj.get("external_number"):
                    by_number.setdefault(obj["external_number"], node)
        return by_extension, by_number

    @property
    def by_extension(self) -> dict[str, str]:
        return self.numbers[0]

    @property
    def by_number(self) -> dict[str, str]:
        return self.numbers[1]

    def find(self, dialled: str) -> str | None:
        """The node with this extension (or E.164 external number): from the index once it exists, else by
        one scan that stops at the first match (the first call of a Prepared only)."""
        field = "external_number" if dialled.startswith("+") else "extension"
        self._finds += 1
        if self._finds > 1 or "numbers" in self.__dict__:  # a kept Prepared: index from the second call on
            return (self.by_number if field == "external_number" else self.by_extension).get(dialled)
        for section, kind in SECTIONS:
            for obj in self.document.get(section) or ():
                if obj.get(field) == dialled:
                    return f"{kind}:{obj['key']}"
        return None

    def obj(self, node: str) -> Mapping[str, Any] | None:
        kind, _sep, key = node.partition(":")
        if kind == "user":
            return self.users.get(key)
        if kind == "group":
            return self.groups.get(key)
        if kind == "menu":
            return self.menus.get(key)
        return None


def prepare(document: Mapping[str, Any] | Prepared) -> Prepared:
    return document if isinstance(document, Prepared) else Prepared(document)


def node_of(destination: Mapping[str, Any] | None) -> str | None:
    """The node a destination points at ("user:u1", "voicemail:company", "external:+31…"); None: nowhere."""
    if not destination:
        return None
    kind = destination.get("type")
    if kind in NODE_TYPE:
        return f"{NODE_TYPE[kind]}:{destination.get('key')}"
    if kind == "voicemail":
        return "voicemail:company"
    if kind == "external":
        return f"external:{destination.get('number')}"
    if kind == "extension":  # The portal's placeholder for a night destination that is no object.
        return f"extension:{destination.get('extension')}"
    return f"unknown:{kind}"


def normalise_dialled(dialled: str) -> str:
    """'020 123 4567' → '+31201234567', '0031…' → '+31…', '201' stays '201'."""
    text = "".join(ch for ch in dialled.strip() if ch not in " -.()/")
    if text.startswith("00"):
        return "+" + text[2:]
    if text.startswith("0") and len(text) == 10 and text.isdigit():
        return "+31" + text[1:]
    return text


def _name(node: str, obj: Mapping[str, Any] | None) -> str:
    if obj is None:
        return node.partition(":")[2]
    if node.startswith("user:"):
        return f"{obj.get('first_name', '')} {obj.get('last_name', '')}".strip()
    return str(obj.get("name") or node.partition(":")[2])


# --- Schedules and night mode --------------------------------------------------------------------------


def _hm(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


def _time_open(schedule: Mapping[str, Any], local: datetime) -> bool:
    day, hm = local.weekday(), _hm(local)
    return any(r["day"] == day and r["from"] <= hm < r["to"] for r in schedule.get("ranges") or ())


def _holiday_entry(schedule: Mapping[str, Any], local: datetime) -> Mapping[str, Any] | None:
    """The entry of a holiday schedule that applies at a local wall-clock time, or None."""
    day = local.date().isoformat()
    moment = f"{day}T{_hm(local)}"
    for entry in schedule.get("entries") or ():
        start, end = str(entry["start"]), str(entry["end"])
        begins = start if len(start) > 10 else f"{start}T00:00"
        if moment < begins:
            continue
        if len(end) > 10:
            if moment < end:
                return entry
        elif day <= end:
            return entry
    return None


@dataclass(frozen=True)
class NightState:
    active: bool
    reason: str  # off, on, override_on, override_off, closed, holiday, open, no_schedule
    until: str | None = None
    schedule: str | None = None
    holiday: str | None = None
    missing: str | None = None  # "schedule:<key>" when a schedule it needs is not in the document


def _parse_instant(value: str, tz: tzinfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def company_night_mode(document: Mapping[str, Any] | Prepared, at: datetime) -> NightState:
    """Whether the company night mode is active at an instant, and why."""
    index = prepare(document)
    night = index.document.get("night_mode") or {}
    setting = night.get("setting", "off")
    if setting == "on":
        return NightState(True, "on")
    if setting != "auto":
        return NightState(False, "off")
    override = night.get("override")
    if override:
        until_text = override.get("until")
        until = _parse_instant(until_text, index.tz) if until_text else None
        if until_text is None or (until is not None and at.astimezone(UTC) < until.astimezone(UTC)):
            active = bool(override.get("active"))
            return NightState(active, "override_on" if active else "override_off", until_text)
    local = at.astimezone(index.tz).replace(tzinfo=None)
    time_key, holiday_key = night.get("time_schedule"), night.get("holiday_schedule")
    if not time_key and not holiday_key:
        return NightState(False, "no_schedule")
    if holiday_key:
        holidays = index.holidays.get(holiday_key)
        if holidays is None:
            return NightState(False, "no_schedule", missing=f"schedule:{holiday_key}")
        entry = _holiday_entry(holidays, local)
        if entry is not None:
            return NightState(True, "holiday", schedule=holidays.get("name"), holiday=entry.get("name"))
    if time_key:
        times = index.times.get(time_key)
        if times is None:
            return NightState(False, "no_schedule", missing=f"schedule:{time_key}")
        if not _time_open(times, local):
            return NightState(True, "closed", schedule=times.get("name"))
        return NightState(False, "open", schedule=times.get("name"))
    return NightState(False, "open")


# --- The walk ------------------------------------------------------------------------------------------


class _End(Exception):
    """Raised inside the walk when the route has ended (the route is in the walker)."""


class _Goto(Exception):
    """Raised inside the walk when the call moves to an object: the walk goes on there (a loop, not a
    recursion, so a chain of thousands of forwardings needs no deep stack)."""

    def __init__(self, node: str, obj: Mapping[str, Any]) -> None:
        self.node, self.obj = node, obj


class _Walker:
    def __init__(self, index: Prepared, call: Call, history: Mapping[str, Mapping[str, str]] | None) -> None:
        self.index = index
        self.call = call
        self.history = history or {}
        self.steps: list[Step] = []
        self.key_index = 0
        self.night_used = False
        self._company: NightState | None = None
        self.night_reported = False  # an inactive night mode is said once per route
        self.local = call.at.astimezone(index.tz)
        self.seen: dict[tuple[str, int, bool], int] = {}  # place → position in self.path
        self.path: list[str] = []
        self.outcome = "problem"
        self.problem: str | None = None
        self.loop: tuple[str, ...] = ()

    # - helpers -
    def step(self, kind: str, node: str, **params: Any) -> None:
        self.steps.append(Step(kind, node, params))
        if len(self.steps) > MAX_STEPS:  # pragma: no cover - cannot happen, see MAX_STEPS
            self.end("problem", "too_long")

    def end(self, outcome: str, problem: str | None = None) -> NoReturn:
        self.outcome, self.problem = outcome, problem
        raise _End

    def company(self) -> NightState:
        if self._company is None:
            self._company = company_night_mode(self.index, self.call.at)
        return self._company

    def user_flags(self, user: Mapping[str, Any]) -> tuple[bool, bool, bool]:
        extension = user.get("extension") or ""
        return (
            extension in self.call.busy,
            extension in self.call.unreachable,
            extension in self.call.no_answer,
        )

    def label(self, node: str) -> str:
        """A place in words for a loop: "Jan de Vries (201)", "voicemail:user:u1" → the owner's name."""
        if node.startswith("voicemail:user:"):
            owner = node.removeprefix("voicemail:")
            return f"voicemail {_name(owner, self.index.obj(owner))}"
        obj = self.index.obj(node)
        if obj is None:
            return node
        extension = obj.get("extension")
        return f"{_name(node, obj)} ({extension})" if extension else _name(node, obj)

    def arrive(self, node: str) -> None:
        """Enter a place; a place already entered in the same state is a loop: the route ends there."""
        place = (node, self.key_index, self.night_used)
        if place in self.seen:
            self.loop = tuple(self.path[self.seen[place] :])
            self.step(
                "loop",
                node,
                cycle=list(self.loop),
                names=[self.label(n) for n in self.loop],
                name=_name(node, self.index.obj(node)),
                extension=(self.index.obj(node) or {}).get("extension"),
            )
            self.end("problem", "loop")
        self.seen[place] = len(self.path)
        self.path.append(node)

    # - moving -
    def go(
        self, destination: Mapping[str, Any] | None, condition: str, source: str, **extra: Any
    ) -> NoReturn:
        """Send the call to a destination (None: the call ends, with `condition` as the reason)."""
        target = node_of(destination)
        if target is None:
            self.step("disconnect", "disconnect", reason=condition, source=source, **extra)
            self.end("disconnect")
        self.go_node(target, condition, source, **extra)

    def go_node(self, target: str, condition: str, source: str, **extra: Any) -> NoReturn:
        kind, _sep, rest = target.partition(":")
        if kind == "voicemail" and rest == "company":
            self.arrive(target)
            self.step(
                "voicemail",
                target,
                owner=None,
                name=COMPANY_VOICEMAIL,
                condition=condition,
                source=source,
                greeting=True,
                can_leave_message=True,
                email=None,
                **extra,
            )
            self.end("voicemail")
        if kind == "external":
            self.step("external", target, number=rest, condition=condition, source=source, **extra)
            self.end("external")
        obj = self.index.obj(target)
        if obj is None:
            self.step("missing", target, target=target, source=source, condition=condition)
            self.end("problem", "missing_reference")
        self.arrive(target)
        self.step(
            "forward",
            target,
            condition=condition,
            source=source,
            target=target,
            name=_name(target, obj),
            extension=obj.get("extension"),
            **extra,
        )
        raise _Goto(target, obj)

    def visit(self, node: str, obj: Mapping[str, Any]) -> None:
        if self.night(node, obj):
            return
        kind = node.partition(":")[0]
        if kind == "user":
            self.user(node, obj)
        elif kind == "group":
            self.group(node, obj)
        else:
            self.menu(node, obj)

    def night(self, node: str, obj: Mapping[str, Any]) -> bool:
        """Apply night mode to an object; True when the call went to the night destination."""
        if self.night_used:
            return False
        own = obj.get("night_mode", "follow")
        company_setting = (self.index.document.get("night_mode") or {}).get("setting", "off")
        if own == "off" or (own == "follow" and company_setting == "off"):
            if own == "off" and company_setting != "off" and self.company().active:
                self.step(
                    "night_mode",
                    node,
                    subject=node,
                    subject_name=_name(node, obj),
                    object_setting=own,
                    setting=company_setting,
                    active=False,
                    company_active=True,
                    reason="object_off",
                    until=None,
                    schedule=None,
                    holiday=None,
                )
            return False
        if own == "on":
            state = NightState(True, "object_on")
        else:
            state = self.company()
            if state.missing:
                self.step(
                    "missing", state.missing, target=state.missing, source="night_mode", condition="night"
                )
                self.end("problem", "missing_reference")
        night_destination = None
        if node.startswith("menu:") and obj.get("night_destination"):
            night_destination = obj["night_destination"]
        if night_destination is None:
            night_destination = (self.index.document.get("night_mode") or {}).get("destination")
        target = node_of(night_destination) if state.active else None
        if not state.active and own == "follow" and self.night_reported:
            return False
        self.night_reported = True
        self.step(
            "night_mode",
            "night_mode" if state.active else node,
            subject=node,
            subject_name=_name(node, obj),
            object_setting=own,
            setting=company_setting,
            active=state.active,
            company_active=self.company().active if own == "on" else state.active,
            reason=state.reason,
            until=state.until,
            schedule=state.schedule,
            holiday=state.holiday,
            destination=target,
        )
        if not state.active:
            return False
        self.night_used = True
        source = node if node.startswith("menu:") and obj.get("night_destination") else "night_mode"
        self.go(night_destination, "night", source)
        return True  # pragma: no cover - go() always ends or recurses

    # - users -
    def user(self, node: str, user: Mapping[str, Any]) -> None:
        name, extension = _name(node, user), user.get("extension")
        voicemail = user.get("voicemail") or {}
        forwarding = user.get("forwarding") or {}
        enabled = bool(voicemail.get("enabled"))
        if enabled and voicemail.get("direct"):
            self.voicemail(node, user, "direct")
        if forwarding.get("always"):
            self.go(forwarding["always"], "always", node)
        busy, unreachable, no_answer = self.user_flags(user)
        if busy:
            self.step("busy", node, name=name, extension=extension)
            if forwarding.get("busy"):
                self.go(forwarding["busy"], "busy", node)
            if enabled and voicemail.get("on_busy"):
                self.voicemail(node, user, "busy")
            self.step("disconnect", "disconnect", reason="busy", source=node)
            self.end("disconnect")
        if unreachable:
            self.step("unreachable", node, name=name, extension=extension)
            if forwarding.get("unreachable"):
                self.go(forwarding["unreachable"], "unreachable", node)
            if enabled and voicemail.get("on_no_answer"):
                self.voicemail(node, user, "unreachable")
            self.step("disconnect", "disconnect", reason="unreachable", source=node)
            self.end("disconnect")
        seconds = int(forwarding.get("no_answer_seconds") or 20)
        self.step("ring", node, name=name, extension=extension, seconds=seconds, group=None, after_seconds=0)
        if not no_answer:
            self.step("answered", node, name=name, extension=extension, group=None)
            self.end("answered")
        if forwarding.get("no_answer"):
            self.go(forwarding["no_answer"], "no_answer", node, seconds=seconds)
        if enabled and voicemail.get("on_no_answer"):
            self.voicemail(node, user, "no_answer", seconds=seconds)
        self.step("disconnect", "disconnect", reason="no_answer", source=node, seconds=seconds)
        self.end("disconnect")

    def voicemail(self, node: str, user: Mapping[str, Any], condition: str, **extra: Any) -> None:
        target = f"voicemail:{node}"
        self.arrive(target)
        voicemail = user.get("voicemail") or {}
        can_leave = not user.get("no_messages")
        self.step(
            "voicemail",
            target,
            owner=user["key"],
            name=_name(node, user),
            condition=condition,
            source=node,
            greeting=bool(user.get("greeting")),
            can_leave_message=can_leave,
            email=voicemail.get("email"),
            **extra,
        )
        if can_leave:
            self.end("voicemail")
        after = user.get("after_greeting") or {}
        if after.get("action") == "forward" and after.get("destination"):
            self.go(after["destination"], "after_greeting", target)
        self.step("disconnect", "disconnect", reason="after_greeting", source=target)
        self.end("disconnect")

    # - hunt groups -
    def order(self, group: Mapping[str, Any]) -> list[str]:
        """The members in the order the group's policy offers the call to them."""
        members = list(group.get("members") or ())
        policy = group.get("distribution")
        last = self.history.get(group["key"]) or {}
        if not members or not last or policy not in ("circular", "uniform"):
            return members

        def when(member: str) -> datetime:
            moment = _parse_instant(last[member], self.index.tz) if member in last else None
            return moment.astimezone(UTC) if moment else datetime.min.replace(tzinfo=UTC)

        if policy == "uniform":
            position = {m: i for i, m in enumerate(members)}
            return sorted(members, key=lambda m: (when(m), position[m]))
        called = [i for i, m in enumerate(members) if m in last]
        if not called:
            return members
        # The member who got the last call (the latest time; on a tie the later in the list).
        start = max(called, key=lambda i: (when(members[i]), i)) + 1
        return members[start:] + members[:start]

    def availability(self, user: Mapping[str, Any]) -> str | None:
        """Why a member is skipped by the group (None: the phone rings)."""
        busy, unreachable, _no_answer = self.user_flags(user)
        if busy:
            return "busy"
        if unreachable:
            return "unreachable"
        if (user.get("forwarding") or {}).get("always"):
            return "forwards_always"
        voicemail = user.get("voicemail") or {}
        if voicemail.get("enabled") and voicemail.get("direct"):
            return "voicemail_direct"
        return None

    def group(self, node: str, group: Mapping[str, Any]) -> None:
        name = _name(node, group)
        policy = group.get("distribution", "fixed_order")
        rings = int(group.get("rings") or 4)
        ring_seconds = rings * RING_SECONDS
        overflow = group.get("overflow")
        overflow_seconds = int(overflow["after_seconds"]) if overflow else None
        order = self.order(group)
        listed = []
        ringing: list[tuple[str, Mapping[str, Any], int]] = []  # (key, user, second it starts ringing)
        for member in order:
            user = self.index.users.get(member)
            if user is None:
                self.step(
                    "missing", f"user:{member}", target=f"user:{member}", source=node, condition="member"
                )
                self.end("problem", "missing_reference")
            reason = self.availability(user)
            listed.append(
                {
                    "key": member,
                    "name": _name(f"user:{member}", user),
                    "extension": user.get("extension"),
                    "available": reason is None,
                    "reason": reason,
                }
            )
            if reason is not None:
                continue
            if policy == "simultaneous":
                ringing.append((member, user, 0))
            elif not group.get("move_on", True):
                if not ringing:
                    ringing.append((member, user, 0))
            else:
                start = len(ringing) * ring_seconds
                if overflow_seconds is None or start < overflow_seconds:
                    ringing.append((member, user, start))
        if policy != "simultaneous" and not group.get("move_on", True):
            # Without moving on only the first member in the order rings; if that one is away nobody does.
            first = listed[0] if listed else None
            if first is None or not first["available"]:
                ringing = []
        self.step(
            "hunt_group",
            node,
            name=name,
            extension=group.get("extension"),
            policy=policy,
            rings=rings,
            ring_seconds=ring_seconds,
            move_on=bool(group.get("move_on", True)),
            overflow_seconds=overflow_seconds,
            order=listed,
            ringing=[_name(f"user:{k}", u) for k, u, _s in ringing],
        )
        for member, user, start in ringing:
            if not self.user_flags(user)[2]:
                member_node = f"user:{member}"
                self.step(
                    "answered",
                    member_node,
                    name=_name(member_node, user),
                    extension=user.get("extension"),
                    group=name,
                    after_seconds=start,
                )
                self.end("answered")
        if overflow is None:
            self.step("unanswered", node, name=name)
            self.end("problem", "no_overflow")
        self.go(overflow.get("destination"), "overflow", node, seconds=overflow_seconds)

    # - IVR menus -
    def menu(self, node: str, menu: Mapping[str, Any]) -> None:
        name = _name(node, menu)
        local = self.local.replace(tzinfo=None)
        time_key, holiday_key = menu.get("time_schedule"), menu.get("holiday_schedule")
        times = self.index.times.get(time_key) if time_key else None
        if times is None:
            missing = f"schedule:{time_key}"
            self.step("missing", missing, target=missing, source=node, condition="time_schedule")
            self.end("problem", "missing_reference")
        holiday_entry = None
        if holiday_key:
            holidays = self.index.holidays.get(holiday_key)
            if holidays is None:
                missing = f"schedule:{holiday_key}"
                self.step("missing", missing, target=missing, source=node, condition="holiday_schedule")
                self.end("problem", "missing_reference")
            holiday_entry = _holiday_entry(holidays, local)
        if holiday_entry is not None:
            reason = "holiday"
        elif _time_open(times, local):
            reason = "open"
        else:
            reason = "closed"
        after = menu.get("after_hours") or {}
        if reason == "open":
            part, part_name, action = menu.get("business_hours") or {}, "business", "menu"
        else:
            part_name, action = "after", after.get("action", "destination")
            part = after.get("menu") or {} if action == "menu" else {}
        self.step(
            "menu",
            node,
            name=name,
            extension=menu.get("extension"),
            part=part_name,
            action=action,
            reason=reason,
            schedule=times.get("name"),
            holiday=holiday_entry.get("name") if holiday_entry else None,
            greeting=bool(part.get("greeting")),
            reception_seconds=int(menu.get("reception_seconds") or 10),
            keys=[k["key"] for k in part.get("keys") or ()],
        )
        if action != "menu":
            self.go(after.get("destination"), "after_hours", node)
        programmed = {k["key"]: k for k in part.get("keys") or ()}
        while self.key_index < len(self.call.keys):
            key = self.call.keys[self.key_index]
            self.key_index += 1
            chosen = programmed.get(key)
            if chosen is not None:
                self.go(
                    chosen.get("destination"),
                    f"key:{key}",
                    node,
                    key=key,
                    announce=bool(chosen.get("announce")),
                )
            self.step("invalid_key", node, key=key, name=name)
        seconds = int(menu.get("reception_seconds") or 10)
        if part.get("reception"):
            self.go(part["reception"], "timeout", node, seconds=seconds)
        self.step("disconnect", "disconnect", reason="no_reception", source=node, seconds=seconds)
        self.end("disconnect")

    # - the start -
    def start(self) -> None:
        dialled = normalise_dialled(self.call.dialled)
        local = self.local
        facts = {
            "dialled": dialled,
            "at": self.call.at.isoformat(),
            "local": local.isoformat(),
            "weekday": local.weekday(),
            "time": _hm(local),
        }
        if dialled == COMPANY_VOICEMAIL:
            facts.update(name=COMPANY_VOICEMAIL, extension=COMPANY_VOICEMAIL)
            self.step("dialled", "voicemail:company", target="voicemail:company", **facts)
            self.go_node("voicemail:company", "dialled", "voicemail:company")
        if dialled.startswith("+"):
            target = self.index.find(dialled)
            if target is None:
                self.step("unknown_number", f"number:{dialled}", dialled=dialled)
                self.end("problem", "unknown_number")
            number_node = f"number:{dialled}"
            obj = self.index.obj(target)
            facts.update(name=_name(target, obj), extension=obj.get("extension") if obj else None)
            self.step("dialled", number_node, target=target, **facts)
            self.go_node(target, "number", number_node)
        target = self.index.find(dialled)
        if target is None:
            self.step("unknown_number", f"extension:{dialled}", dialled=dialled)
            self.end("problem", "unknown_number")
        obj = self.index.obj(target)
        assert obj is not None
        facts.update(name=_name(target, obj), extension=obj.get("extension"))
        self.step("dialled", target, target=target, **facts)
        self.arrive(target)
        raise _Goto(target, obj)

    def run(self) -> None:
        """Walk until the route ends (an _End from inside)."""
        try:
            self.start()
        except _Goto as move:
            node, obj = move.node, move.obj
        while True:
            try:
                self.visit(node, obj)
            except _Goto as move:
                node, obj = move.node, move.obj
            else:  # pragma: no cover - every visit ends the route or moves the call
                self.end("problem", "too_long")


def simulate(
    document: Mapping[str, Any] | Prepared,
    call: Call,
    *,
    history: Mapping[str, Mapping[str, str]] | None = None,
) -> Route:
    """The route of one call through the document (or a `prepare`d one). Always ends; never raises for
    a document that passes the PBX's validation."""
    if call.at.tzinfo is None or call.at.utcoffset() is None:
        raise ValueError("Call.at must be timezone-aware")
    walker = _Walker(prepare(document), call, history)
    with contextlib.suppress(_End):
        walker.run()
    return Route(tuple(walker.steps), walker.outcome, walker.problem, walker.loop)


# --- Static edges ---------------------------------------------------------------------------------------


def _menu_parts(menu: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield menu.get("business_hours") or {}
    after = menu.get("after_hours") or {}
    if after.get("action") == "menu" and after.get("menu"):
        yield after["menu"]


def edges(document: Mapping[str, Any] | Prepared) -> list[Edge]:
    """Every way a call can move from one node to another, with its condition.

    Sources: "number:+31…" → its object ("number"); "night_mode" → the company night destination
    ("night"); a user → its forwardings ("always", "busy", "no_answer", "unreachable") and its voicemail
    ("direct", "busy", "no_answer", "unreachable" where the voicemail answers); "voicemail:user:…" → the
    after-greeting destination ("after_greeting", only with no_messages); a hunt group → each member
    ("member") and its overflow ("overflow"); an IVR menu → each key's destination ("key:N", both parts),
    each reception ("timeout"), the after-hours destination ("after_hours") and its own night destination
    ("night"). Objects do not get an edge to "night_mode": which ones follow it is a property of the
    object, and night mode redirects a call only once.
    """
    index = prepare(document)
    doc = index.document
    found: list[Edge] = []
    for number, node in sorted(index.by_number.items()):
        found.append(Edge(f"number:{number}", node, "number"))
    night_target = node_of((doc.get("night_mode") or {}).get("destination"))
    if night_target:
        found.append(Edge("night_mode", night_target, "night"))
    for key, user in index.users.items():
        node = f"user:{key}"
        forwarding = user.get("forwarding") or {}
        for condition in ("always", "busy", "no_answer", "unreachable"):
            target = node_of(forwarding.get(condition))
            if target:
                found.append(Edge(node, target, condition))
        voicemail = user.get("voicemail") or {}
        if voicemail.get("enabled"):
            box = f"voicemail:{node}"
            if voicemail.get("direct"):
                found.append(Edge(node, box, "direct"))
            if voicemail.get("on_busy") and not forwarding.get("busy"):
                found.append(Edge(node, box, "busy"))
            if voicemail.get("on_no_answer"):
                if not forwarding.get("no_answer"):
                    found.append(Edge(node, box, "no_answer"))
                if not forwarding.get("unreachable"):
                    found.append(Edge(node, box, "unreachable"))
            after = user.get("after_greeting") or {}
            target = node_of(after.get("destination")) if after.get("action") == "forward" else None
            if target and user.get("no_messages"):
                found.append(Edge(box, target, "after_greeting"))
    for key, group in index.groups.items():
        node = f"group:{key}"
        for member in group.get("members") or ():
            found.append(Edge(node, f"user:{member}", "member"))
        target = node_of((group.get("overflow") or {}).get("destination"))
        if target:
            found.append(Edge(node, target, "overflow"))
    for key, menu in index.menus.items():
        node = f"menu:{key}"
        for part in _menu_parts(menu):
            for entry in part.get("keys") or ():
                target = node_of(entry.get("destination"))
                if target:
                    found.append(Edge(node, target, f"key:{entry['key']}"))
            target = node_of(part.get("reception"))
            if target:
                found.append(Edge(node, target, "timeout"))
        after = menu.get("after_hours") or {}
        target = node_of(after.get("destination")) if after.get("action") == "destination" else None
        if target:
            found.append(Edge(node, target, "after_hours"))
        target = node_of(menu.get("night_destination"))
        if target:
            found.append(Edge(node, target, "night"))
    return found
