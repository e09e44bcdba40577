"""The forms of the IVR menus: create, and edit (every section and every key in one form).

The forms parse what was typed; the rules are pbx.services.ivr's, whose errors are keyed by
these forms' field names (a key's errors by its destination field, "business_1").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, PhoneNumber
from core import validators
from core.versioning import VersionedFormMixin
from pbx.domain.destination import DestinationKind
from pbx.domain.ivr import KEYPAD
from pbx.forms.destination import (
    NOWHERE,
    DestinationField,
    DestinationValue,
    DestinationWidget,
    initial_destination,
)
from pbx.forms.users import NUMBER_CHOICE_ERROR, NumberChoiceField
from pbx.models import AfterHours, IvrKey, IvrMenu, IvrPart, KeyMode, NightModeFollow
from pbx.services.directory import free_numbers
from pbx.services.ivr import DESTINATIONS, KeyChoice, key_field
from schedules.models import HolidaySchedule, TimeSchedule

KEY_OFF = "off"
KEY_MODES = [(KEY_OFF, _("Off")), *KeyMode.choices]
SCHEDULE_ERROR = _("Choose one of your own schedules from the list.")
SECONDS_ERROR = _("Choose a number of seconds from 3 to 60, for example 10.")


class MenuNamesMixin(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter a name for the menu, for example Hoofdmenu.")},
        help_text=_("Shown on the phones of your PBX, so that users see where a call comes from."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    extension = forms.CharField(
        label=_("Extension"),
        max_length=10,
        required=False,
        help_text=_("2 to 4 digits. The menu needs an extension or an external number (or both)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone_number = NumberChoiceField(
        label=_("External number"),
        queryset=PhoneNumber.objects.none(),
        required=False,
        empty_label=_("— no external number —"),
        error_messages={"invalid_choice": NUMBER_CHOICE_ERROR},
        help_text=_("Only your organisation's numbers that are still free are listed."),
    )
    time_schedule = validators.ModelChoiceField(
        label=_("Business hours (time schedule)"),
        queryset=TimeSchedule.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": SCHEDULE_ERROR, "required": SCHEDULE_ERROR},
        help_text=_(
            "The business-hours menu plays within this schedule, the after-hours menu outside it. "
            "Choose “Elke dag, de hele dag” for one menu that always applies."
        ),
    )
    holiday_schedule = validators.ModelChoiceField(
        label=_("Holiday schedule (optional)"),
        queryset=HolidaySchedule.objects.none(),
        required=False,
        empty_label=_("— no holiday schedule —"),
        error_messages={"invalid_choice": SCHEDULE_ERROR},
        help_text=_("On these days the after-hours menu plays all day."),
    )

    def _set_choices(self, organisation: Organisation, current: PhoneNumber | None) -> None:
        numbers = self.fields["phone_number"]
        times = self.fields["time_schedule"]
        holidays = self.fields["holiday_schedule"]
        assert isinstance(numbers, forms.ModelChoiceField)
        assert isinstance(times, forms.ModelChoiceField) and isinstance(holidays, forms.ModelChoiceField)
        numbers.queryset = free_numbers(organisation=organisation, current=current)
        times.queryset = TimeSchedule.objects.filter(organisation=organisation)
        holidays.queryset = HolidaySchedule.objects.filter(organisation=organisation)


class IvrMenuCreateForm(MenuNamesMixin):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(organisation, None)
        builtin = TimeSchedule.objects.filter(organisation=organisation, is_builtin=True).first()
        if builtin is not None:
            self.fields["time_schedule"].initial = builtin.pk


@dataclass(frozen=True)
class KeyRow:
    """One key of the keypad on the page: its mode choice and its destination."""

    key: str
    mode: forms.BoundField
    destination: forms.BoundField
    picker: SafeString  # the destination's select and number input (IvrMenuForm.picker)


class IvrMenuForm(VersionedFormMixin, MenuNamesMixin):
    """Every section of the edit page and every key of both menus: one save, one version."""

    business_reception = DestinationField(label=_("Reception"), none_label=_("— not set —"))
    after_hours = forms.ChoiceField(
        label=_("After hours callers get"),
        choices=AfterHours.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what callers get after hours.")},
    )
    after_destination = DestinationField(label=_("Straight to"), none_label=_("— choose —"))
    after_reception = DestinationField(label=_("Reception"), none_label=_("— not set —"))
    reception_seconds = validators.IntegerField(
        label=_("To reception after (seconds)"),
        min_value=3,
        max_value=60,
        error_messages={
            "required": SECONDS_ERROR,
            "invalid": SECONDS_ERROR,
            "min_value": SECONDS_ERROR,
            "max_value": SECONDS_ERROR,
        },
        help_text=_("How long the menu waits for a choice before it forwards to the reception."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    night_mode = forms.ChoiceField(
        label=_("Night mode"),
        choices=NightModeFollow.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how night mode applies to this menu.")},
    )
    night_destination = DestinationField(
        label=_("In night mode, calls go to"), none_label=_("— the company's night destination —")
    )

    SETTINGS = ("after_hours", "reception_seconds", "night_mode")

    def __init__(self, *args: Any, menu: IvrMenu, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(menu)
        kwargs.setdefault("version", menu.version)
        super().__init__(*args, **kwargs)
        self.menu = menu
        self._set_choices(menu.organisation, menu.entry.phone_number)
        for part in IvrPart.values:
            for key in KEYPAD:
                name = key_field(part, key)
                self.fields[f"{name}_mode"] = forms.ChoiceField(
                    label=_("Key %(key)s") % {"key": key},
                    choices=KEY_MODES,
                    required=False,
                    error_messages={"invalid_choice": _("Choose what key %(key)s does.") % {"key": key}},
                )
                self.fields[name] = DestinationField(
                    label=_("Key %(key)s forwards to") % {"key": key}, none_label=_("— choose —")
                )
        # One query for the directory; every destination field offers the same choices. A key
        # or reception may lead back to the menu itself (to hear the choices again).
        first: DestinationField | None = None
        for field in self.fields.values():
            if not isinstance(field, DestinationField):
                continue
            field.widget.widgets[0].attrs["aria-label"] = str(field.label)
            if first is None:
                field.set_choices(menu.organisation)
                first = field
            else:
                field.organisation, field.itself = first.organisation, None
                shared = list(first.widget.widgets[0].choices)  # type: ignore[attr-defined]
                # Each field names "nowhere" its own way ("not set", "the company's night destination").
                shared[0] = (shared[0][0], field.none_label)
                field.widget.widgets[0].choices = shared  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(menu: IvrMenu) -> dict[str, Any]:
        """The stored menu as the form's values; reads the prefetched keys (services.with_keys)."""
        initial: dict[str, Any] = {
            "name": menu.entry.name,
            "first_name": menu.first_name,
            "last_name": menu.last_name,
            "extension": menu.entry.extension,
            "phone_number": menu.entry.phone_number_id,
            "time_schedule": menu.time_schedule_id,
            "holiday_schedule": menu.holiday_schedule_id,
        }
        for name in IvrMenuForm.SETTINGS:
            initial[name] = getattr(menu, name)
        for name, prefix in DESTINATIONS.items():
            initial[name] = initial_destination(menu, prefix)
        stored: dict[str, IvrKey] = {key_field(k.part, k.key): k for k in menu.keys.all()}
        for part in IvrPart.values:
            for key in KEYPAD:
                name = key_field(part, key)
                row = stored.get(name)
                initial[f"{name}_mode"] = row.mode if row else KEY_OFF
                initial[name] = initial_destination(row, "destination") if row else NOWHERE
        return initial

    def key_rows(self, part: str) -> list[KeyRow]:
        rows = []
        for key in KEYPAD:
            name = key_field(part, key)
            rows.append(KeyRow(key, self[f"{name}_mode"], self[name], self.picker(name)))
        return rows

    @cached_property
    def pickers(self) -> dict[str, SafeString]:
        """The menu's own destinations (receptions, after hours, night) as pickers, for the template."""
        return {name: self.picker(name) for name in DESTINATIONS}

    def _shared_options(self) -> str:
        """The directory's <option>s (all but the first, "nowhere"), rendered once for all 28 pickers:
        Django's Select renders every option through a template, which for 28 lists of a 2,000-user
        directory takes seconds."""
        if not hasattr(self, "_options_html"):
            parts = []
            widget = self.fields["business_reception"].widget
            assert isinstance(widget, DestinationWidget)
            choices = widget.widgets[0].choices  # type: ignore[attr-defined]
            for value, label in list(choices)[1:]:
                if isinstance(label, list | tuple):
                    inner = "".join(
                        f'<option value="{escape(v)}">{escape(str(text))}</option>' for v, text in label
                    )
                    parts.append(f'<optgroup label="{escape(str(value))}">{inner}</optgroup>')
                else:
                    parts.append(f'<option value="{escape(value)}">{escape(str(label))}</option>')
            self._options_html = "".join(parts)
        return self._options_html

    def picker(self, name: str) -> SafeString:
        """A destination field as pbx/widgets/destination.html renders it (the same names, ids and data
        attributes for static/js/portal.js), with the options rendered once per form."""
        bound = self[name]
        field = bound.field
        assert isinstance(field, DestinationField)
        value = bound.value()
        if not isinstance(value, list):
            assert isinstance(field.widget, DestinationWidget)
            value = field.widget.decompress(value)
        choice, number = [*[str(v or "") for v in value], "", ""][:2]
        first = f'<option value="{DestinationKind.NONE.value}">{escape(str(field.none_label))}</option>'
        options = first + self._shared_options()
        marker = f'<option value="{escape(choice)}">'
        options = options.replace(marker, marker[:-1] + " selected>", 1)
        invalid = " is-invalid" if bound.errors else ""
        html = format_html(
            '<div class="destination-picker row g-2" data-destination>'
            '<div class="col-sm-7"><select name="{name}_0" class="form-select{invalid}" data-destination-choice="" '
            'aria-label="{label}" id="{id}_0">{options}</select></div>'
            '<div class="col-sm-5" data-destination-number-wrap>'
            '<label class="visually-hidden" for="{id}_1">{placeholder}</label>'
            '<input type="text" name="{name}_1" value="{number}" class="form-control" inputmode="tel" '
            'autocomplete="off" placeholder="{placeholder}" data-destination-number="" id="{id}_1">'
            "</div></div>",
            name=bound.html_name,
            invalid=invalid,
            label=str(field.label),
            id=bound.auto_id,
            options=mark_safe(options),  # noqa: S308  (escaped above, option by option)
            placeholder=_("06 1234 5678"),
            number=number,
        )
        return html

    @property
    def business_keys(self) -> list[KeyRow]:
        return self.key_rows(IvrPart.BUSINESS)

    @property
    def after_keys(self) -> list[KeyRow]:
        return self.key_rows(IvrPart.AFTER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for part in IvrPart.values:
            for key in KEYPAD:
                name = key_field(part, key)
                # A key switched off keeps no destination: a leftover or forged choice is not checked.
                if cleaned.get(f"{name}_mode", KEY_OFF) in ("", KEY_OFF) and name in self.errors:
                    del self.errors[name]
                    cleaned[name] = NOWHERE
        return cleaned

    def values(self) -> dict[str, Any]:
        """What the service changes: the menu's fields (not the keys, not the version)."""
        keys = {key_field(part, key) for part in IvrPart.values for key in KEYPAD}
        keys |= {f"{name}_mode" for name in keys}
        return {
            name: value for name, value in self.cleaned_data.items() if name != "version" and name not in keys
        }

    def keys(self) -> list[KeyChoice]:
        """The programmed keys; a key posted twice is passed twice, so the service refuses it."""
        found: list[KeyChoice] = []
        for part in IvrPart.values:
            for key in KEYPAD:
                name = key_field(part, key)
                destination: DestinationValue = self.cleaned_data.get(name) or NOWHERE
                modes = self.data.getlist(f"{name}_mode") if hasattr(self.data, "getlist") else []
                modes = modes or [self.cleaned_data.get(f"{name}_mode") or KEY_OFF]
                for mode in modes:
                    if mode and mode != KEY_OFF:
                        found.append(KeyChoice(part, key, mode, destination))
        return found
