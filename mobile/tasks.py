"""Business Voicemail in the background: to the studio, back when ready, mail. Thin and idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services
from .studio import StudioError

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def send_to_studio(request_id: int) -> str:
    try:
        return services.voicemail_send_to_studio(request_id=request_id)
    except StudioError as exc:
        # No retry waiting in the broker (a delayed task held by Redis is lost, or takes the
        # worker down, when Redis restarts): the request stays "Concept" and the periodic
        # sweep (advance_voicemail_statuses) sends it again.
        log.warning("Studio unavailable for voicemail request %s: %s", request_id, exc)
        return "studio unavailable"


@shared_task(acks_late=True, ignore_result=True)
def advance_voicemail_statuses() -> dict[str, int]:
    """Periodic: resends requests whose send was lost, and collects the recorded voicemails."""
    stale = services.voicemail_stale_concepts()
    for request_id in stale:
        send_to_studio.delay(request_id)
    return {"resent": len(stale), "ready": services.voicemail_collect_ready()}


@shared_task(acks_late=True, ignore_result=True)
def mail_voicemail_ready(request_id: int) -> bool:
    return services.voicemail_send_ready_mail(request_id=request_id)
