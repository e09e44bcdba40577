"""Desired state, pushed by revision (DESIGN.md): bump in the transaction, push on commit.

Every feature that changes what the PBX document contains calls config_changed() inside its
transaction. The push itself is the pbx app's task, found by name, so that no feature imports
the Telefooncentrale to announce a change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_app
from django.db import transaction
from django.db.models import Case, F, Subquery, Value, When
from django.utils import timezone

from accounts.models import Organisation

from .changes import current_change
from .models import ChangeRecord, PbxSync

log = logging.getLogger(__name__)
PUSH_TASK = "pbx.tasks.push_config"
BROKER_RETRY_SECONDS = 5.0
_broker_down_until = 0.0
# Inside one_revision(): the organisations whose configuration changed, bumped once on leaving.
_batch: ContextVar[dict[int, Organisation] | None] = ContextVar("revision_batch", default=None)


@contextmanager
def one_revision() -> Iterator[None]:
    """Many changes, one revision and one push (the CSV import: 300 users, not 300 pushes).

    Inside, config_changed only notes the organisation; leaving normally bumps each noted
    organisation once (still inside the caller's transaction and change record). Leaving by an
    exception bumps nothing: the caller's transaction is rolled back anyway. Nested: the outer
    batch decides.
    """
    if _batch.get() is not None:
        yield
        return
    pending: dict[int, Organisation] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for organisation in pending.values():
        config_changed(organisation=organisation)


def config_changed(*, organisation: Organisation) -> None:
    """Call inside the transaction of every change that affects the PBX configuration."""
    pending = _batch.get()
    if pending is not None:
        pending[organisation.pk] = organisation
        return
    PbxSync.objects.with_scopes_disabled().get_or_create(organisation=organisation)
    PbxSync.objects.with_scopes_disabled().filter(organisation=organisation).update(
        desired_revision=F("desired_revision") + 1,
        pending_since=Case(
            When(applied_revision__gte=F("desired_revision"), then=Value(timezone.now())),
            default=F("pending_since"),
        ),
    )
    record = current_change()
    if record is not None:
        # The change record says which revision its change went out in (one UPDATE, no read).
        revision = PbxSync.objects.with_scopes_disabled().filter(organisation=organisation)
        ChangeRecord.objects.with_scopes_disabled().filter(pk=record.pk).update(
            pbx_revision=Subquery(revision.values("desired_revision")[:1])
        )
    organisation_id = organisation.pk
    transaction.on_commit(lambda: queue_push(organisation_id))


def queue_push(organisation_id: int, *, force: bool = False) -> None:
    """Queues the push now (never delayed in the broker). force: push even when in sync (staff)."""
    # A broker that is down must neither break nor hold up the user's save: no publish retries, and
    # for a few seconds after a failure no new attempt (each costs the connect timeout). The
    # periodic reconcile pushes every organisation that is behind once the broker is back.
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        log.warning("Broker unreachable: PBX push for organisation %s left to reconcile", organisation_id)
        return
    try:
        current_app.tasks[PUSH_TASK].apply_async(
            args=[organisation_id], kwargs={"force": True} if force else {}, retry=False
        )
    except Exception as exc:
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        log.warning("Could not queue PBX push for organisation %s: %r", organisation_id, exc)
