"""A schedule's rules live in its models: the services refuse what the forms refuse, in the same words."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from schedules.models import HolidaySchedule
from schedules.services import EntryData, holiday_schedule_save

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (EntryData("Sluiting", date(2026, 5, 2), date(2026, 5, 1)), "De einddatum ligt voor de begindatum."),
        (
            EntryData("Training", date(2026, 5, 1), date(2026, 5, 1), time(10), None),
            "Vul beide tijden in, of geen van beide voor hele dagen.",
        ),
        (
            EntryData("Training", date(2026, 5, 1), date(2026, 5, 1), time(10), time(9)),
            "Het einde ligt niet na het begin.",
        ),
    ],
)
def test_it_refuses_a_holiday_entry_through_the_service_with_the_forms_words(org, admin, entry, message):
    with pytest.raises(ValidationError) as refused:
        holiday_schedule_save(organisation=org, name="Vakantie", entries=[entry], by=admin)
    assert message in refused.value.messages
    assert not HolidaySchedule.objects.filter(organisation=org, name="Vakantie").exists()
