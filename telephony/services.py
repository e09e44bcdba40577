from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import Organisation, User
from core.changes import recorded
from core.revision import config_changed
from core.versioning import claim_version

from .models import CallBarring


def call_barring_get(*, organisation: Organisation) -> CallBarring:
    barring = CallBarring.objects.filter(organisation=organisation).first()
    return barring or CallBarring(organisation=organisation)


@recorded(gettext_noop("Call barring changed"))
@transaction.atomic
def call_barring_update(
    *, organisation: Organisation, by: User | None, expected_version: int | None = None, **blocked: bool
) -> tuple[CallBarring, bool]:
    """Sets which outgoing calls are blocked; returns (barring, changed).

    A save from a page loaded at another version than ``expected_version`` raises StaleEdit,
    unless it asks for exactly what is stored.
    """
    barring = call_barring_get(organisation=organisation)
    before = barring.as_dict() if barring.pk else None
    for field in CallBarring.FIELDS:
        setattr(barring, field, bool(blocked.get(field, False)))
    changed = before != barring.as_dict()
    if changed:
        claim_version(barring, expected_version=expected_version)
        barring.full_clean()
        barring.save()
        config_changed(organisation=organisation)
    return barring, changed
