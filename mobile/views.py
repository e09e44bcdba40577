"""The "Mobiel" tab: subscriptions, their limits and blocking, general mobile settings and
Business Voicemail (R1.4, R8)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.ids import parse_ids
from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit

from . import services
from .forms import (
    MobileDefaultsForm,
    SubscriptionFilterForm,
    SubscriptionForm,
    VoicemailRowForm,
    VoicemailSearchForm,
)
from .models import (
    STANDARD_TEXTS,
    VOICEMAIL_MAX_DAYS,
    Subscription,
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailKind,
    VoicemailLanguage,
    VoicemailRequest,
    VoicemailStatus,
    VoicemailVoice,
    standard_text,
)

PAGE_SIZE = 25
VOICEMAIL_PAGE_SIZE = 20


def _subscriptions(request: PortalRequest) -> QuerySet[Subscription]:
    return Subscription.objects.filter(organisation=request.organisation)


def _get_subscription(request: PortalRequest, pk: int) -> Subscription:
    return get_object_or_404(_subscriptions(request).select_related("voicemail"), pk=pk)


def _search(queryset: QuerySet[Subscription], text: str) -> QuerySet[Subscription]:
    """Number in any way people write it (06 1234 5678, +31 6…, 612345678) or a part of the name."""
    text = text.strip()
    if not text:
        return queryset
    condition = Q(user_name__icontains=text)
    digits = re.sub(r"[^0-9]", "", text)
    if digits and re.fullmatch(r"[0-9\s()+\-.]+", text, re.ASCII):
        if digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0"):
            digits = "31" + digits[1:]
        condition |= Q(number__contains=digits)
    return queryset.filter(condition)


# --- The list -------------------------------------------------------------------------------


@require_GET
@product_required("mobile")
def index(request: PortalRequest) -> HttpResponse:
    filters = SubscriptionFilterForm(request.GET or None)
    subscriptions = _subscriptions(request).select_related("voicemail").order_by("number")
    if filters.is_valid():
        subscriptions = _search(subscriptions, filters.cleaned_data["q"])
        if filters.cleaned_data["kind"]:
            subscriptions = subscriptions.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["status"]:
            subscriptions = subscriptions.filter(status=filters.cleaned_data["status"])
    page = Paginator(subscriptions, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = _subscriptions(request).aggregate(
        total=Count("pk"),
        eligible=Count(
            "pk", filter=Q(kind=SubscriptionKind.VOICE_DATA) & ~Q(status=SubscriptionStatus.TERMINATED)
        ),
        **{
            f"vm_{status}": Count("voicemail", filter=Q(voicemail__status=status))
            for status in VoicemailStatus
        },
    )
    context = {
        "filters": filters,
        "page": page,
        "summary": summary,
        "voicemail_counts": [
            (VoicemailStatus(status), summary[f"vm_{status}"])
            for status in VoicemailStatus
            if summary[f"vm_{status}"]
        ],
    }
    if request.htmx and request.htmx.target == "subscription-results":
        return render(request, "mobile/index.html#results", context)
    return render(request, "mobile/index.html", context)


# --- One subscription -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@product_required("mobile")
def subscription_detail(request: PortalRequest, pk: int) -> HttpResponse:
    subscription = _get_subscription(request, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST":
        if subscription.is_terminated:
            messages.error(request, _("This subscription has been terminated and can no longer be changed."))
            return redirect("mobile:subscription", pk=subscription.pk)
        if form.is_valid():
            try:
                services.subscription_update(
                    subscription=subscription,
                    values=form.cleaned_data,
                    block_sim=form.cleaned_data["block_sim"],
                    by=request.user,
                    expected_version=form.expected_version,
                )
            except StaleEdit as exc:
                form.refuse_stale(exc, stored=_subscription_initial(exc.current))  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("mobile:subscription", pk=subscription.pk)
        subscription.refresh_from_db()
    voicemail = getattr(subscription, "voicemail", None)
    context = {"subscription": subscription, "form": form, "voicemail": voicemail}
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "mobile/subscription.html", context, status=status)


def _subscription_initial(subscription: Subscription) -> dict[str, Any]:
    """The stored values as the subscription form shows them."""
    values: dict[str, Any] = {"user_name": subscription.user_name, **subscription.limit_values()}
    values["block_sim"] = subscription.status == SubscriptionStatus.BLOCKED
    return values


# --- General mobile settings ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@product_required("mobile")
def mobile_settings(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    defaults = services.mobile_defaults_get(organisation=organisation)
    differing = services.subscriptions_differing_from_defaults(
        organisation=organisation, defaults=defaults
    ).count()
    form = MobileDefaultsForm(request.POST or None, instance=defaults)
    if request.method == "POST" and form.is_valid():
        try:
            services.mobile_defaults_update(
                organisation=organisation,
                values=form.cleaned_data,
                by=request.user,
                expected_version=form.expected_version,
            )
        except StaleEdit as exc:
            form.refuse_stale(exc, stored=exc.current.limit_values())  # type: ignore[attr-defined]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("mobile:settings")
    context = {"form": form, "differing": differing}
    status = 409 if form.stale else 400 if form.errors else 200
    return render(request, "mobile/settings.html", context, status=status)


@require_http_methods(["GET", "POST"])
@product_required("mobile")
def mobile_settings_apply(request: PortalRequest) -> HttpResponse:
    """Gives every existing subscription the general settings, after a confirmation with the count."""
    organisation = request.organisation
    if request.method == "POST":
        changed = services.mobile_defaults_apply_to_all(organisation=organisation, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d subscription now has the general mobile settings.",
                "%(count)d subscriptions now have the general mobile settings.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("mobile:settings")
    defaults = services.mobile_defaults_get(organisation=organisation)
    differing = services.subscriptions_differing_from_defaults(organisation=organisation, defaults=defaults)
    context = {
        "defaults": defaults,
        "count": differing.count(),
        "examples": list(differing.order_by("number")[:10]),
    }
    return render(request, "mobile/settings_apply.html", context)


# --- Business Voicemail ---------------------------------------------------------------------


@dataclass
class VoicemailRow:
    """One number on the Business Voicemail page: read-only, or editable with a form."""

    subscription: Subscription
    request: VoicemailRequest | None
    form: VoicemailRowForm | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def editing(self) -> bool:
        return self.form is not None

    @property
    def is_new(self) -> bool:
        return self.request is None

    @property
    def kind(self) -> str:
        return str(self.values.get("kind") or VoicemailKind.STANDARD)

    @property
    def preview(self) -> str:
        return standard_text(
            language=str(self.values.get("language") or VoicemailLanguage.DUTCH),
            company=str(self.values.get("company_name") or ""),
            person=str(self.values.get("person_name") or ""),
            function=str(self.values.get("function") or ""),
        )

    @property
    def own_text_length(self) -> int:
        return len(str(self.values.get("own_text") or ""))

    @property
    def expected_by(self) -> datetime | None:
        if self.request is None or self.request.status != VoicemailStatus.SUBMITTED:
            return None
        start = self.request.submitted_at or self.request.requested_at
        return start + timedelta(days=VOICEMAIL_MAX_DAYS) if start else None


def _prefix(subscription: Subscription) -> str:
    return f"vm{subscription.pk}"


def _initial(existing: VoicemailRequest | None, first: VoicemailRequest | None) -> dict[str, Any]:
    """An existing request shows its own values; a new one gets the first request's company data
    and text (R8.6)."""
    if existing is not None:
        return {name: getattr(existing, name) for name in [*services.VOICEMAIL_FIELDS, "version"]}
    initial: dict[str, Any] = {
        "version": 0,  # the page shows no request: one made meanwhile makes this row stale
        "kind": VoicemailKind.STANDARD,
        "language": VoicemailLanguage.DUTCH,
        "voice": VoicemailVoice.FEMALE,
    }
    if first is not None:
        initial.update(
            kind=first.kind,
            company_name=first.company_name,
            own_text=first.own_text,
            language=first.language,
            voice=first.voice,
        )
    return initial


def _editable_row(
    subscription: Subscription,
    first: VoicemailRequest | None,
    data: Any = None,
    *,
    keep_errors: bool = False,
) -> VoicemailRow:
    """A row with its form: bound to posted values when the page posted this row's fields."""
    existing = getattr(subscription, "voicemail", None)
    prefix = _prefix(subscription)
    initial = _initial(existing, first)
    if data is not None and f"{prefix}-kind" in data:
        form = VoicemailRowForm(data, prefix=prefix, initial=initial)
        if not keep_errors:
            # Shown again as typed, without complaining about fields not filled in yet.
            form = VoicemailRowForm(prefix=prefix, initial=form.current())
    else:
        form = VoicemailRowForm(prefix=prefix, initial=initial)
    if existing is not None:
        del form.fields["selected"]
    return VoicemailRow(subscription=subscription, request=existing, form=form, values=form.current())


