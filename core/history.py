"""The fields every historical row carries (simple-history `bases`), see core.changes.

Kept free of model imports (string references only) so that accounts.models can use it
while core.models imports accounts.
"""

from __future__ import annotations

from django.db import models


class HistoricalBase(models.Model):
    """Each historical row points at its change record and carries its organisation.

    Filled in by core.changes when the row is written, also for child rows (time ranges,
    holiday entries) that have no organisation field of their own, so that an organisation's
    history is one indexed query per kind of object.
    """

    change = models.ForeignKey(
        "core.ChangeRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    history_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        abstract = True
