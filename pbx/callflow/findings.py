"""The call-flow pages' Django side: the organisation's plan, the findings in words, the links to fix them.

`plan(organisation)` renders the portal's current PBX document (what the PBX will do once the
pending changes are applied), runs the pure checks (pbx.callflow.checks) and names every node of
the diagrams with a link to its page: a fixed number of queries whatever the number of objects
(the document's sections' own queries and one for the directory's pages).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, format_phone_number
from pbx.models import DirectoryEntry
from pbx.sync.render import render

from . import checks, engine
from .diagram import Label


@dataclass
class Plan:
    document: dict[str, Any]
    edges: list[Any]
    findings: list[checks.Finding]
    labels: Labels
    by_subject: dict[str, list[checks.Finding]] = field(default_factory=dict)

    def label(self, node: str) -> Label:
        return self.labels.get(node) or Label(node_title(node))

    def name(self, node: str) -> str:
        """The node's name with its extension and number: "Jan de Vries (201, 020 555 1000)"."""
        label = self.label(node)
        return f"{label.title} ({label.subtitle})" if label.subtitle else label.title

    def short(self, node: str) -> str:
        """The node's name alone, for sentences that name several: "Jan de Vries"."""
        return self.label(node).title

    @property
    def problems(self) -> int:
        return sum(1 for f in self.findings if f.is_problem)

    @property
    def advice(self) -> int:
        return len(self.findings) - self.problems


def engine_edges(document: Mapping[str, Any]) -> list[engine.Edge]:
    return engine.edges(document)


def plan(organisation: Organisation, document: dict[str, Any] | None = None) -> Plan:
    document = render(organisation) if document is None else document
    edges = engine_edges(document)
    findings = checks.check(document, edges)
    result = Plan(document, edges, findings, labels(organisation, document))
    result.by_subject = checks.by_subject(findings)
    return result


def node_title(node: str) -> str:
    """A node that is no object of the document: the voicemail, an external number, the night mode."""
    kind, _sep, rest = node.partition(":")
    if kind == "voicemail":
        if rest.startswith("user:"):
            return _("Voicemail")
        return _("Company voicemail")
    if kind in ("external", "number"):
        return _phone(rest)
    if kind == "night_mode":
        return _("Night mode")
    if kind == "disconnect":
        return _("Call ends")
    if kind == "extension":
        return _("Extension %(extension)s (does not exist)") % {"extension": rest}
    if kind == "schedule":
        return _("Schedule %(key)s (does not exist)") % {"key": rest}
    return _("%(object)s (does not exist)") % {"object": rest or node}


@lru_cache(maxsize=50_000)
def _phone(e164: str) -> str:
    """format_phone_number, remembered: a number's written form never changes, and a page of a
    2,000-user organisation may show each of them."""
    return format_phone_number(e164)


# Edit pages by node kind: the URL name and the section of the document.
PAGES = {"user": "pbx:user_edit", "group": "pbx:hunt_group_edit", "menu": "pbx:ivr_edit"}


