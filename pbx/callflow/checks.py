"""The configuration checks ("Controle", R10.2): what the manual advises and what will go wrong.

Pure (no Django): every check reads the PBX document the portal renders (pbx/sync/render.py,
docs/pbx-config.md), so the page, the object pages and the benchmark agree, and the PBX simulator
could run them too. `check(document)` returns findings; pbx/callflow/findings.py words them (Dutch,
English) and links each to the page where it is fixed.

A finding is about one object, named like the call-flow engine's diagram nodes: "user:u12",
"group:g3", "menu:m2", "night_mode", "schedule:t4" (a time schedule) or "schedule:h2" (holiday).

Advice (the manual's): a hunt group without "Doorschakelen na wachttijd", an IVR menu part without
reception, a hunt group or menu without extension, automatic night mode without schedule, an IVR
key to a user without extension or number, a menu part without greeting.

Problems: a reference to something that does not exist (deleted, or never there), a forwarding
loop (the call can go round without end: A → B → A), a group that overflows to itself, an empty
hunt group, a group whose members all forward every call away, a night destination inside the
group it serves, a time schedule that is never open.

Loops are found on the engine's static edges (pbx.callflow.engine.edges): every way a call can
move by itself. Keys the caller presses are left out (pressing 9 to hear the menu again is a
choice, not a loop), and so are night mode (it redirects a call once) and a group's members (a
group does not follow its members' forwarding); the strongly connected components of the rest (Tarjan, iterative: no
recursion limit with thousands of users) hold every cycle, and one cycle per component is named,
so each finding points at a real path.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pbx.callflow import engine

ADVICE = "advice"
PROBLEM = "problem"

# Every code, with its severity.
CODES: dict[str, str] = {
    "group_no_overflow": ADVICE,
    "menu_no_reception": ADVICE,
    "group_no_extension": ADVICE,
    "menu_no_extension": ADVICE,
    "night_auto_no_schedule": ADVICE,
    "key_to_user_without_number": ADVICE,
    "menu_no_greeting": ADVICE,
    "missing_reference": PROBLEM,
    "forward_loop": PROBLEM,
    "group_overflow_self": PROBLEM,
    "group_empty": PROBLEM,
    "group_all_forward_always": PROBLEM,
    "night_destination_in_group": PROBLEM,
    "schedule_never_open": PROBLEM,
}

NODE_TYPE = engine.NODE_TYPE
node_of = engine.node_of  # the same node names as the engine and the diagrams
SECTION = {"user": "users", "hunt_group": "hunt_groups", "ivr_menu": "ivr_menus"}
FORWARDS = ("always", "busy", "no_answer", "unreachable")


@dataclass(frozen=True)
class Finding:
    severity: str  # ADVICE or PROBLEM
    code: str  # a key of CODES
    subject: str  # the object it is about: "user:u1", "group:g2", "menu:m3", "night_mode", "schedule:t4"
    params: Mapping[str, Any] = field(default_factory=dict)  # the facts for the sentence, JSON-serialisable

    @property
    def is_problem(self) -> bool:
        return self.severity == PROBLEM


def _finding(code: str, subject: str, **params: Any) -> Finding:
    return Finding(CODES[code], code, subject, params)


@dataclass(frozen=True)
class _Index:
    """The document's objects by node, and the schedules by key."""

    users: dict[str, Mapping[str, Any]]
    groups: dict[str, Mapping[str, Any]]
    menus: dict[str, Mapping[str, Any]]
    time_schedules: dict[str, Mapping[str, Any]]
    holiday_schedules: dict[str, Mapping[str, Any]]

    def exists(self, node: str | None) -> bool:
        if node is None:
            return True
        kind, _, _ = node.partition(":")
        if kind == "user":
            return node in self.users
        if kind == "group":
            return node in self.groups
        if kind == "menu":
            return node in self.menus
        return kind in ("voicemail", "external")


def _index(document: Mapping[str, Any]) -> _Index:
    schedules = document.get("schedules") or {}
    return _Index(
        users={f"user:{u['key']}": u for u in document.get("users") or ()},
        groups={f"group:{g['key']}": g for g in document.get("hunt_groups") or ()},
        menus={f"menu:{m['key']}": m for m in document.get("ivr_menus") or ()},
        time_schedules={s["key"]: s for s in schedules.get("time") or ()},
        holiday_schedules={s["key"]: s for s in schedules.get("holiday") or ()},
    )


