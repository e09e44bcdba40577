from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import validators
from core.versioning import VersionedFormMixin

from . import engine
from .models import HolidayEntry, TimeRange, Weekday
from .services import EntryData

WEEKDAYS_ALL = 7  # "Monday to Friday"
EVERY_DAY = 8
DAY_CHOICES = [
    ("", "—"),
    *Weekday.choices,
    (WEEKDAYS_ALL, _("Monday to Friday")),
    (EVERY_DAY, _("Every day")),
]
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class NameForm(VersionedFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Description"),
        max_length=100,
        error_messages={"required": _("Enter a clear description, for example “Openingstijden winkel”.")},
    )


class TimeRangeForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=DAY_CHOICES, coerce=int, required=False)
    start = validators.TimeField(label=_("From"), required=False, widget=TIME_WIDGET)
    end = validators.TimeField(label=_("To"), required=False, widget=TIME_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weekday, start, end = data.get("weekday"), data.get("start"), data.get("end")
        filled = [v for v in (weekday, start, end) if v not in (None, "")]
        if not filled or self.errors:
            return data
        if weekday in (None, "") or start is None or end is None:
            raise forms.ValidationError(
                _("Fill in a day, a from time and a to time, or leave the row empty.")
            )
        # The rules themselves are the model's, so the service (and CSV import, API) apply them too.
        TimeRange(weekday=weekday, start=start, end=end).clean()
        return data

    def ranges(self) -> list[engine.WeeklyRange]:
        data = self.cleaned_data
        if not data or data.get("weekday") in (None, ""):
            return []
        days = {WEEKDAYS_ALL: range(5), EVERY_DAY: range(7)}.get(data["weekday"], [data["weekday"]])
        return [engine.WeeklyRange(day, data["start"], data["end"]) for day in days]


TimeRangeFormSet = forms.formset_factory(TimeRangeForm, extra=1, max_num=100, absolute_max=200)

# The editor's own buttons: "Regel toevoegen" and a remove button per row post the form as typed
# (plain submit without JavaScript, hx-post with it) and get it back with a row more or less.
ADD_ROW = "add_row"
REMOVE_ROW = "remove_row"


def edited_rows(
    formset_class: type[forms.BaseFormSet], data: QueryDict, prefix: str
) -> tuple[forms.BaseFormSet, int | None] | None:
    """The rows as typed with one added or removed, unbound so nothing is checked yet.

    None when the post is a save. The second value is the index of an added row (to focus it).
    """
    if ADD_ROW not in data and REMOVE_ROW not in data:
        return None
    names = list(formset_class.form.base_fields)
    typed_total = data.get(f"{prefix}-TOTAL_FORMS", "")
    total = int(typed_total) if validators.is_digits(typed_total, max_length=4) else 0
    total = min(total, formset_class.absolute_max)
    rows = [{name: data.get(f"{prefix}-{i}-{name}", "") for name in names} for i in range(total)]
    added = None
    if REMOVE_ROW in data:
        index = data.get(REMOVE_ROW, "")
        if validators.is_digits(index, max_length=4) and int(index) < len(rows):
            rows.pop(int(index))
    elif len(rows) < formset_class.max_num:
        rows.append(dict.fromkeys(names, ""))
        added = len(rows) - 1
    formset = formset_class(initial=rows, prefix=prefix)
    formset.extra = 0 if rows else 1
    return formset, added


class HolidayEntryForm(forms.Form):
    # The entry a row was loaded from: saving a page replaces exactly the entries shown on it.
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    start_date = validators.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    end_date = validators.DateField(
        label=_("To date"), required=False, widget=DATE_WIDGET, help_text=_("Empty: the same day.")
    )
    start_time = validators.TimeField(label=_("From time"), required=False, widget=TIME_WIDGET)
    end_time = validators.TimeField(label=_("To time"), required=False, widget=TIME_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or not any(
            data.get(f) for f in ("name", "start_date", "end_date", "start_time", "end_time")
        ):
            return data
        if not data.get("start_date"):
            raise forms.ValidationError(_("Fill in the date, or leave the row empty."))
        data["end_date"] = data.get("end_date") or data["start_date"]
        # The rules themselves are the model's (HolidayEntry.clean), which the service applies too.
        HolidayEntry(
            start_date=data["start_date"],
            end_date=data["end_date"],
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
        ).clean()
        return data

    def entry(self) -> EntryData | None:
        data = self.cleaned_data
        if not data or not data.get("start_date"):
            return None
        return EntryData(
            name=data.get("name", ""),
            start_date=data["start_date"],
            end_date=data["end_date"],
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
        )


HolidayEntryFormSet = forms.formset_factory(HolidayEntryForm, extra=3, max_num=400, absolute_max=500)


class PublicHolidaysForm(forms.Form):
    year = validators.IntegerField(
        label=_("Year"),
        min_value=1900,
        max_value=2200,
        error_messages={"required": _("Choose a year."), "invalid": _("Choose a year, for example 2027.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class IcsImportForm(forms.Form):
    file = forms.FileField(
        label=_("iCalendar file (.ics)"),
        error_messages={"required": _("Choose an .ics file to import."), "empty": _("The file is empty.")},
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload.read()


def initial_ranges(ranges: list[engine.WeeklyRange]) -> list[dict[str, object]]:
    return [{"weekday": r.weekday, "start": r.start, "end": r.end} for r in ranges]


def initial_entries(entries: list[Any]) -> list[dict[str, object]]:
    return [
        {
            "id": e.pk,
            "name": e.name,
            "start_date": e.start_date,
            "end_date": e.end_date if e.end_date != e.start_date else None,
            "start_time": e.start_time,
            "end_time": e.end_time,
        }
        for e in entries
    ]
