"""Geschiedenis (issue 14): the organisation's history, filtered and paged, and Terugzetten.

Every read goes through the current organisation; a change record of another organisation is
a 404. Read-only members see everything; their POST to restore is refused by TenantMiddleware.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Membership
from accounts.views import safe_next
from core.tenancy import PortalRequest, organisation_required

from .history_lines import Kind, _touching, build_entries, kinds, root_kinds
from .models import ActorKind, ChangeRecord
from .restore import RESTORED, restore
from .security_events import SECURITY_SUMMARIES

PAGE_SIZE = 25
OBJECT_SHOWN = 5
SECURITY = "security"


def parse_object(token: str) -> tuple[Kind, int] | None:
    """ "pbx.pbxuser:12" -> (kind, 12); None for anything else."""
    key, _sep, pk = (token or "").partition(":")
    kind = kinds().get(key)
    if kind is None or not kind.is_root or not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        return None
    return kind, int(pk)


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    person = forms.ChoiceField(
        label=gettext_lazy("Person"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    object = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("All")),
            (SECURITY, _("Logins and accounts")),
            *((k.key, k.label) for k in root_kinds()),
        ]
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            ("", _("Everyone")),
            *((str(m.user_id), m.user.display_name) for m in members),
            (ActorKind.OPERATOR, _("Operator")),
            (ActorKind.SYSTEM, _("System")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(
                _("The period ends before it starts. Choose an end date after the start date.")
            )
        return data


@require_GET
@organisation_required
def index(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    members = list(
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__email")
    )
    form = HistoryFilterForm(request.GET or None, members=members)
    records = ChangeRecord.objects.filter(organisation=organisation)
    only = None
    if form.is_valid():
        data = form.cleaned_data
        tz = ZoneInfo(organisation.time_zone)
        if data["kind"] == SECURITY:
            # A role or access put back through Terugzetten is an account change too.
            memberships = _touching(kinds()["accounts.membership"], organisation)
            records = records.filter(
                Q(summary__in=SECURITY_SUMMARIES) | Q(summary=RESTORED, pk__in=memberships)
            )
        elif data["kind"]:
            records = records.filter(pk__in=_touching(kinds()[data["kind"]], organisation))
        if data["person"] in (ActorKind.OPERATOR, ActorKind.SYSTEM):
            records = records.filter(actor=data["person"])
        elif data["person"]:
            records = records.filter(by_id=int(data["person"]), actor=ActorKind.MEMBER)
        if data["start"]:
            records = records.filter(at__gte=datetime.combine(data["start"], time(), tz))
        if data["end"]:
            records = records.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time(), tz))
        if data["object"]:
            only = parse_object(data["object"])
            if only is None:
                records = records.none()
            else:
                records = records.filter(pk__in=_touching(only[0], organisation, object_id=only[1]))
    page = Paginator(records.select_related("by").order_by("-at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = build_entries(list(page.object_list), organisation, only=only)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "history/index.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": query.urlencode(),
            "only": only,
            "SECURITY_SUMMARIES": SECURITY_SUMMARIES,
        },
    )


@require_GET
@organisation_required
def object_history(request: PortalRequest) -> HttpResponse:
    """The latest changes of one object (?object=pbx.nightmode:3) or of one kind (?kind=...),
    for the history section of its page (loaded with htmx)."""
    organisation = request.organisation
    records = ChangeRecord.objects.filter(organisation=organisation)
    only = parse_object(request.GET.get("object", ""))
    of_kind = kinds().get(request.GET.get("kind", ""))
    if only is not None:
        records = records.filter(pk__in=_touching(only[0], organisation, object_id=only[1]))
    elif of_kind is not None:
        records = records.filter(pk__in=_touching(of_kind, organisation))
    else:
        records = records.none()
    latest = list(records.select_related("by").order_by("-at", "-pk")[:OBJECT_SHOWN])
    entries = build_entries(latest, organisation, only=only, of_kind=None if only else of_kind)
    # After Terugzetten, back to the object's page (htmx names it), not to this fragment.
    page = request.headers.get("HX-Current-URL", "")
    back = page if url_has_allowed_host_and_scheme(page, {request.get_host()}, request.is_secure()) else ""
    return render(request, "history/_entries.html", {"entries": entries, "back": back})


@require_POST
@organisation_required
def restore_view(request: PortalRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    record = get_object_or_404(ChangeRecord, pk=pk, organisation=organisation)
    back = safe_next(request, reverse("history:index"))
    target = parse_object(request.POST.get("object", ""))
    if (
        target is None
        or not ChangeRecord.objects.filter(pk=record.pk, organisation=organisation)
        .filter(Q(pk__in=_touching(target[0], organisation, object_id=target[1])))
        .exists()
    ):
        messages.error(request, _("Choose an object of this change to put back."))
        return redirect(back)
    kind, object_id = target
    try:
        done = restore(record=record, kind=kind, object_id=object_id, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("Could not put it back: %(reason)s") % {"reason": " ".join(exc.messages)})
    else:
        if done.changed:
            messages.success(request, " ".join([_("Put back as it was before this change."), *done.notes]))
        else:
            messages.info(request, _("Nothing to put back: it is already as it was before this change."))
    return redirect(back)