def destinations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any], dict[str, Any]]]:
    """Every destination the document names: (the object's node, condition, destination, where).

    `where` says which field it is ({"field": "forward_busy"}, {"field": "key", "part": "business",
    "key": "1"}, …) for the sentence. The condition is the engine's edge condition.
    """
    night = document.get("night_mode") or {}
    if night.get("destination"):
        yield "night_mode", "night", night["destination"], {"field": "night_mode_destination"}
    for user in document.get("users") or ():
        node = f"user:{user['key']}"
        forwarding = user.get("forwarding") or {}
        for name in FORWARDS:
            if forwarding.get(name):
                yield node, name, forwarding[name], {"field": f"forward_{name}"}
        after = (user.get("after_greeting") or {}).get("destination")
        if after:
            yield node, "after_greeting", after, {"field": "after_greeting"}
    for group in document.get("hunt_groups") or ():
        overflow = group.get("overflow") or {}
        if overflow.get("destination"):
            node = f"group:{group['key']}"
            yield node, "overflow", overflow["destination"], {"field": "overflow"}
    for menu in document.get("ivr_menus") or ():
        node = f"menu:{menu['key']}"
        for part_name, part in _parts(menu):
            for key in part.get("keys") or ():
                if key.get("destination"):
                    where = {"field": "key", "part": part_name, "key": key["key"]}
                    yield node, f"key:{key['key']}", key["destination"], where
            if part.get("reception"):
                yield node, "timeout", part["reception"], {"field": "reception", "part": part_name}
        after = menu.get("after_hours") or {}
        if after.get("action") == "destination" and after.get("destination"):
            yield node, "after_hours", after["destination"], {"field": "after_hours"}
        if menu.get("night_destination"):
            yield node, "night", menu["night_destination"], {"field": "night_destination"}


