"""Telefooncentrale "Test een oproep", "Belplan" and "Controle" (R10.1, R10.2; issue 13).

Every page here is a GET that changes nothing, so read-only members use them too. Each renders
the portal's current PBX document (what the PBX does once the pending changes are applied) with a
fixed number of queries, and runs the pure engine and checks on it (pbx/callflow/). "Test een
oproep" also asks the PBX what it does with the configuration it has applied (one read-only
request with a short timeout); when the PBX cannot be asked the page says so calmly and still
shows the portal's own answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import format_phone_number
from core.models import PbxSync
from core.tenancy import PortalRequest, product_required
from pbx.callflow import diagram, engine, texts
from pbx.callflow.findings import Plan, condition_label, condition_labels, grouped, plan
from pbx.forms.callflow import TestCallForm, own_numbers
from pbx.sync.client import PbxClient, PbxError

log = logging.getLogger(__name__)

# How long the page waits for the PBX's own answer before it shows the portal's alone.
PBX_SIMULATE_TIMEOUT = 2.0
# The overview without a start shows at most this many boxes (users are left out beyond it).
MAX_NODES = 300


@dataclass(frozen=True)
class Outcome:
    """One simulated route as a page shows it."""

    steps: list[str]
    outcome: str
    problem: bool
    diagram: diagram.Diagram


def _shown(route: Any, result: Plan) -> Outcome:
    steps = [texts.describe(step) for step in route.steps]
    visits = [(step.node, _arrow_label(step), number) for number, step in enumerate(route.steps, start=1)]
    if route.outcome == "problem" and route.loop:
        visits.append((route.loop[0], _("again"), len(route.steps)))
    return Outcome(
        steps=steps,
        outcome=texts.describe_outcome(route),
        problem=route.outcome == "problem",
        diagram=diagram.route(visits, result.labels),
    )


def _arrow_label(step: Any) -> str:
    """The few words on the arrow into a step's box: why the call moved there."""
    params = step.params or {}
    condition = params.get("condition")
    if isinstance(condition, str) and condition:
        return condition_label(condition)
    if step.kind == "night_mode":
        return condition_label("night")
    if params.get("key"):
        return condition_label(f"key:{params['key']}")
    return ""


def _pbx_route(organisation_id: int, call: Any) -> tuple[int | None, Any, str]:
    """The PBX's own answer: (revision, route, "") or (None, None, why it could not be asked)."""
    try:
        with PbxClient(settings.PBX_URL, settings.PBX_TOKEN, timeout=PBX_SIMULATE_TIMEOUT) as client:
            revision, route = client.simulate_call(organisation_id, call)
    except PbxError as exc:
        log.info("simulate on the PBX failed for organisation %s: %s", organisation_id, exc)
        if getattr(exc, "status_code", None) == 404:
            return None, None, _("The PBX has no configuration of your organisation yet.")
        return None, None, _("The PBX could not be asked just now; what it does today is not shown.")
    except Exception:  # A page never fails because the PBX answered strangely.
        log.exception("simulate on the PBX gave an unexpected answer for organisation %s", organisation_id)
        return None, None, _("The PBX could not be asked just now; what it does today is not shown.")
    return revision, route, ""


@require_GET
@product_required("pbx")
def test_call(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    result = plan(organisation)
    bound = "nummer" in request.GET
    form = TestCallForm(request.GET if bound else None, organisation=organisation, document=result.document)
    context: dict[str, Any] = {"form": form, "numbers": own_numbers(result.document)}
    if bound and form.is_valid():
        data = form.cleaned_data
        call = engine.Call(
            dialled=data["nummer"],
            at=form.at(),
            keys=data["toetsen"],
            busy=frozenset(data["bezet"]),
            unreachable=frozenset(data["onbereikbaar"]),
            no_answer=frozenset(data["geen_gehoor"]),
        )
        route = engine.simulate(result.document, call)
        context.update({"call": call, "at": call.at, "result": _shown(route, result)})
        context["dialled"] = (
            format_phone_number(call.dialled) if call.dialled.startswith("+") else call.dialled
        )
        revision, pbx_route, pbx_note = _pbx_route(organisation.pk, call)
        sync = PbxSync.objects.filter(organisation=organisation).values("desired_revision").first()
        desired = sync["desired_revision"] if sync else None
        context.update(
            {
                "pbx_note": pbx_note,
                "pbx_revision": revision,
                "pending": revision is not None and desired is not None and revision < desired,
                "pbx_differs": pbx_route is not None and pbx_route.to_json() != route.to_json(),
                "pbx_result": _shown(pbx_route, result) if pbx_route is not None else None,
            }
        )
    status = 400 if bound and form.errors else 200
    return render(request, "pbx/callflow/test_call.html", context, status=status)


def _starts(result: Plan) -> list[tuple[str, str]]:
    """What the overview can begin at: each number, menu, hunt group and user, by name."""
    nodes = [n for n in result.labels if n.partition(":")[0] in ("number", "menu", "group", "user")]
    order = {"number": 0, "menu": 1, "group": 2, "user": 3}
    nodes.sort(key=lambda n: (order[n.partition(":")[0]], result.name(n).casefold()))
    return [(n, result.name(n)) for n in nodes]


@require_GET
@product_required("pbx")
def call_plan(request: PortalRequest) -> HttpResponse:
    result = plan(request.organisation)
    start = request.GET.get("vanaf", "")
    starts = _starts(result)
    if start and start not in dict(starts):
        raise Http404("not a number or object of this organisation")
    edges = result.edges
    shortened = False
    if start:
        nodes = diagram.reachable(edges, start)
    else:
        nodes = {n for n, _label in starts} | {"night_mode"}
        if len(nodes) > MAX_NODES:  # Thousands of users: the users (and their numbers) only from a start.
            users = {e.source for e in edges if e.condition == "number" and e.target.startswith("user:")}
            nodes = {n for n in nodes if not n.startswith("user:") and n not in users}
            shortened = True
    picture = diagram.overview(nodes, edges, result.labels, condition_labels(edges))
    # The choices as one string: a 2,000-user organisation has thousands, too many for a template loop.
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((node, mark_safe(" selected") if node == start else "", name) for node, name in starts),
    )
    context = {
        "diagram": picture,
        "start_options": options,
        "start": start,
        "start_name": result.name(start) if start else "",
        "shortened": shortened,
        "headings": {
            "number": _("Numbers"),
            "menu": _("IVR menus"),
            "group": _("Hunt groups"),
            "user": _("Users"),
            "end": _("Voicemail and external"),
        },
        "findings_count": len(result.findings),
        "problems": result.problems,
    }
    return render(request, "pbx/callflow/plan.html", context)


@require_GET
@product_required("pbx")
def checks(request: PortalRequest) -> HttpResponse:
    result = plan(request.organisation)
    context = {"groups": grouped(result), "problems": result.problems, "advice": result.advice}
    return render(request, "pbx/callflow/checks.html", context)


@require_GET
@product_required("pbx")
def findings_part(request: PortalRequest) -> HttpResponse:
    """The findings of one object (`?node=user:u12`) for its own page, or the count for the overview;
    loaded after the page (static/js/callflow.js), so those pages keep their own queries."""
    result = plan(request.organisation)
    node = request.GET.get("node", "")
    if not node:
        context = {"problems": result.problems, "advice": result.advice}
        return render(request, "pbx/callflow/_count.html", context)
    if node not in result.labels:
        raise Http404("not an object of this organisation")
    groups = [g for g in grouped(result) if g.subject == node]
    return render(request, "pbx/callflow/_findings_list.html", {"groups": groups, "node": node})
