"""Business Voicemail in the background: to the studio, back when ready, mail. Thin and idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services
from .studio import StudioError


@shared_task(bind=True, acks_late=True, max_retries=8, ignore_result=True)
def send_to_studio(self: Any, request_id: int) -> str:
    try:
        return services.voicemail_send_to_studio(request_id=request_id)
    except StudioError as exc:
        # The periodic sweep also resends forgotten requests; retrying here is only quicker.
        if self.request.is_eager:
            return "studio unavailable"
        raise self.retry(countdown=min(600, 10 * 2**self.request.retries), exc=exc) from exc


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