class Labels(Mapping[str, Label]):
    """Every node's title, subtitle and page, worded when first asked for: a page shows a few of a
    big organisation's thousands of nodes (the checks' subjects, one route, the drawn boxes)."""

    def __init__(self, organisation: Organisation, document: Mapping[str, Any]) -> None:
        self.objects: dict[str, Mapping[str, Any]] = {}
        for section, kind in (("users", "user"), ("hunt_groups", "group"), ("ivr_menus", "menu")):
            for obj in document.get(section) or ():
                node = f"{kind}:{obj['key']}"
                self.objects[node] = obj
                if kind == "user":
                    self.objects[f"voicemail:{node}"] = obj
                if obj.get("external_number"):
                    self.objects[f"number:{obj['external_number']}"] = obj
        schedules = document.get("schedules") or {}
        for kind in ("time", "holiday"):
            for schedule in schedules.get(kind) or ():
                self.objects[f"schedule:{schedule['key']}"] = schedule
        self.fixed = {
            "night_mode": Label(_("Night mode"), "", reverse("pbx:night_mode")),
            "voicemail:company": Label(_("Company voicemail"), "999"),
            "disconnect": Label(_("Call ends")),
        }
        # One query for the pages of all users, groups and menus: entry id -> object id.
        self.pks = {
            entry_id: user_pk or group_pk or menu_pk
            for entry_id, user_pk, group_pk, menu_pk in DirectoryEntry.objects.filter(
                organisation=organisation
            ).values_list("pk", "user__pk", "hunt_group__pk", "ivr_menu__pk")
        }
        self.patterns = {kind: reverse(name, args=[1]) for kind, name in PAGES.items()}
        self.made: dict[str, Label] = {}

    def _page(self, node: str) -> str:
        kind, _sep, key = node.partition(":")
        entry = key[1:]
        pk = self.pks.get(int(entry)) if entry.isascii() and entry.isdigit() else None
        if kind not in self.patterns or not pk:
            return ""
        return self.patterns[kind].replace("/1/", f"/{pk}/", 1)

    def _make(self, node: str) -> Label | None:
        if node in self.fixed:
            return self.fixed[node]
        obj = self.objects.get(node)
        if obj is None:
            return None
        kind, _sep, rest = node.partition(":")
        if kind == "schedule":
            schedule_kind = "holiday" if rest.startswith("h") else "time"
            return Label(obj["name"], "", _schedule_page(schedule_kind, rest))
        name = obj.get("name") or f"{obj.get('first_name', '')} {obj.get('last_name', '')}".strip()
        if kind == "number":
            return Label(_phone(obj["external_number"]), name)
        owner = rest if kind == "voicemail" else node
        if kind == "voicemail":
            return Label(_("Voicemail of %(name)s") % {"name": name}, "", self._page(owner))
        parts = [
            obj.get("extension") or "",
            _phone(obj["external_number"]) if obj.get("external_number") else "",
        ]
        return Label(name, ", ".join(p for p in parts if p), self._page(node))

    def __getitem__(self, node: str) -> Label:
        found = self.made.get(node)
        if found is None:
            found = self._make(node)
            if found is None:
                raise KeyError(node)
            self.made[node] = found
        return found

    def __contains__(self, node: object) -> bool:
        return isinstance(node, str) and (node in self.fixed or node in self.objects)

    def __iter__(self) -> Iterator[str]:
        yield from self.fixed
        yield from self.objects

    def __len__(self) -> int:
        return len(self.fixed) + len(self.objects)


def labels(organisation: Organisation, document: Mapping[str, Any]) -> Labels:
    return Labels(organisation, document)


def _schedule_page(kind: str, key: str) -> str:
    pk = key[1:]
    if not pk.isascii() or not pk.isdigit():
        return ""
    return reverse("schedules:time_detail" if kind == "time" else "schedules:holiday_detail", args=[int(pk)])


# --- Conditions and findings in words ----------------------------------------------------------

CONDITIONS = {
    "always": gettext_lazy("always"),
    "busy": gettext_lazy("busy"),
    "no_answer": gettext_lazy("no answer"),
    "unreachable": gettext_lazy("unreachable"),
    "overflow": gettext_lazy("after waiting time"),
    "member": gettext_lazy("member"),
    "night": gettext_lazy("night mode"),
    "after_hours": gettext_lazy("after hours"),
    "business_hours": gettext_lazy("business hours"),
    "timeout": gettext_lazy("no choice"),
    "after_greeting": gettext_lazy("after greeting"),
    "direct": gettext_lazy("direct"),
    "voicemail": gettext_lazy("voicemail"),
    "number": gettext_lazy("calls"),
}


def condition_label(condition: str) -> str:
    kind, _sep, rest = condition.partition(":")
    if kind == "key":
        return _("key %(key)s") % {"key": rest}
    word = CONDITIONS.get(condition)
    return str(word) if word is not None else condition.replace("_", " ")


# Conditions the overview leaves unlabelled: what the arrow means is plain from its ends.
UNLABELLED = frozenset({"number", "member"})


def condition_labels(edges: Sequence[Any]) -> dict[str, str]:
    conditions = {edge.condition for edge in edges}
    return {c: "" if c in UNLABELLED else condition_label(c) for c in conditions}


PARTS = {"business": gettext_lazy("during business hours"), "after": gettext_lazy("after hours")}
FIELDS = {
    "night_mode_destination": gettext_lazy("the night destination"),
    "forward_always": gettext_lazy("forward always"),
    "forward_busy": gettext_lazy("forward when busy"),
    "forward_no_answer": gettext_lazy("forward on no answer"),
    "forward_unreachable": gettext_lazy("forward when unreachable"),
    "after_greeting": gettext_lazy("after the greeting"),
    "overflow": gettext_lazy("forward after waiting time"),
    "member": gettext_lazy("a member"),
    "reception": gettext_lazy("the reception"),
    "after_hours": gettext_lazy("after hours"),
    "night_destination": gettext_lazy("the night destination"),
    "time_schedule": gettext_lazy("the time schedule"),
    "holiday_schedule": gettext_lazy("the holiday schedule"),
}


