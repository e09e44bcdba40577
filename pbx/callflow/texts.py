"""The engine's steps in plain words (Dutch by default, English), for "Test een oproep".

`describe(step)` words one step of pbx.callflow.engine, `describe_outcome(route)` the end of the call.
Everything comes from the step's params, so the portal's route and the PBX's (from the simulator's
JSON) read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import format_phone_number

from .engine import Route, Step

__all__ = ["describe", "describe_outcome", "node_name"]

POLICIES = {
    "circular": gettext_lazy("circular"),
    "fixed_order": gettext_lazy("in fixed order"),
    "simultaneous": gettext_lazy("all at once (simultaneous)"),
    "uniform": gettext_lazy("uniformly"),
}
SKIPPED = {
    "busy": gettext_lazy("busy"),
    "unreachable": gettext_lazy("unreachable"),
    "forwards_always": gettext_lazy("forwards every call"),
    "voicemail_direct": gettext_lazy("straight to voicemail"),
}
# Why the call moved: the start of the sentence of the step where it arrives.
CONDITIONS = {
    "number": gettext_lazy("The number belongs to %(target)s"),
    "always": gettext_lazy("Forwarded always → %(target)s"),
    "busy": gettext_lazy("Busy → forwarded to %(target)s"),
    "no_answer": gettext_lazy("No answer → forwarded to %(target)s"),
    "unreachable": gettext_lazy("Unreachable → forwarded to %(target)s"),
    "overflow": gettext_lazy("Forward after waiting time: to %(target)s"),
    "timeout": gettext_lazy("No choice made: to the reception, %(target)s"),
    "after_hours": gettext_lazy("After hours: straight to %(target)s"),
    "night": gettext_lazy("Night mode: to %(target)s"),
    "after_greeting": gettext_lazy("After the greeting: forwarded to %(target)s"),
    "dialled": gettext_lazy("Dialled: %(target)s"),
}
DISCONNECT = {
    "busy": gettext_lazy("The caller hears the busy tone; the call ends."),
    "unreachable": gettext_lazy("Nobody can be reached; the call ends."),
    "no_answer": gettext_lazy("The phone keeps ringing until the caller hangs up."),
    "no_reception": gettext_lazy("No reception is set: the call ends."),
    "after_greeting": gettext_lazy("After the greeting the call ends."),
}
NIGHT_REASONS = {
    "off": gettext_lazy("night mode is off"),
    "on": gettext_lazy("night mode is switched on"),
    "override_on": gettext_lazy("switched on by hand"),
    "override_off": gettext_lazy("switched off by hand"),
    "closed": gettext_lazy("outside opening hours"),
    "holiday": gettext_lazy("holiday"),
    "open": gettext_lazy("within opening hours"),
    "no_schedule": gettext_lazy("automatic, but without a schedule"),
    "object_on": gettext_lazy("night mode always on for this object"),
    "object_off": gettext_lazy("this object does not take part in night mode"),
}


def _number(value: str | None) -> str:
    return format_phone_number(value) if value else ""


def node_name(node: str, params: Mapping[str, Any] | None = None) -> str:
    """A node in words, from what the step knows ("Anna de Boer (201)", "06 12345678", "Bedrijfsvoicemail")."""
    params = params or {}
    kind, _sep, rest = node.partition(":")
    if kind == "voicemail":
        if rest == "company":
            return _("company voicemail (999)")
        return _("voicemail of %(name)s") % {"name": params.get("name") or rest.partition(":")[2]}
    if kind in ("external", "number"):
        return _number(rest)
    if kind == "night_mode":
        return _("night mode")
    if kind == "disconnect":
        return _("end of call")
    if kind == "extension":
        return _("extension %(extension)s") % {"extension": rest}
    if kind == "schedule":
        return _("schedule %(key)s") % {"key": rest}
    name = params.get("name") or rest
    extension = params.get("extension")
    return f"{name} ({extension})" if extension else str(name)


def _seconds(params: Mapping[str, Any]) -> str:
    seconds = params.get("seconds")
    return _("After %(seconds)s seconds: ") % {"seconds": seconds} if seconds else ""


def _arrival(params: Mapping[str, Any], target: str) -> str:
    condition = str(params.get("condition") or "")
    if condition.startswith("key:"):
        text = _("Key %(key)s → %(target)s") % {"key": condition[4:], "target": target}
        if params.get("announce"):
            text += " " + _("(the caller first hears “u wordt nu doorgeschakeld”)")
        return text
    template = CONDITIONS.get(condition)
    if template is None:
        return _("→ %(target)s") % {"target": target}
    return _seconds(params) + str(template) % {"target": target}


def _when(params: Mapping[str, Any]) -> str:
    local = params.get("local")
    if not local:
        return ""
    return formats.date_format(datetime.fromisoformat(local), "l j F Y H:i")


def _until(value: str | None) -> str:
    if not value:
        return ""
    return formats.date_format(datetime.fromisoformat(value), "l j F H:i")


def _night(params: Mapping[str, Any]) -> str:
    reason = str(params.get("reason") or "")
    why = str(NIGHT_REASONS.get(reason, reason))
    if reason in ("closed", "open") and params.get("schedule"):
        why = f"{why} ({params['schedule']})"
    if reason == "holiday" and params.get("holiday"):
        why = f"{why}: {params['holiday']}"
        if params.get("schedule"):
            why += f" ({params['schedule']})"
    if reason in ("override_on", "override_off"):
        until = _until(params.get("until"))
        why = _("%(why)s until %(until)s") % {"why": why, "until": until} if until else why
    subject = node_name(str(params.get("subject") or ""), {"name": params.get("subject_name")})
    if params.get("active"):
        return _("Night mode active for %(subject)s (%(why)s)") % {"subject": subject, "why": why}
    return _("Night mode not active for %(subject)s (%(why)s)") % {"subject": subject, "why": why}


def describe(step: Step) -> str:
    """One step as a sentence."""
    p = step.params
    kind = step.kind
    if kind == "dialled":
        target = node_name(str(p.get("target") or step.node), p)
        dialled = str(p.get("dialled") or "")
        shown = _number(dialled) if dialled.startswith("+") else dialled
        return _("%(when)s: a call to %(dialled)s") % {"when": _when(p), "dialled": shown} + (
            "" if shown == target else f" ({target})"
        )
    if kind == "night_mode":
        return _night(p)
    if kind == "forward":
        return _arrival(p, node_name(step.node, p))
    if kind == "menu":
        name = p.get("name")
        if p.get("reason") == "open":
            when = _("business hours (%(schedule)s)") % {"schedule": p.get("schedule")}
        elif p.get("reason") == "holiday":
            when = _("after hours: holiday %(holiday)s") % {"holiday": p.get("holiday")}
        else:
            when = _("after hours (outside %(schedule)s)") % {"schedule": p.get("schedule")}
        if p.get("action") != "menu":
            return _("IVR menu %(name)s: %(when)s") % {"name": name, "when": when}
        greeting = (
            _("the greeting plays")
            if p.get("greeting")
            else _("no greeting has been uploaded: the caller hears no choices")
        )
        keys = ", ".join(p.get("keys") or ()) or _("none")
        return _("IVR menu %(name)s: %(when)s; %(greeting)s (keys: %(keys)s)") % {
            "name": name,
            "when": when,
            "greeting": greeting,
            "keys": keys,
        }
    if kind == "invalid_key":
        return _("Key %(key)s is not programmed in %(name)s: the menu waits for another choice") % {
            "key": p.get("key"),
            "name": p.get("name"),
        }
    if kind == "hunt_group":
        policy = str(POLICIES.get(str(p.get("policy")), p.get("policy")))
        ringing = ", ".join(p.get("ringing") or ()) or _("nobody")
        text = _("Hunt group %(group)s rings %(policy)s: %(ringing)s") % {
            "group": node_name(step.node, p),
            "policy": policy,
            "ringing": ringing,
        }
        skipped = [
            f"{m['name']} ({SKIPPED.get(m['reason'], m['reason'])})"
            for m in p.get("order") or ()
            if not m.get("available")
        ]
        if skipped:
            text += "; " + _("skipped: %(names)s") % {"names": ", ".join(skipped)}
        return text
    if kind == "ring":
        return _("The phone of %(name)s rings (up to %(seconds)s seconds)") % {
            "name": node_name(step.node, p),
            "seconds": p.get("seconds"),
        }
    if kind == "answered":
        if p.get("group"):
            return _("%(name)s answers the call of hunt group %(group)s") % {
                "name": node_name(step.node, p),
                "group": p.get("group"),
            }
        return _("%(name)s answers the call") % {"name": node_name(step.node, p)}
    if kind == "busy":
        return _("%(name)s is busy") % {"name": node_name(step.node, p)}
    if kind == "unreachable":
        return _("%(name)s cannot be reached (no phone registered)") % {"name": node_name(step.node, p)}
    if kind == "voicemail":
        target = node_name(step.node, p)
        condition = str(p.get("condition") or "")
        if condition == "direct":
            text = _("Straight to %(target)s") % {"target": target}
        elif condition in ("busy", "no_answer", "unreachable", "overflow", "timeout", "after_hours", "night"):
            text = _arrival(p, target)
        else:
            text = _("To %(target)s") % {"target": target}
        if not p.get("can_leave_message"):
            return text + ": " + _("the caller hears the greeting but cannot leave a message")
        if p.get("owner") and not p.get("greeting"):
            return text + ": " + _("standard greeting, the caller can leave a message (sent by e-mail)")
        return text + ": " + _("the caller can leave a message")
    if kind == "external":
        return _arrival(p, _number(str(p.get("number") or "")))
    if kind == "disconnect":
        text = str(DISCONNECT.get(str(p.get("reason")), _("The call ends.")))
        return _seconds(p) + text if p.get("reason") == "no_reception" else text
    if kind == "unanswered":
        return _(
            "Nobody answers and hunt group %(name)s has no “Doorschakelen na wachttijd”: the call keeps ringing"
        ) % {"name": p.get("name")}
    if kind == "loop":
        return _("Loop: the call comes back to %(node)s and would go round without end") % {
            "node": node_name(step.node, p)
        }
    if kind == "missing":
        return _("%(target)s does not exist (deleted?): the call cannot go on") % {
            "target": node_name(step.node)
        }
    if kind == "unknown_number":
        dialled = str(p.get("dialled") or "")
        return _("%(dialled)s is not a number or extension of this organisation") % {
            "dialled": _number(dialled) if dialled.startswith("+") else dialled
        }
    return kind


def describe_outcome(route: Route) -> str:
    """The end of the call in one sentence."""
    last = route.steps[-1] if route.steps else None
    if route.outcome == "answered" and last is not None:
        return _("Answered by %(name)s.") % {"name": node_name(last.node, last.params)}
    if route.outcome == "voicemail" and last is not None:
        return _("Ends in %(target)s.") % {"target": node_name(last.node, last.params)}
    if route.outcome == "external" and last is not None:
        return _("Forwarded to the external number %(number)s.") % {
            "number": _number(str(last.params.get("number") or ""))
        }
    if route.outcome == "disconnect":
        return _("The call ends without being answered.")
    if route.problem == "loop":
        said = list(last.params.get("names") or ()) if last is not None and last.kind == "loop" else []
        if len(said) != len(route.loop):
            said = [node_name(n) for n in route.loop]
        names = " → ".join([*said, *said[:1]])
        return _("Problem: a loop (%(path)s).") % {"path": names}
    if route.problem == "missing_reference":
        return _("Problem: the call is sent to something that does not exist.")
    if route.problem == "unknown_number":
        return _("Problem: nobody has this number or extension.")
    if route.problem == "no_overflow":
        return _("Problem: nobody answers and the call keeps ringing.")
    return _("Problem.")
