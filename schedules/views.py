"""Telefooncentrale → Schema's: list, create, view and edit, delete, holidays and iCalendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tenancy import PortalRequest, product_required
from core.versioning import StaleEdit

from . import engine, ical, presentation, services
from .forms import (
    HolidayEntryFormSet,
    IcsImportForm,
    NameForm,
    PublicHolidaysForm,
    TimeRangeFormSet,
    edited_rows,
    initial_entries,
    initial_ranges,
)
from .models import HolidayEntry, HolidaySchedule, TimeSchedule


def _time_schedules(request: PortalRequest) -> Any:
    return TimeSchedule.objects.filter(organisation=request.organisation).prefetch_related("ranges")


def _holiday_schedules(request: PortalRequest) -> Any:
    # No prefetch of the entries: a schedule may hold a thousand; pages query what they show.
    return HolidaySchedule.objects.filter(organisation=request.organisation)


# Entries per page of a holiday schedule's form.
HOLIDAY_PAGE_SIZE = 50


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
@product_required("pbx")
def schedule_list(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    time_schedules = list(_time_schedules(request))
    today = timezone.localdate()
    coming = HolidayEntry.objects.filter(schedule=OuterRef("pk"), end_date__gte=today).order_by(
        "start_date", "start_time", "pk"
    )
    holiday_schedules = list(
        _holiday_schedules(request).annotate(
            entry_count=Count("entries"),
            next_name=Subquery(coming.values("name")[:1]),
            next_start=Subquery(coming.values("start_date")[:1]),
        )
    )
    time_used = services.usages(time_schedules)
    holiday_used = services.usages(holiday_schedules)
    now = timezone.now()
    tz = organisation.time_zone
    context = {
        "time_rows": [
            {
                "schedule": s,
                "summary": presentation.describe(ranges),
                "state": presentation.state_text(ranges, (), tz, now),
                "used_by": time_used.get(s.pk, []),
            }
            for s, ranges in ((s, s.engine_ranges()) for s in time_schedules)
        ],
        "holiday_rows": [
            {
                "schedule": s,
                "count": s.entry_count,
                "used_by": holiday_used.get(s.pk, []),
                "next": {"name": s.next_name, "start_date": s.next_start} if s.next_start else None,
            }
            for s in holiday_schedules
        ],
    }
    return render(request, "schedules/list.html", context)


def _time_form_context(
    request: PortalRequest, schedule: TimeSchedule | None, name_form: NameForm, formset: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {"schedule": schedule, "name_form": name_form, "formset": formset}
    if schedule is not None:
        ranges = schedule.engine_ranges()
        context["state"] = presentation.state_text(ranges, (), request.organisation.time_zone)
        context["picture"] = presentation.week_picture(ranges)
        context["used_by"] = services.usages([schedule]).get(schedule.pk, [])
    return context


def _edit_time_rows(request: PortalRequest, schedule: TimeSchedule | None) -> HttpResponse | None:
    """Adds or removes a row ("Regel toevoegen", a row's remove button); nothing is saved.

    With htmx only the rows are swapped; without JavaScript the whole page comes back.
    """
    edited = edited_rows(TimeRangeFormSet, request.POST, "ranges")
    if edited is None:
        return None
    formset, added = edited
    # Keeps the typed description and the version the page was loaded at (stale-edit check),
    # unchecked: an unfinished form is not an error yet.
    name_form = NameForm(
        initial={"name": request.POST.get("name", ""), "version": request.POST.get("version")}
    )
    context = {**_time_form_context(request, schedule, name_form, formset), "focus_row": added}
    if request.htmx:
        return render(request, "schedules/time_form.html#ranges", context)
    return render(request, "schedules/time_form.html", context)


def _save_time_schedule(request: PortalRequest, schedule: TimeSchedule | None) -> HttpResponse:
    if request.method == "POST" and (edited := _edit_time_rows(request, schedule)) is not None:
        return edited
    if request.method == "POST":
        name_form = NameForm(request.POST)
        formset = TimeRangeFormSet(request.POST, prefix="ranges")
        if name_form.is_valid() and formset.is_valid():
            ranges = [r for form in formset for r in form.ranges()]
            try:
                saved, merged = services.time_schedule_save(
                    organisation=request.organisation,
                    schedule=schedule,
                    by=request.user,
                    name=name_form.cleaned_data["name"],
                    ranges=ranges,
                    expected_version=name_form.expected_version,
                )
            except StaleEdit as exc:
                stored_ranges = exc.current.engine_ranges()  # type: ignore[attr-defined]
                name_form.refuse_stale(
                    exc,
                    stored={"name": exc.current.name},  # type: ignore[attr-defined]
                    extra=[(_("Opening hours"), presentation.describe(stored_ranges))],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        name_form.add_error(field if field in name_form.fields else None, errors)
                else:
                    name_form.add_error(None, exc)
            else:
                messages.success(request, _("Changes saved."))
                if merged:
                    messages.info(request, _("Overlapping times have been merged."))
                return redirect("schedules:time_detail", pk=saved.pk)
        status = 409 if name_form.stale else 400
    else:
        name_form = NameForm(
            initial={"name": schedule.name} if schedule else None,
            version=schedule.version if schedule else None,
        )
        ranges = list(schedule.engine_ranges()) if schedule else []
        formset = TimeRangeFormSet(initial=initial_ranges(ranges), prefix="ranges")
        status = 200
    return render(
        request,
        "schedules/time_form.html",
        _time_form_context(request, schedule, name_form, formset),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def time_schedule_create(request: PortalRequest) -> HttpResponse:
    return _save_time_schedule(request, None)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def time_schedule_detail(request: PortalRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(_time_schedules(request), pk=pk)
    if schedule.is_builtin and request.method == "POST":
        messages.error(request, _("The built-in schedule “Elke dag, de hele dag” cannot be changed."))
        return redirect("schedules:time_detail", pk=pk)
    return _save_time_schedule(request, schedule)


def _delete(request: PortalRequest, schedule: TimeSchedule | HolidaySchedule, detail: str) -> HttpResponse:
    try:
        services.schedule_delete(schedule=schedule, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(detail, pk=schedule.pk)
    messages.success(request, _("Schedule “%(name)s” deleted.") % {"name": schedule.name})
    return redirect("schedules:list")


@require_POST
@product_required("pbx")
def time_schedule_delete(request: PortalRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(_time_schedules(request), pk=pk), "schedules:time_detail")


def _holiday_context(
    request: PortalRequest, schedule: HolidaySchedule | None, name_form: NameForm, formset: Any, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "schedule": schedule,
        "name_form": name_form,
        "formset": formset,
        "public_form": extra.get("public_form") or PublicHolidaysForm(),
        "import_form": extra.get("import_form") or IcsImportForm(),
        "horizon_years": ical.HORIZON_YEARS,
    }
    if schedule is not None:
        now = timezone.now()
        today = timezone.localdate()
        # Only entries around today can hold the current moment (a day either side covers every zone).
        around = schedule.entries.filter(
            start_date__lte=today + timedelta(days=1), end_date__gte=today - timedelta(days=1)
        )
        periods = [e.as_engine() for e in around]
        context["current"] = engine.holiday_at(periods, request.organisation.time_zone, now)
        context["used_by"] = services.usages([schedule]).get(schedule.pk, [])
        context["upcoming"] = list(schedule.entries.filter(end_date__gte=today)[:3])
        context["page"] = extra.get("page")
        context["max_entries"] = services.MAX_ENTRIES
    return context


def _entry_page(request: PortalRequest, schedule: HolidaySchedule | None) -> Any:
    """The page of entries the form edits; a page number that is no page gives the nearest one."""
    if schedule is None:
        return None
    return Paginator(schedule.entries.all(), HOLIDAY_PAGE_SIZE).get_page(request.GET.get("pagina"))


def _save_holiday_schedule(request: PortalRequest, schedule: HolidaySchedule | None) -> HttpResponse:
    if request.method == "POST":
        name_form = NameForm(request.POST)
        formset = HolidayEntryFormSet(request.POST, prefix="entries")
        if name_form.is_valid() and formset.is_valid():
            entries = [e for form in formset if (e := form.entry()) is not None]
            # The rows of this page replace the entries they were loaded from; other pages stay as they are.
            replacing = {form.cleaned_data["id"] for form in formset if form.cleaned_data.get("id")}
            try:
                saved = services.holiday_schedule_save(
                    organisation=request.organisation,
                    schedule=schedule,
                    by=request.user,
                    name=name_form.cleaned_data["name"],
                    entries=entries,
                    expected_version=name_form.expected_version,
                    replacing=replacing if schedule is not None else None,
                )
            except StaleEdit as exc:
                stored_entries = exc.current.entries.all()  # type: ignore[attr-defined]
                name_form.refuse_stale(
                    exc,
                    stored={"name": exc.current.name},  # type: ignore[attr-defined]
                    extra=[(_("Days and periods"), ", ".join(str(e) for e in stored_entries) or _("none"))],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "name" in exc.error_dict:
                    name_form.add_error("name", exc.error_dict["name"])
                else:
                    name_form.add_error(None, exc)
            else:
                messages.success(request, _("Changes saved."))
                page = request.GET.get("pagina")
                url = reverse("schedules:holiday_detail", args=[saved.pk])
                return redirect(f"{url}?{urlencode({'pagina': page})}" if page else url)
        status = 409 if name_form.stale else 400
        page = _entry_page(request, schedule)
    else:
        name_form = NameForm(
            initial={"name": schedule.name} if schedule else None,
            version=schedule.version if schedule else None,
        )
        page = _entry_page(request, schedule)
        formset = HolidayEntryFormSet(initial=initial_entries(list(page) if page else []), prefix="entries")
        status = 200
    return render(
        request,
        "schedules/holiday_form.html",
        _holiday_context(request, schedule, name_form, formset, page=page),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def holiday_schedule_create(request: PortalRequest) -> HttpResponse:
    return _save_holiday_schedule(request, None)


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def holiday_schedule_detail(request: PortalRequest, pk: int) -> HttpResponse:
    return _save_holiday_schedule(request, get_object_or_404(_holiday_schedules(request), pk=pk))


@require_POST
@product_required("pbx")
def holiday_schedule_delete(request: PortalRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(_holiday_schedules(request), pk=pk), "schedules:holiday_detail")


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def holiday_schedule_public_holidays(request: PortalRequest, pk: int) -> HttpResponse:
    """GET lists the Dutch holidays of a year to confirm, optional ones unticked; POST adds the ticked ones."""
    schedule = get_object_or_404(_holiday_schedules(request), pk=pk)
    form = PublicHolidaysForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _rerender_holiday(request, schedule, public_form=form)
    year = form.cleaned_data["year"]
    if request.method == "GET":
        present = set(
            schedule.entries.filter(start_date__year=year, start_time__isnull=True).values_list(
                "start_date", "end_date"
            )
        )
        rows = [
            {"choice": c, "present": (c.entry.start_date, c.entry.end_date) in present}
            for c in services.dutch_holiday_choices(year)
        ]
        return render(
            request,
            "schedules/holiday_public_confirm.html",
            {"schedule": schedule, "year": year, "rows": rows},
        )
    days = set()
    for value in request.POST.getlist("days"):
        try:
            days.add(date.fromisoformat(value))
        except ValueError:
            continue  # not a date we offered: nothing to add for it
    if not days:
        messages.info(request, _("No days chosen, so nothing was added."))
        return redirect("schedules:holiday_detail", pk=pk)
    try:
        added = services.holiday_schedule_add_public_holidays(
            schedule=schedule, year=year, by=request.user, days=days
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("schedules:holiday_detail", pk=pk)
    messages.success(
        request,
        _("%(count)s Dutch public holidays of %(year)s added.") % {"count": added, "year": year}
        if added
        else _("The chosen days of %(year)s were in the schedule already.") % {"year": year},
    )
    return redirect("schedules:holiday_detail", pk=pk)


def _rerender_holiday(request: PortalRequest, schedule: HolidaySchedule, **forms: Any) -> HttpResponse:
    page = _entry_page(request, schedule)
    entries = list(page)
    forms["page"] = page
    context = _holiday_context(
        request,
        schedule,
        NameForm(initial={"name": schedule.name}, version=schedule.version),
        HolidayEntryFormSet(initial=initial_entries(entries), prefix="entries"),
        **forms,
    )
    return render(request, "schedules/holiday_form.html", context, status=400)


# Beyond this many lines the report stops listing events one by one.
REPORT_LINES = 25


def _report_import(request: PortalRequest, report: services.ImportReport) -> None:
    """One message for the outcome, then one line per event imported or skipped, so nothing is silently wrong."""
    if report.added:
        messages.success(request, _("%(count)s days or periods imported.") % {"count": report.added})
    elif report.imported:
        messages.info(request, _("Nothing new imported: everything in the file was in the schedule already."))
    else:
        messages.warning(request, _("Nothing imported: no event in the file could be used."))
    if report.already_present:
        messages.info(
            request,
            _("%(count)s days or periods from the file were in the schedule already.")
            % {"count": report.already_present},
        )
    lines = [(messages.SUCCESS, line) for line in report.imported] + [
        (messages.WARNING, line) for line in report.skipped
    ]
    for level, line in lines[:REPORT_LINES]:
        messages.add_message(request, level, line)
    if len(lines) > REPORT_LINES:
        messages.info(request, _("… and %(count)s more events.") % {"count": len(lines) - REPORT_LINES})


@require_POST
@product_required("pbx")
def holiday_schedule_import(request: PortalRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(_holiday_schedules(request), pk=pk)
    form = IcsImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.holiday_schedule_import_ics(
                schedule=schedule, data=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            _report_import(request, report)
            return redirect("schedules:holiday_detail", pk=pk)
    return _rerender_holiday(request, schedule, import_form=form)


@require_GET
@product_required("pbx")
def holiday_schedule_export(request: PortalRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(_holiday_schedules(request), pk=pk)
    response = HttpResponse(
        services.holiday_schedule_export_ics(schedule), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(schedule.name) or "feestdagen"}.ics"'
    return response