def _where(params: Mapping[str, Any]) -> str:
    name = params.get("field", "")
    if name == "key":
        return _("key %(key)s %(part)s") % {
            "key": params.get("key"),
            "part": PARTS.get(params.get("part", ""), ""),
        }
    text = str(FIELDS.get(name, name))
    if params.get("part"):
        text = f"{text} {PARTS.get(params['part'], '')}"
    return text


def sentence(finding: checks.Finding, names: Plan) -> str:
    """The finding in the viewer's language, naming the objects as the pages do."""
    p = finding.params
    name = names.short(finding.subject)
    part = str(PARTS.get(p.get("part", ""), ""))
    code = finding.code
    if code == "group_no_overflow":
        return _(
            "Hunt group %(name)s has no “Forward after waiting time”: callers nobody answers keep waiting."
        ) % {"name": name}
    if code == "menu_no_reception":
        return _("IVR menu %(name)s has no reception %(part)s: a caller who presses nothing is cut off.") % {
            "name": name,
            "part": part,
        }
    if code == "group_no_extension":
        return _(
            "Hunt group %(name)s has no extension: colleagues cannot call it or transfer a call to it."
        ) % {"name": name}
    if code == "menu_no_extension":
        return _("IVR menu %(name)s has no extension: colleagues cannot transfer a caller to it.") % {
            "name": name
        }
    if code == "night_auto_no_schedule":
        return _("Night mode is automatic but follows no schedule: choose opening hours or holidays.")
    if code == "key_to_user_without_number":
        return _(
            "Key %(key)s of IVR menu %(name)s (%(part)s) goes to %(target)s, who has no extension or number."
        ) % {
            "key": p.get("key"),
            "name": name,
            "part": part,
            "target": names.name(p.get("target", "")),
        }
    if code == "menu_no_greeting":
        return _("IVR menu %(name)s has no greeting %(part)s: callers do not hear the choices.") % {
            "name": name,
            "part": part,
        }
    if code == "missing_reference":
        return _("%(name)s: %(where)s points at something that does not exist (any more): %(target)s.") % {
            "name": name,
            "where": _where(p),
            "target": names.name(p.get("target", "")),
        }
    if code == "forward_loop":
        return _("%(name)s forwards in a circle: %(path)s. A call can go round without end.") % {
            "name": name,
            "path": loop_path(p.get("cycle", []), p.get("conditions", []), names),
        }
    if code == "group_overflow_self":
        return _("Hunt group %(name)s forwards to itself after the waiting time.") % {"name": name}
    if code == "group_empty":
        return _("Hunt group %(name)s has no members: nobody is called.") % {"name": name}
    if code == "group_all_forward_always":
        return _("Every member of hunt group %(name)s forwards all calls: no phone of the group rings.") % {
            "name": name
        }
    if code == "night_destination_in_group":
        return _(
            "In night mode calls for hunt group %(name)s go to %(target)s, inside the group itself: "
            "night mode changes nothing for its callers."
        ) % {"name": name, "target": names.name(p.get("target", ""))}
    if code == "schedule_never_open":
        users = ", ".join(names.short(n) for n in p.get("used_by", []))
        if users:
            return _("Time schedule %(name)s has no times, so it is never open; used by: %(used)s.") % {
                "name": name,
                "used": users,
            }
        return _("Time schedule %(name)s has no times, so it is never open.") % {"name": name}
    return f"{name}: {code}"


def loop_path(cycle: Sequence[str], conditions: Sequence[str], names: Plan) -> str:
    """ "Jan (201) → (no answer) Piet (202) → (unreachable) Jan (201)"."""
    if not cycle:
        return ""
    parts = [names.short(cycle[0])]
    for i, condition in enumerate(conditions):
        parts.append(f"({condition_label(condition)}) {names.short(cycle[(i + 1) % len(cycle)])}")
    return " → ".join(parts)


@dataclass(frozen=True)
class Shown:
    """A finding as a page shows it."""

    severity: str
    code: str
    text: str


@dataclass(frozen=True)
class Group:
    """The findings about one object, with the link to where to fix them."""

    subject: str
    name: str
    href: str
    findings: tuple[Shown, ...]

    @property
    def problems(self) -> int:
        return sum(1 for f in self.findings if f.severity == checks.PROBLEM)


def grouped(result: Plan) -> list[Group]:
    groups = [
        Group(
            subject,
            result.name(subject),
            result.label(subject).href,
            tuple(Shown(f.severity, f.code, sentence(f, result)) for f in found),
        )
        for subject, found in result.by_subject.items()
    ]
    groups.sort(key=lambda g: (-g.problems, g.name.casefold()))
    return groups