def _readonly_row(subscription: Subscription) -> VoicemailRow:
    existing = getattr(subscription, "voicemail", None)
    values = {name: getattr(existing, name) for name in services.VOICEMAIL_FIELDS} if existing else {}
    return VoicemailRow(subscription=subscription, request=existing, values=values)


def _eligible(request: PortalRequest) -> QuerySet[Subscription]:
    return (
        _subscriptions(request)
        .filter(kind=SubscriptionKind.VOICE_DATA)
        .exclude(status=SubscriptionStatus.TERMINATED)
        .select_related("voicemail")
        .order_by("number")
    )


def _int_list(values: list[str]) -> list[int]:
    ids = parse_ids(values)
    if ids is None:
        raise Http404  # not an id of anything, here or elsewhere
    return ids


def _voicemail_context(request: PortalRequest, rows: list[VoicemailRow], **extra: Any) -> dict[str, Any]:
    counts = _subscriptions(request).aggregate(
        data_only=Count("pk", filter=Q(kind=SubscriptionKind.DATA_ONLY)),
    )
    return {
        "rows": rows,
        "data_only_count": counts["data_only"],
        "max_days": VOICEMAIL_MAX_DAYS,
        "standard_texts": STANDARD_TEXTS,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@product_required("mobile")
def business_voicemail(request: PortalRequest) -> HttpResponse:
    first = services.voicemail_first_request(organisation=request.organisation)
    if request.method == "POST":
        return _business_voicemail_post(request, first)
    row_id = request.GET.get("row")
    if request.htmx and row_id:
        return _business_voicemail_row(request, row_id, first)
    search = VoicemailSearchForm(request.GET or None)
    subscriptions = _eligible(request)
    if search.is_valid():
        subscriptions = _search(subscriptions, search.cleaned_data["q"])
    page = Paginator(subscriptions, VOICEMAIL_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        _readonly_row(subscription)
        if hasattr(subscription, "voicemail")
        else _editable_row(subscription, first)
        for subscription in page
    ]
    context = _voicemail_context(request, rows, page=page, search=search)
    return render(request, "mobile/business_voicemail.html", context)


def _business_voicemail_row(
    request: PortalRequest, row_id: str, first: VoicemailRequest | None
) -> HttpResponse:
    """htmx: one row again, editable ("Wijzig", another type of voicemail) or read-only ("Annuleren")."""
    subscription = get_object_or_404(_eligible(request), pk=_int_list([row_id])[0])
    if request.GET.get("mode") == "view" and hasattr(subscription, "voicemail"):
        row = _readonly_row(subscription)
    else:
        row = _editable_row(subscription, first, request.GET)
    context = {"row": row, "standard_texts": STANDARD_TEXTS, "max_days": VOICEMAIL_MAX_DAYS}
    return render(request, "mobile/business_voicemail.html#row", context)


def _business_voicemail_post(request: PortalRequest, first: VoicemailRequest | None) -> HttpResponse:
    """The whole page posts: "Aanvragen", or without JavaScript "Wijzig", "Annuleren" and another type."""
    post = request.POST
    ids = _int_list(post.getlist("rows"))
    subscriptions = list(
        _subscriptions(request).filter(pk__in=ids).select_related("voicemail").order_by("number")
    )
    if len(subscriptions) != len(ids):
        raise Http404  # a number of another organisation: it does not exist here
    refused = [s for s in subscriptions if not s.voicemail_eligible]
    if refused:
        messages.error(
            request,
            _(
                "Business Voicemail is not possible for %(numbers)s: only subscriptions with calls and data can get it."
            )
            % {"numbers": ", ".join(s.display_number for s in refused)},
        )
        subscriptions = [s for s in subscriptions if s.voicemail_eligible]
        shown = [
            _editable_row(s, first, post) if not hasattr(s, "voicemail") else _readonly_row(s)
            for s in subscriptions
        ]
        return render(
            request, "mobile/business_voicemail.html", _voicemail_context(request, shown), status=400
        )
    editing = set(_int_list(post.getlist("editing")))
    opened = _int_list([post["edit"]]) if post.get("edit") else []
    closed = _int_list([post["cancel"]]) if post.get("cancel") else []
    editing = (editing | set(opened)) - set(closed)
    submitting = post.get("action") == "submit"

    rows: list[VoicemailRow] = []
    changes: list[services.VoicemailChange] = []
    invalid = False
    for subscription in subscriptions:
        has_request = hasattr(subscription, "voicemail")
        if has_request and subscription.pk not in editing:
            rows.append(_readonly_row(subscription))
            continue
        if subscription.pk in opened:
            # Just opened with "Wijzig": the request as it is, whatever else was posted.
            rows.append(_editable_row(subscription, first))
            continue
        row = _editable_row(subscription, first, post, keep_errors=submitting)
        form = row.form
        assert form is not None
        wanted = form.is_bound and (has_request or form.filled_in)
        if submitting and wanted:
            if form.is_valid():
                values = {name: form.cleaned_data[name] for name in services.VOICEMAIL_FIELDS}
                changes.append(
                    services.VoicemailChange(
                        subscription=subscription, values=values, expected_version=form.expected_version
                    )
                )
            else:
                invalid = True
        elif form.is_bound:
            row = _editable_row(subscription, first, post)
        rows.append(row)

    if submitting and not invalid:
        try:
            saved = services.voicemail_requests_submit(
                organisation=request.organisation, changes=changes, by=request.user
            )
        except StaleEdit as exc:
            current = exc.current
            for row in rows:
                if row.form is not None and row.subscription.pk == current.subscription_id:  # type: ignore[attr-defined]
                    row.form.refuse_stale(exc, stored=_initial(current, None))  # type: ignore[arg-type]
                    row.request = current  # type: ignore[assignment]
            return render(
                request,
                "mobile/business_voicemail.html",
                _voicemail_context(request, rows, page=None, search=None),
                status=409,
            )
        except ValidationError as exc:  # e.g. the number was made data-only meanwhile
            messages.error(request, " ".join(exc.messages))
            return render(
                request,
                "mobile/business_voicemail.html",
                _voicemail_context(request, rows, page=None, search=None),
                status=400,
            )
        else:
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d Business Voicemail request saved; it goes to the recording studio.",
                        "%(count)d Business Voicemail requests saved; they go to the recording studio.",
                        len(saved),
                    )
                    % {"count": len(saved)},
                )
            else:
                messages.info(
                    request,
                    _(
                        "There was nothing new or changed to request. Fill in the details at the numbers "
                        "you want Business Voicemail for."
                    ),
                )
            return redirect(request.get_full_path())
    if invalid:
        messages.error(request, _("Not everything is filled in correctly; see the numbers marked below."))
    status = 400 if invalid else 200
    return render(
        request,
        "mobile/business_voicemail.html",
        _voicemail_context(request, rows, page=None, search=None),
        status=status,
    )
