"""The demo's file-system broker never hands the worker a half-written message (een_portal/broker.py)."""

from __future__ import annotations

from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection
from kombu.transport import filesystem

TRANSPORT = "een_portal.broker:Transport"


def test_make_run_uses_the_broker_that_writes_messages_whole():
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert settings.CELERY_BROKER_TRANSPORT == TRANSPORT


def test_the_worker_polling_while_beat_queues_a_task_sees_nothing_or_the_whole_message(tmp_path, monkeypatch):
    folders = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport=TRANSPORT, transport_options=folders) as conn:
        producer_channel, consumer_channel = conn.channel(), conn.channel()
        seen_while_writing = []
        dumps = filesystem.dumps

        def dumps_while_the_worker_polls(payload):
            # The worker polls in the middle of the write (stock kombu: an empty .msg file
            # that it reads as "" and stops on with JSONDecodeError).
            try:
                seen_while_writing.append(consumer_channel._get("celery"))
            except Empty:
                seen_while_writing.append(None)
            return dumps(payload)

        monkeypatch.setattr(filesystem, "dumps", dumps_while_the_worker_polls)
        producer_channel._put("celery", {"task": "pbx.tasks.reconcile"})
        monkeypatch.setattr(filesystem, "dumps", dumps)

        assert seen_while_writing == [None]
        assert consumer_channel._get("celery") == {"task": "pbx.tasks.reconcile"}
        with pytest.raises(Empty):
            consumer_channel._get("celery")
