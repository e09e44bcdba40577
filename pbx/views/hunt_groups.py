"""Telefooncentrale "Belgroepen": hunt groups (R6.1-R6.5, R3.5 per group; issue 11).

The edit page holds every setting in one versioned form; the members have their own page
("Leden wijzigen"), where each button is a plain form post (add, remove, up, down) and drag and
drop (static/js/hunt_groups.js) posts the whole new order, so everything works without
JavaScript and by keyboard.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.ids import parse_id, parse_ids
from core.references import usages
from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit
from pbx.domain import huntgroup as domain
from pbx.domain.destination import DestinationKind
from pbx.forms.hunt_groups import (
    NO_EXTENSION_ADVICE,
    CandidateSearchForm,
    HuntGroupCreateForm,
    HuntGroupForm,
)
from pbx.models import DirectoryEntry, HuntGroup, HuntGroupMember, NightModeFollow
from pbx.services import hunt_groups as services
from pbx.services import night_mode as night_services
from pbx.services.directory import destination_label
from pbx.views.shared import refuse_stale_with_destinations, show_service_errors

PAGE_SIZE = 25
CANDIDATES_SHOWN = 50


def _get_group(request: PortalRequest, pk: int) -> HuntGroup:
    return get_object_or_404(services.hunt_groups(organisation=request.organisation), pk=pk)


@require_GET
@product_required("pbx")
def hunt_group_list(request: PortalRequest) -> HttpResponse:
    groups = services.hunt_groups(organisation=request.organisation).order_by("entry__name", "pk")
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pbx/hunt_groups/list.html", {"page": page, "groups": page.object_list})


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def hunt_group_create(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    form = HuntGroupCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.hunt_group_create(
                organisation=organisation,
                by=request.user,
                name=data["name"],
                extension=data["extension"],
                phone_number=data["phone_number"],
                values={k: data[k] for k in ("first_name", "last_name", "distribution")},
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("Hunt group %(name)s created.") % {"name": group.name})
            return redirect("pbx:hunt_group_members", pk=group.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "advice": NO_EXTENSION_ADVICE}
    return render(request, "pbx/hunt_groups/create.html", context, status=status)


def night_mode_line(group: HuntGroup, night_active: bool) -> str:
    """What the group's night-mode choice means for it right now."""
    if group.night_mode == NightModeFollow.ON:
        return _(
            "Always on: calls for this group always go to the company's night destination, "
            "whatever the company setting is."
        )
    if group.night_mode == NightModeFollow.OFF:
        return _("Off: the members are always called, also while the company's night mode is active.")
    if night_active:
        return _(
            "Follows the company setting: night mode is active now, so calls for this group go to the "
            "company's night destination."
        )
    return _("Follows the company setting: night mode is not active now, so the members are called.")


def _ring_context(group: HuntGroup, members: list[HuntGroupMember]) -> dict[str, object]:
    """The ring order of the next call and what happens when nobody answers."""
    overflow = ""
    if group.overflow_kind != DestinationKind.NONE:
        overflow = destination_label(group.overflow_kind, group.overflow_entry, group.overflow_number)
    return {
        "members": members,
        "rounds": services.ring_preview(group, members),
        "order_matters": domain.order_matters(group.distribution),
        "simultaneous": group.distribution == domain.Distribution.SIMULTANEOUS,
        "overflow": overflow,
        "ring_seconds": group.rings * domain.SECONDS_PER_RING,
    }


def _edit_context(request: PortalRequest, group: HuntGroup, form: HuntGroupForm) -> dict[str, object]:
    night = night_services.night_mode_get(organisation=request.organisation)
    state = night_services.night_mode_state(night)
    context: dict[str, object] = {
        "group": group,
        "form": form,
        "night_line": night_mode_line(group, state.active),
        "advice": NO_EXTENSION_ADVICE,
    }
    context.update(_ring_context(group, services.members_of(group)))
    return context


