"""Every organisation has "Elke dag, de hele dag" (R4.4).

It used to be made on the first visit of a schedules page (a write on GET, which raced); now it
is made with the organisation (core.organisation_setup). This gives it to the organisations
made before, and bumps their PBX revision, since their document gains the schedule (the
reconcile sweep pushes it).
"""

from datetime import time

from django.db import migrations
from django.db.models import Case, F, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

BUILTIN_NAME = "Elke dag, de hele dag"


def create_builtin_schedules(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    TimeSchedule = apps.get_model("schedules", "TimeSchedule")
    TimeRange = apps.get_model("schedules", "TimeRange")
    PbxSync = apps.get_model("core", "PbxSync")
    has_one = TimeSchedule.objects.filter(is_builtin=True).values("organisation_id")
    # A schedule of their own with the same name would clash with the unique name; such an
    # organisation keeps its own (it is the same, every day, all day) and gets none added.
    clash = TimeSchedule.objects.annotate(lower=Lower("name")).filter(lower=BUILTIN_NAME.lower())
    missing = Organisation.objects.exclude(pk__in=has_one).exclude(pk__in=clash.values("organisation_id"))
    done = []
    for organisation_id in missing.values_list("pk", flat=True).iterator():
        schedule = TimeSchedule.objects.create(
            organisation_id=organisation_id, name=BUILTIN_NAME, is_builtin=True
        )
        TimeRange.objects.bulk_create(
            TimeRange(schedule=schedule, weekday=day, start=time(0), end=time(0)) for day in range(7)
        )
        done.append(organisation_id)
    PbxSync.objects.filter(organisation_id__in=done).update(
        desired_revision=F("desired_revision") + 1,
        pending_since=Case(
            When(applied_revision__gte=F("desired_revision"), then=Value(timezone.now())),
            default=F("pending_since"),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("schedules", "0003_history_change"),
    ]

    operations = [migrations.RunPython(create_builtin_schedules, migrations.RunPython.noop)]
