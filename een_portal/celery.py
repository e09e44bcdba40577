"""The Celery app. Tasks live in each app's tasks.py and are found automatically."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "een_portal.settings")

app = Celery("een_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
if app.conf.broker_url.startswith("filesystem://"):
    # The embedded file-system broker has no broadcast channel for remote control.
    app.conf.worker_enable_remote_control = False
app.autodiscover_tasks()
