"""Writes on subscriptions, mobile defaults and Business Voicemail requests (STYLE.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce, wraps
from operator import and_
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_scopes import scope
from simple_history.utils import bulk_update_with_history

from accounts.models import Organisation, User
from core.changes import recorded
from core.versioning import claim_version

from . import studio
from .models import (
    LimitsAndBlocking,
    MobileDefaults,
    Subscription,
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailRequest,
    VoicemailStatus,
)

log = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])

# The fields the customer fills in for a Business Voicemail request.
VOICEMAIL_FIELDS = ["kind", "company_name", "person_name", "function", "own_text", "language", "voice"]
# A request still in "Concept" this long after it was made is sent again by the periodic task.
RESEND_AFTER = timedelta(minutes=2)


def _set_history_user(instance: Any, by: User | None) -> None:
    if by is not None:
        instance._history_user = by


# --- Subscriptions and defaults -------------------------------------------------------------


def mobile_defaults_get(*, organisation: Organisation) -> MobileDefaults:
    defaults = MobileDefaults.objects.filter(organisation=organisation).first()
    return defaults or MobileDefaults(organisation=organisation)


@recorded(gettext_noop("Default mobile settings changed"))
@transaction.atomic
def mobile_defaults_update(
    *,
    organisation: Organisation,
    values: dict[str, Any],
    by: User | None = None,
    expected_version: int | None = None,
) -> MobileDefaults:
    defaults = mobile_defaults_get(organisation=organisation)
    if defaults.pk:
        defaults = MobileDefaults.objects.select_for_update().get(pk=defaults.pk)
    claim_version(defaults, expected_version=expected_version)
    for name in LimitsAndBlocking.DEFAULT_FIELDS:
        if name in values:
            setattr(defaults, name, values[name])
    defaults.full_clean()
    _set_history_user(defaults, by)
    defaults.save()
    return defaults


@recorded(gettext_noop("Subscription added"))
@transaction.atomic
def subscription_create(
    *,
    organisation: Organisation,
    number: str,
    user_name: str = "",
    kind: str = SubscriptionKind.VOICE_DATA,
    status: str = SubscriptionStatus.ACTIVE,
    by: User | None = None,
) -> Subscription:
    """A new subscription, with the organisation's general mobile settings (R8.1)."""
    defaults = mobile_defaults_get(organisation=organisation)
    subscription = Subscription(
        organisation=organisation,
        number=number,
        user_name=user_name,
        kind=kind,
        status=status,
        **defaults.limit_values(),
    )
    subscription.full_clean()
    _set_history_user(subscription, by)
    subscription.save()
    return subscription


@recorded(gettext_noop("Subscription changed"))
@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    values: dict[str, Any],
    block_sim: bool | None = None,
    by: User | None = None,
    expected_version: int | None = None,
) -> Subscription:
    """Changes the user name, limits and blocking; ``block_sim`` blocks or frees the whole SIM."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_terminated:
        raise ValidationError(_("This subscription has been terminated and can no longer be changed."))
    claim_version(subscription, expected_version=expected_version)
    for name in ["user_name", *LimitsAndBlocking.DEFAULT_FIELDS]:
        if name in values:
            setattr(subscription, name, values[name])
    if block_sim is not None:
        subscription.status = SubscriptionStatus.BLOCKED if block_sim else SubscriptionStatus.ACTIVE
    subscription.full_clean()
    _set_history_user(subscription, by)
    subscription.save()
    return subscription


def _differs_from(defaults: MobileDefaults) -> Q:
    same = [
        Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
        for name, value in defaults.limit_values().items()
    ]
    return ~reduce(and_, same)


def subscriptions_differing_from_defaults(
    *, organisation: Organisation, defaults: MobileDefaults
) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(organisation=organisation)
        .exclude(status=SubscriptionStatus.TERMINATED)
        .filter(_differs_from(defaults))
    )


@recorded(gettext_noop("Default mobile settings applied to all subscriptions"))
@transaction.atomic
def mobile_defaults_apply_to_all(*, organisation: Organisation, by: User | None = None) -> int:
    """Gives every (not terminated) subscription the general settings; returns how many changed."""
    defaults = mobile_defaults_get(organisation=organisation)
    changed = list(
        subscriptions_differing_from_defaults(
            organisation=organisation, defaults=defaults
        ).select_for_update()
    )
    values = defaults.limit_values()
    now = timezone.now()
    for subscription in changed:
        for name, value in values.items():
            setattr(subscription, name, value)
        subscription.updated_at = now
        subscription.version += 1  # locked above: a page loaded before this is now stale
    bulk_update_with_history(
        changed,
        Subscription,
        [*values, "updated_at", "version"],
        batch_size=500,
        default_user=by,
        default_change_reason="general mobile settings applied",
    )
    return len(changed)


# --- Business Voicemail ---------------------------------------------------------------------


@dataclass(frozen=True)
class VoicemailChange:
    """One row of the Business Voicemail page that the customer asks to (re)submit."""

    subscription: Subscription
    values: dict[str, Any]
    # The version of the request the page showed; 0: the page showed no request yet.
    expected_version: int | None = None


def voicemail_first_request(*, organisation: Organisation) -> VoicemailRequest | None:
    """The organisation's first request; its company data and text fill in the next ones (R8.6)."""
    return (
        VoicemailRequest.objects.filter(organisation=organisation)
        .order_by("requested_at", "pk")
        .only(*VOICEMAIL_FIELDS, "organisation_id", "subscription_id")
        .first()
    )


