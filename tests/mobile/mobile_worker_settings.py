"""Settings for the Celery worker of the Business Voicemail integration test: the production settings,
with a studio that records in two seconds and the periodic sweep every second."""

from een_portal.settings import *  # noqa: F403
from een_portal.settings import CELERY_BEAT_SCHEDULE

STUDIO_TURNAROUND_SECONDS = 2
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "mobile-advance-voicemail-statuses": {
        "task": "mobile.tasks.advance_voicemail_statuses",
        "schedule": 1.0,
    },
}
