"""Retention of the history (issue 14): older change records and historical rows are pruned.
And of the CSV uploads a preview kept but nobody applied (IMPORT_UPLOAD_HOURS, default 24).

HISTORY_RETENTION_DAYS (default 730). Per object the newest row from before the cut-off is
kept, so the oldest remaining change can still be shown and put back. Deletes in batches, so
a first run on years of history holds no long lock.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from . import uploads
from .history_lines import kinds
from .models import ChangeRecord

BATCH = 1000


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def prune_history() -> int:
    """Removes what is older than the retention; returns how many rows and records went."""
    cutoff = timezone.now() - timedelta(days=settings.HISTORY_RETENTION_DAYS)
    removed = 0
    for kind in kinds().values():
        manager = kind.historical._default_manager
        old = manager.filter(history_date__lt=cutoff)
        newest_per_object = old.values("id").annotate(newest=Max("history_id")).values("newest")
        while True:
            batch = list(
                old.exclude(history_id__in=newest_per_object).values_list("history_id", flat=True)[:BATCH]
            )
            if not batch:
                break
            manager.filter(history_id__in=batch).delete()
            removed += len(batch)
    records = ChangeRecord.objects.with_scopes_disabled()
    while True:
        batch = list(records.filter(at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
        if not batch:
            break
        records.filter(pk__in=batch).delete()
        removed += len(batch)
    return removed


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def prune_import_uploads() -> int:
    """Deletes CSV uploads older than IMPORT_UPLOAD_HOURS: a preview nobody applied. Applying
    later says the file is gone and asks to upload it again; nothing is half written."""
    return uploads.prune("imports", older_than=timedelta(hours=settings.IMPORT_UPLOAD_HOURS))