def voicemail_is_changed(request: VoicemailRequest, values: dict[str, Any]) -> bool:
    """Whether these values differ from the request in anything the studio records."""
    relevant = ["kind", "language", "voice"]
    relevant += ["own_text"] if values.get("kind") == "own" else ["company_name", "person_name", "function"]
    return any((values.get(name) or "") != (getattr(request, name) or "") for name in relevant)


def _queue_send(request_id: int) -> None:
    from .tasks import send_to_studio

    transaction.on_commit(lambda: send_to_studio.delay(request_id))


@recorded(gettext_noop("Business Voicemail requested"))
@transaction.atomic
def voicemail_requests_submit(
    *, organisation: Organisation, changes: Iterable[VoicemailChange], by: User | None = None
) -> list[VoicemailRequest]:
    """ "Aanvragen": saves every new and changed request in one go and queues them for the studio.

    Refuses the whole batch when one number is data-only, terminated or of another
    organisation (R8.5). An unchanged request stays as it is, unless it was rejected.
    """
    now = timezone.now()
    saved: list[VoicemailRequest] = []
    for change in changes:
        subscription = change.subscription
        if subscription.organisation_id != organisation.pk:
            raise ValidationError(_("This subscription belongs to another organisation."))
        if not subscription.voicemail_eligible:
            raise ValidationError(
                _("%(number)s cannot get Business Voicemail: it is a data-only subscription.")
                % {"number": subscription.display_number}
                if subscription.kind == SubscriptionKind.DATA_ONLY
                else _("%(number)s cannot get Business Voicemail: the subscription has been terminated.")
                % {"number": subscription.display_number}
            )
        request = VoicemailRequest.objects.select_for_update().filter(subscription=subscription).first()
        if request is None:
            request = VoicemailRequest(organisation=organisation, subscription=subscription, version=0)
        elif not voicemail_is_changed(request, change.values) and not request.is_rejected:
            continue
        for name in VOICEMAIL_FIELDS:
            if name in change.values:
                setattr(request, name, change.values[name] or "")
        if request.pk is None:
            request.version = 1
        else:
            claim_version(request, expected_version=change.expected_version)
        request.status = VoicemailStatus.CONCEPT
        request.reject_reason = ""
        request.studio_reference = ""
        request.requested_at = now
        request.submitted_at = None
        request.ready_at = None
        request.ready_mailed_at = None
        request.full_clean()
        _set_history_user(request, by)
        request.save()
        _queue_send(request.pk)
        saved.append(request)
    return saved


def _organisation_of(request_id: int) -> int | None:
    # Cross-tenant on purpose, and only an id: which organisation a task's request belongs to.
    return (
        VoicemailRequest.objects.with_scopes_disabled()
        .filter(pk=request_id)
        .values_list("organisation_id", flat=True)
        .first()
    )


def _in_its_scope(function: _F) -> _F:
    """Runs a service for one request inside its organisation's scope, as a page does (DESIGN.md):
    a query that forgets the tenant raises instead of reaching another organisation's rows."""

    @wraps(function)
    def run(*args: Any, request_id: int, **kwargs: Any) -> Any:
        with scope(organisation=_organisation_of(request_id)):
            return function(*args, request_id=request_id, **kwargs)

    return cast(_F, run)


def _record_history(request_id: int, reason: str, by: User | None = None) -> None:
    """Writes the history row for a change made by a conditional UPDATE."""
    request = VoicemailRequest.objects.get(pk=request_id)
    VoicemailRequest.history.bulk_history_create(
        [request], update=True, default_change_reason=reason, default_user=by
    )


@_in_its_scope
def voicemail_send_to_studio(*, request_id: int) -> str:
    """Sends one "Concept" request to the studio; safe to run twice or concurrently.

    The studio is asked first; the status moves on only by a conditional UPDATE on the
    version that was sent, so of two runs exactly one records its reference, and a change
    made meanwhile stays "Concept" (its own task sends it).
    """
    request = VoicemailRequest.objects.select_related("subscription").filter(pk=request_id).first()
    if request is None or request.status != VoicemailStatus.CONCEPT:
        return "nothing to do"
    order = studio.StudioOrder(
        request_id=request.pk,
        version=request.version,
        number=request.subscription.number,
        language=request.language,
        voice=request.voice,
        text=request.text,
    )
    reference = studio.submit(order)
    with transaction.atomic():
        claimed = VoicemailRequest.objects.filter(
            pk=request.pk, status=VoicemailStatus.CONCEPT, version=request.version
        ).update(status=VoicemailStatus.SUBMITTED, studio_reference=reference, submitted_at=timezone.now())
        if claimed:
            _record_history(request.pk, "sent to the studio")
    return "submitted" if claimed else "changed meanwhile"