def _parts(menu: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    parts: list[tuple[str, Mapping[str, Any]]] = [("business", menu.get("business_hours") or {})]
    after = menu.get("after_hours") or {}
    if after.get("action") == "menu" and after.get("menu"):
        parts.append(("after", after["menu"]))
    return parts


# --- The checks ----------------------------------------------------------------------------------


def _missing_references(document: Mapping[str, Any], index: _Index) -> Iterator[Finding]:
    for node, _condition, destination, where in destinations(document):
        target = node_of(destination)
        if not index.exists(target):
            yield _finding("missing_reference", node, target=target, **where)
    for group_node, group in index.groups.items():
        for member in group.get("members") or ():
            if f"user:{member}" not in index.users:
                yield _finding("missing_reference", group_node, target=f"user:{member}", field="member")
    night = document.get("night_mode") or {}
    owners: list[tuple[str, Mapping[str, Any]]] = [("night_mode", night), *index.menus.items()]
    for node, owner in owners:
        time_key, holiday_key = owner.get("time_schedule"), owner.get("holiday_schedule")
        if time_key and time_key not in index.time_schedules:
            yield _finding("missing_reference", node, target=f"schedule:{time_key}", field="time_schedule")
        if holiday_key and holiday_key not in index.holiday_schedules:
            yield _finding(
                "missing_reference", node, target=f"schedule:{holiday_key}", field="holiday_schedule"
            )


def _group_checks(document: Mapping[str, Any], index: _Index) -> Iterator[Finding]:
    night = document.get("night_mode") or {}
    company_night = node_of(night.get("destination"))
    company_night_used = night.get("setting") in ("on", "auto")
    for node, group in index.groups.items():
        members = [f"user:{m}" for m in group.get("members") or ()]
        if not group.get("overflow"):
            yield _finding("group_no_overflow", node)
        elif node_of(group["overflow"].get("destination")) == node:
            yield _finding("group_overflow_self", node)
        if not group.get("extension"):
            yield _finding("group_no_extension", node)
        if not members:
            yield _finding("group_empty", node)
        else:
            known = [index.users[m] for m in members if m in index.users]
            forwarded = [u for u in known if (u.get("forwarding") or {}).get("always")]
            if known and len(forwarded) == len(known) == len(members):
                yield _finding("group_all_forward_always", node, members=members)
        serves = group.get("night_mode") == "on" or (
            group.get("night_mode") == "follow" and company_night_used
        )
        if serves and company_night is not None and (company_night == node or company_night in members):
            yield _finding("night_destination_in_group", node, target=company_night)


def _menu_checks(index: _Index) -> Iterator[Finding]:
    for node, menu in index.menus.items():
        if not menu.get("extension"):
            yield _finding("menu_no_extension", node)
        for part_name, part in _parts(menu):
            if not part.get("greeting"):
                yield _finding("menu_no_greeting", node, part=part_name)
            if not part.get("reception"):
                yield _finding("menu_no_reception", node, part=part_name)
            for key in part.get("keys") or ():
                target = node_of(key.get("destination"))
                user = index.users.get(target or "")
                if user is not None and not user.get("extension") and not user.get("external_number"):
                    yield _finding(
                        "key_to_user_without_number", node, part=part_name, key=key["key"], target=target
                    )


def _night_checks(document: Mapping[str, Any]) -> Iterator[Finding]:
    night = document.get("night_mode") or {}
    if (
        night.get("setting") == "auto"
        and not night.get("time_schedule")
        and not night.get("holiday_schedule")
    ):
        yield _finding("night_auto_no_schedule", "night_mode")


def _schedule_checks(document: Mapping[str, Any], index: _Index) -> Iterator[Finding]:
    used_by: dict[str, list[str]] = {}
    night = document.get("night_mode") or {}
    if night.get("setting") == "auto" and night.get("time_schedule"):
        used_by.setdefault(night["time_schedule"], []).append("night_mode")
    for node, menu in index.menus.items():
        if menu.get("time_schedule"):
            used_by.setdefault(menu["time_schedule"], []).append(node)
    for key, schedule in index.time_schedules.items():
        if not schedule.get("ranges"):
            yield _finding("schedule_never_open", f"schedule:{key}", used_by=used_by.get(key, []))


# --- Loops ---------------------------------------------------------------------------------------


def _strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's components, iteratively; only those that hold a cycle (two nodes or more, or a node
    with an edge to itself)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index_of:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index_of:
                    index_of[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph.get(successor, ()))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index_of[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(component)
    return found


def _cycle_through(start: str, graph: Mapping[str, Sequence[str]], within: set[str]) -> list[str]:
    """A shortest cycle from start back to start inside one component (breadth first)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in graph.get(node, ()):
            if successor not in within:
                continue
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            if successor not in previous:
                previous[successor] = node
                queue.append(successor)
    return [start]  # Not reached for a component that holds a cycle.


# Edges that cannot be part of a call going round for ever, as the engine walks them: a key is the
# caller's choice (and each menu takes the next one), night mode redirects a call once, and a hunt
# group rings its members without following their own forwarding (it overflows instead).
NOT_IN_LOOPS = frozenset({"member", "night", "number"})


def loop_edges(edges: Iterable[Any]) -> dict[tuple[str, str], str]:
    """The edges a call follows by itself, (source, target) -> condition."""
    found: dict[tuple[str, str], str] = {}
    for edge in edges:
        if edge.condition.startswith("key:") or edge.condition in NOT_IN_LOOPS:
            continue
        found.setdefault((edge.source, edge.target), edge.condition)
    return found


def _loops(edges: Iterable[Any]) -> Iterator[Finding]:
    conditions = loop_edges(edges)
    graph: dict[str, list[str]] = {}
    for source, target in conditions:
        graph.setdefault(source, []).append(target)
    for component in _strongly_connected(graph):
        within = set(component)
        start = min(component)
        cycle = _cycle_through(start, graph, within)
        steps = [conditions[(node, cycle[(i + 1) % len(cycle)])] for i, node in enumerate(cycle)]
        for i, node in enumerate(cycle):
            if node.partition(":")[0] not in ("user", "group", "menu"):
                continue
            rotated = cycle[i:] + cycle[:i]
            yield _finding("forward_loop", node, cycle=rotated, conditions=steps[i:] + steps[:i])


def check(document: Mapping[str, Any], edges: Iterable[Any] | None = None) -> list[Finding]:
    """Every finding of the document: problems first, then advice; by subject within each.
    edges: engine.edges(document), when the caller has them already."""
    index = _index(document)
    found = [
        *_missing_references(document, index),
        *_group_checks(document, index),
        *_menu_checks(index),
        *_night_checks(document),
        *_schedule_checks(document, index),
        *_loops(engine.edges(document) if edges is None else edges),
    ]
    found.sort(key=lambda f: (f.severity != PROBLEM, f.subject, f.code))
    return found


def by_subject(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.subject, []).append(finding)
    return grouped
