"""The periodic work the product relies on is scheduled by the product's own settings.

The integration tests run the worker with exactly this schedule, so a sweep that exists only
in a test's settings (and never runs on `make run` or in production) fails here.
"""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from celery.schedules import schedule as celery_schedule
from django.conf import settings

from een_portal.celery import app

# The sweeps the product cannot do without: the PBX catching up, Business Voicemail reaching
# "Voicemail is klaar".
RELIED_ON = {"pbx.tasks.reconcile", "mobile.tasks.advance_voicemail_statuses"}


def _our_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _interval(entry: dict[str, object]) -> timedelta:
    value = entry["schedule"]
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if isinstance(value, timedelta):
        return value
    assert isinstance(value, celery_schedule), value
    return value.run_every


def _takes_no_arguments(task: object) -> bool:
    parameters = inspect.signature(task.run).parameters.values()  # type: ignore[attr-defined]
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def test_it_schedules_every_sweep_the_product_relies_on():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= RELIED_ON


def test_it_schedules_every_task_that_needs_no_arguments():
    # A task without arguments is a sweep: nobody queues it with an id, only beat runs it.
    sweeps = {name for name, task in _our_tasks().items() if _takes_no_arguments(task)}
    assert sweeps, "no sweep found: the task modules were not loaded"
    assert sweeps <= {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_it_names_a_registered_task_at_a_sane_interval(name):
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    assert entry["task"] in _our_tasks()
    assert timedelta(seconds=1) <= _interval(entry) <= timedelta(hours=1)