@_in_its_scope
def voicemail_mark_ready(*, request_id: int, reference: str | None = None, by: User | None = None) -> bool:
    """Moves a submitted request to "Voicemail is klaar" and mails the organisation, once.

    With a reference only the order of that reference counts: a request changed since then
    waits for its new recording.
    """
    with transaction.atomic():
        pending = VoicemailRequest.objects.filter(
            pk=request_id, status__in=[VoicemailStatus.SUBMITTED, VoicemailStatus.CONCEPT]
        )
        if reference is not None:
            pending = pending.filter(status=VoicemailStatus.SUBMITTED, studio_reference=reference)
        done = pending.update(status=VoicemailStatus.READY, ready_at=timezone.now(), reject_reason="")
        if done:
            _record_history(request_id, "voicemail ready", by)
            transaction.on_commit(lambda: _queue_ready_mail(request_id))
    return bool(done)


def _queue_ready_mail(request_id: int) -> None:
    from .tasks import mail_voicemail_ready

    mail_voicemail_ready.delay(request_id)


@_in_its_scope
@transaction.atomic
def voicemail_mark_submitted(*, request_id: int, reference: str = "", by: User | None = None) -> bool:
    """Staff: the request went to the studio by another way."""
    request = VoicemailRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in (VoicemailStatus.CONCEPT, VoicemailStatus.REJECTED):
        return False
    request.status = VoicemailStatus.SUBMITTED
    request.submitted_at = timezone.now()
    request.studio_reference = reference or f"STAFF-{request.pk}-{request.version}"
    request.reject_reason = ""
    _set_history_user(request, by)
    request.save()
    return True


@_in_its_scope
@transaction.atomic
def voicemail_reject(*, request_id: int, reason: str, by: User | None = None) -> bool:
    """Staff: the studio cannot record this request; the customer sees why and can change it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Enter the reason for the rejection; the customer sees it."))
    request = VoicemailRequest.objects.select_for_update().get(pk=request_id)
    if request.status == VoicemailStatus.READY:
        return False
    request.status = VoicemailStatus.REJECTED
    request.reject_reason = reason[:300]
    _set_history_user(request, by)
    request.save()
    return True


@_in_its_scope
def voicemail_send_ready_mail(*, request_id: int) -> bool:
    """Mails the organisation that a voicemail is ready; at most once per recording."""
    with transaction.atomic():
        claimed = VoicemailRequest.objects.filter(
            pk=request_id, status=VoicemailStatus.READY, ready_mailed_at__isnull=True
        ).update(ready_mailed_at=timezone.now())
    if not claimed:
        return False
    request = VoicemailRequest.objects.select_related("subscription", "organisation").get(pk=request_id)
    organisation = request.organisation
    recipient = organisation.notification_email or organisation.contact_email
    if not recipient:
        log.info("No address to tell %s that voicemail %s is ready", organisation, request.pk)
        return False
    context = {"request": request, "organisation": organisation, "subscription": request.subscription}
    with translation.override(organisation.language or settings.LANGUAGE_CODE):
        subject = _("Business Voicemail for %(number)s is ready") % {
            "number": request.subscription.display_number
        }
        body = render_to_string("mobile/email/voicemail_ready.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [recipient])
    return True


def voicemail_stale_concepts(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """ "Concept" requests whose send was lost (worker or broker down): the sweep sends them again."""
    now = now or timezone.now()
    # A sweep over every organisation that reads only ids; each send enters its own scope.
    return list(
        VoicemailRequest.objects.with_scopes_disabled()
        .filter(status=VoicemailStatus.CONCEPT, requested_at__lte=now - RESEND_AFTER)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:limit]
    )


def voicemail_collect_ready(*, limit: int = 5000) -> int:
    """Asks the studio about every submitted request and moves the recorded ones to ready."""
    # A sweep over every organisation that reads only ids and references; marking one ready
    # enters that request's organisation's scope.
    submitted = list(
        VoicemailRequest.objects.with_scopes_disabled()
        .filter(status=VoicemailStatus.SUBMITTED)
        .exclude(studio_reference="")
        .order_by("submitted_at")
        .values_list("pk", "studio_reference")[:limit]
    )
    ready = 0
    for request_id, reference in submitted:
        if studio.is_ready(reference) and voicemail_mark_ready(request_id=request_id, reference=reference):
            ready += 1
    return ready
