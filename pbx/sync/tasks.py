"""Pushing the configuration to the PBX. Thin, idempotent, safe to run twice (DESIGN.md)."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from core.models import PbxSync

from . import render as config
from .client import PbxClient, PbxError

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 600


def get_client() -> PbxClient:
    return PbxClient(settings.PBX_URL, settings.PBX_TOKEN, timeout=settings.PBX_TIMEOUT)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: 5 s, 10 s, 20 s … at most 10 minutes."""
    base: float = min(MAX_BACKOFF_SECONDS, 5 * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.75, 1.25)


@shared_task(name="pbx.tasks.push_config", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def push_config(self: Any, organisation_id: int) -> str:
    with scopes_disabled():
        sync = PbxSync.objects.select_related("organisation").filter(organisation_id=organisation_id).first()
        if sync is None or sync.in_sync:
            return "in sync"
        # Read the revision before rendering: the document is then at least as new as the
        # revision it is sent with, so the PBX can never keep an older document under a newer number.
        revision = sync.desired_revision
        document = config.render(sync.organisation)
        now = timezone.now()
        try:
            with get_client() as client:
                result = client.push_config(organisation_id, revision, document)
        except PbxError as exc:
            attempts = sync.attempts + 1
            delay = backoff_seconds(attempts)
            PbxSync.objects.filter(pk=sync.pk).update(
                last_attempt_at=now,
                last_error=exc.user_message,
                last_error_retryable=exc.retryable,
                failed_revision=revision,
                attempts=attempts,
            )
            log.warning("PBX push for organisation %s failed: %s", organisation_id, exc.user_message)
            if not exc.retryable:
                PbxSync.objects.filter(pk=sync.pk).update(next_attempt_at=None)
                return "rejected"
            # One retry chain per organisation: a push that fails while another one already
            # holds a later retry slot just stops (claimed with a conditional update).
            claimed = (
                PbxSync.objects.filter(pk=sync.pk)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .update(next_attempt_at=now + timedelta(seconds=delay))
            )
            # Eager runs (unit tests) would retry in-line forever; reconcile covers them.
            if claimed and not self.request.is_eager:
                raise self.retry(countdown=delay, exc=exc) from exc
            return "failed"
        if result.applied_revision > revision:
            # The PBX runs a revision beyond anything this portal asked for (a restored
            # database, a reused id): it is running a document we never rendered. Move our
            # revision past it and push again, instead of calling that "applied".
            moved = PbxSync.objects.filter(pk=sync.pk, desired_revision__lt=result.applied_revision).update(
                desired_revision=result.applied_revision + 1, pending_since=now
            )
            if moved:
                log.warning(
                    "PBX of organisation %s is at revision %s, ahead of the portal; pushing past it",
                    organisation_id,
                    result.applied_revision,
                )
                push_config.delay(organisation_id)
                return "pbx ahead"
        applied = max(result.applied_revision, revision)
        # Conditional update: a slower, older push never moves applied_revision backwards.
        PbxSync.objects.filter(pk=sync.pk, applied_revision__lt=applied).update(
            applied_revision=applied, applied_at=now
        )
        PbxSync.objects.filter(pk=sync.pk).update(
            last_attempt_at=now, last_error="", attempts=0, next_attempt_at=None, failed_revision=None
        )
        return "applied"


@shared_task(name="pbx.tasks.reconcile", acks_late=True, ignore_result=True)
def reconcile() -> int:
    """Re-queues every organisation whose PBX is behind; a lost push only delays."""
    now = timezone.now()
    with scopes_disabled():
        behind = PbxSync.objects.filter(applied_revision__lt=F("desired_revision")).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        # A document the PBX refused is not sent again until it changes.
        behind = behind.exclude(last_error_retryable=False, failed_revision=F("desired_revision"))
        ids = list(behind.values_list("organisation_id", flat=True)[:5000])
    for organisation_id in ids:
        push_config.delay(organisation_id)
    return len(ids)