def _refuse_stale(form: HuntGroupForm, exc: StaleEdit, current: HuntGroup) -> None:
    refuse_stale_with_destinations(form, exc, HuntGroupForm.initial_of(current))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def hunt_group_edit(request: PortalRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    if request.method == "POST":
        form = HuntGroupForm(request.POST, group=group)
        if form.is_valid():
            try:
                services.hunt_group_update(
                    group=group, by=request.user, values=form.values(), expected_version=form.expected_version
                )
            except StaleEdit as exc:
                _refuse_stale(form, exc, _get_group(request, pk))
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("pbx:hunt_group_edit", pk=group.pk)
    else:
        form = HuntGroupForm(group=group)
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "pbx/hunt_groups/edit.html", _edit_context(request, group, form), status=status)


def _search(entries: QuerySet[DirectoryEntry], text: str) -> QuerySet[DirectoryEntry]:
    """A name, or the digits of an extension or number."""
    condition = Q()
    for word in text.split():
        condition &= Q(name__icontains=word)
    digits = re.sub(r"[^0-9]", "", text)
    if digits and re.fullmatch(r"[0-9\s()+\-.]+", text, re.ASCII):
        national = digits[1:] if digits.startswith("0") else digits
        condition |= Q(extension__startswith=digits) | Q(phone_number__number__contains=national)
    return entries.filter(condition)


MEMBER_ACTIONS = ("add", "remove", "up", "down")


def _member_action(request: PortalRequest, group: HuntGroup) -> str:
    """Runs the posted member action; returns the message to show. ValidationError when refused."""
    post = request.POST
    if "reorder" in post:
        order = parse_ids(post.getlist("order"))
        if order is None:
            raise ValidationError(_("Choose members from the list of users."))
        services.hunt_group_reorder(group=group, by=request.user, order=order)
        return _("The new order has been saved.")
    for action in MEMBER_ACTIONS:
        if action in post:
            member = parse_id(post.get(action))
            if member is None:
                raise ValidationError(_("Choose members from the list of users."))
            if action == "add":
                services.hunt_group_add_member(group=group, by=request.user, member=member)
                return _("Member added.")
            if action == "remove":
                services.hunt_group_remove_member(group=group, by=request.user, member=member)
                return _("Member removed.")
            step = -1 if action == "up" else 1
            services.hunt_group_move_member(group=group, by=request.user, member=member, step=step)
            return _("Member moved.")
    raise ValidationError(_("Choose what to do with the members: add, remove or move one."))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def hunt_group_members(request: PortalRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    search = CandidateSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    error = ""
    if request.method == "POST":
        try:
            done = _member_action(request, group)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done)
            url = reverse("pbx:hunt_group_members", args=[group.pk])
            url = f"{url}?{urlencode({'q': query})}" if query else url
            # After a move the page opens at the moved member, so Tab continues from its buttons.
            moved = next((request.POST[a] for a in ("up", "down") if a in request.POST), "")
            return redirect(f"{url}#member-{parse_id(moved)}" if parse_id(moved) else url)
    members = services.members_of(group)
    in_group = [m.member_id for m in members]
    candidates = services.member_candidates(organisation=request.organisation).exclude(pk__in=in_group)
    if query:
        candidates = _search(candidates, query)
    shown = list(candidates[: CANDIDATES_SHOWN + 1])
    context: dict[str, object] = {
        "group": group,
        "search": search,
        "query": query,
        "candidates": shown[:CANDIDATES_SHOWN],
        "more_candidates": len(shown) > CANDIDATES_SHOWN,
        "error": error,
    }
    context.update(_ring_context(group, members))
    return render(request, "pbx/hunt_groups/members.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def hunt_group_delete(request: PortalRequest, pk: int) -> HttpResponse:
    group = _get_group(request, pk)
    error = ""
    if request.method == "POST":
        name = group.name
        try:
            services.hunt_group_delete(group=group, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Hunt group %(name)s deleted.") % {"name": name})
            return redirect("pbx:hunt_groups")
    used = usages([group.entry]).get(group.entry.pk, [])
    context = {"group": group, "error": error, "used": used}
    return render(request, "pbx/hunt_groups/delete.html", context, status=400 if error else 200)
