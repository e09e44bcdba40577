"""Pushing the configuration to the PBX. Thin, idempotent, safe to run twice (DESIGN.md).

Retries live in the database, never in the broker: a failed push records when the next attempt is due
(PbxSync.next_attempt_at, a capped exponential backoff) and the periodic reconcile pushes what is due. No task
waits in the broker (no countdown, no eta): delayed tasks held by a Redis broker are lost, or take the worker
down, when Redis goes away (celery#1307, kombu#582). When the last attempt could not reach the PBX at all,
reconcile asks the PBX's health check and pushes as soon as it answers again: recovery follows the PBX, not
the backoff and not the number of changes made during the outage.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Organisation
from core import uploads
from core.models import PbxSync
from pbx.models import Greeting

from . import render as config
from .client import PbxClient, PbxError, PbxUnavailable

log = logging.getLogger(__name__)
FIRST_BACKOFF_SECONDS = 5
# Low enough that a PBX answering errors again is retried well within 30 s of its recovery.
MAX_BACKOFF_SECONDS = 20
# How long a push queued by reconcile holds the organisation's slot: a push lost on the way (a worker
# killed mid-push leaves its task unacknowledged in the broker for an hour) is queued again after this.
CLAIM_SECONDS = 15
HEALTH_TIMEOUT_SECONDS = 2.0
RECONCILE_BATCH = 5000


def get_client() -> PbxClient:
    return PbxClient(settings.PBX_URL, settings.PBX_TOKEN, timeout=settings.PBX_TIMEOUT)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with ±25 % jitter: about 5 s, 10 s, then never more than 20 s."""
    base = FIRST_BACKOFF_SECONDS * 2 ** min(max(0, attempts - 1), 10)
    return min(float(MAX_BACKOFF_SECONDS), base * random.uniform(0.75, 1.25))


@shared_task(name="pbx.tasks.push_config", acks_late=True, ignore_result=True)
def push_config(organisation_id: int, force: bool = False, scheduled: bool = False) -> str:
    """Pushes the organisation's current document when the PBX is behind.

    force: staff's "Push now": pushes even when the portal believes the PBX is in sync, and now.
    scheduled: queued by reconcile because the next attempt is due; a push queued by a change while the
    organisation waits out a failure's backoff leaves the attempt to reconcile instead.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return "no organisation"
    # Background work runs in the tenant scope of the organisation it works for, like a request.
    with scope(organisation=organisation):
        return _push(organisation, force=force, scheduled=scheduled)


def _push(organisation: Organisation, *, force: bool, scheduled: bool) -> str:
    rows = PbxSync.objects.filter(organisation=organisation)
    if force:
        # The PBX ignores a revision it already has: a forced push goes out under a new one, so the PBX
        # really applies the document (after a restored PBX database, a changed document format, ...).
        rows.filter(applied_revision__gte=F("desired_revision")).update(
            desired_revision=F("desired_revision") + 1, pending_since=timezone.now()
        )
    sync = rows.first()
    if sync is None or sync.in_sync:
        return "in sync"
    now = timezone.now()
    if not (force or scheduled) and sync.attempts and (sync.next_attempt_at or now) > now:
        # In an outage: the attempt is reconcile's, when it is due or as soon as the PBX answers again.
        return "waiting"
    # Read the revision before rendering: the document is then at least as new as the
    # revision it is sent with, so the PBX can never keep an older document under a newer number.
    revision = sync.desired_revision
    document = config.render(organisation)
    try:
        with get_client() as client:
            # The PBX refuses a document that refers to audio it does not have: greetings go first.
            upload_audio(client, organisation, config.audio_references(document))
            result = client.push_config(organisation.pk, revision, document)
    except PbxError as exc:
        return _record_failure(sync, revision, exc)
    if result.applied_revision > revision:
        # The PBX runs a revision beyond anything this portal asked for (a restored
        # database, a reused id): it is running a document we never rendered. Move our
        # revision past it and push again, instead of calling that "applied".
        moved = rows.filter(desired_revision__lt=result.applied_revision).update(
            desired_revision=result.applied_revision + 1, pending_since=now
        )
        if moved:
            log.warning(
                "PBX of organisation %s is at revision %s, ahead of the portal; pushing past it",
                organisation.pk,
                result.applied_revision,
            )
            push_config.delay(organisation.pk, force=force, scheduled=True)
            return "pbx ahead"
    applied = max(result.applied_revision, revision)
    # Conditional update: a slower, older push never moves applied_revision backwards.
    rows.filter(applied_revision__lt=applied).update(applied_revision=applied, applied_at=now)
    # The outage (if any) is over: its attempts start again from zero.
    rows.update(
        last_attempt_at=now,
        last_error="",
        last_error_code="",
        last_error_params={},
        attempts=0,
        next_attempt_at=None,
        failed_revision=None,
        waiting_for_pbx=False,
    )
    return "applied"


def upload_audio(client: PbxClient, organisation: Organisation, needed: set[str]) -> int:
    """Uploads the audio files among `needed` (sha256s) that the PBX lacks; returns how many.

    One request learns what the PBX has; a document without greetings costs no request at all. A file
    missing from the portal's own storage is logged and left out: the PBX then refuses the document
    with that greeting as its reason, which the status line shows.
    """
    if not needed:
        return 0
    missing = needed - client.audio_present(organisation.pk)
    greetings = Greeting.objects.filter(organisation=organisation, sha256__in=missing).order_by("sha256")
    uploaded = 0
    for greeting in greetings:
        try:
            data = uploads.read(greeting.path)
        except OSError:
            log.error(
                "greeting %s of organisation %s is missing from storage", greeting.sha256, organisation.pk
            )
            continue
        client.put_audio(organisation.pk, greeting.sha256, data)
        uploaded += 1
    return uploaded


def _record_failure(sync: PbxSync, revision: int, exc: PbxError) -> str:
    now = timezone.now()
    log.warning("PBX push for organisation %s failed: %s", sync.organisation_id, exc)
    # A concurrent push that got through makes this failure history: record nothing then.
    rows = PbxSync.objects.filter(pk=sync.pk, applied_revision__lt=revision)
    rows.update(
        last_attempt_at=now,
        last_error=str(exc)[:2000],
        last_error_code=exc.code,
        last_error_params=exc.params,
        last_error_retryable=exc.retryable,
        failed_revision=revision,
        waiting_for_pbx=isinstance(exc, PbxUnavailable),
    )
    if not exc.retryable:
        # Sending the same document again cannot help; the next change is pushed at once.
        rows.update(attempts=F("attempts") + 1, next_attempt_at=None)
        return "rejected"
    # Attempts count per outage, not per change: of the pushes that fail together (several changes queued
    # at once), only the one that still finds the slot it read claims the next slot and counts (a
    # compare-and-set in one UPDATE); the others fail quietly.
    rows = rows.filter(_slot_is(sync.next_attempt_at))
    rows.update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=backoff_seconds(sync.attempts + 1)),
    )
    return "failed"


def _slot_is(value: datetime | None) -> Q:
    return Q(next_attempt_at__isnull=True) if value is None else Q(next_attempt_at=value)


def pbx_answers() -> bool:
    with get_client() as client:
        return client.health(timeout=min(HEALTH_TIMEOUT_SECONDS, settings.PBX_TIMEOUT))


@shared_task(name="pbx.tasks.reconcile", acks_late=True, ignore_result=True)
def reconcile() -> int:
    """Queues a push for every organisation whose PBX is behind and whose attempt is due; when the PBX
    answers again after it could not be reached, also for those still waiting out their backoff.

    Runs every PBX_RECONCILE_SECONDS across all organisations, so without a tenant scope: it reads ids only
    (through the partial index on the organisations that are behind); each push enters its own scope.
    """
    now = timezone.now()
    with scopes_disabled():
        behind = PbxSync.objects.filter(applied_revision__lt=F("desired_revision"))
        # A document the PBX refused is not sent again until it changes.
        behind = behind.exclude(last_error_retryable=False, failed_revision=F("desired_revision"))
        due = behind.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        ids = list(due.values_list("organisation_id", flat=True)[:RECONCILE_BATCH])
        waiting = behind.filter(next_attempt_at__gt=now, waiting_for_pbx=True)
        if len(ids) < RECONCILE_BATCH and waiting.exists() and pbx_answers():
            ids += waiting.values_list("organisation_id", flat=True)[: RECONCILE_BATCH - len(ids)]
        # Claim: the next reconciles leave these alone while their push is on its way (or lost). Only
        # while still behind: a push that finished since the read above must not be left with a claim.
        PbxSync.objects.filter(organisation_id__in=ids, applied_revision__lt=F("desired_revision")).update(
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS), waiting_for_pbx=False
        )
    for organisation_id in ids:
        push_config.delay(organisation_id, scheduled=True)
    return len(ids)
