"""The "Test een oproep" form (R10.1): a GET form that changes nothing, so read-only members use it too.

It reads the organisation's own numbers and extensions from the PBX document the page renders
anyway (no query of its own), and the pool only for a typed number that is not in the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, PhoneNumber, format_phone_number, normalise_phone_number
from core.validators import has_foreign_digits
from pbx.domain.ivr import KEYS

COMPANY_VOICEMAIL = "999"
MAX_KEYS = 10
CHOOSE_USERS = {
    "invalid_choice": _("Choose users of your organisation from the list."),
    "invalid_list": _("Choose users of your organisation from the list."),
}


def own_numbers(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(what to dial, its label) for every user, hunt group and menu: extensions and numbers."""
    found: list[tuple[str, str]] = []
    for section, kind in (
        ("ivr_menus", _("IVR menu")),
        ("hunt_groups", _("hunt group")),
        ("users", _("user")),
    ):
        for obj in document.get(section) or ():
            name = obj.get("name") or f"{obj.get('first_name', '')} {obj.get('last_name', '')}".strip()
            if obj.get("external_number"):
                found.append(
                    (obj["external_number"], f"{format_phone_number(obj['external_number'])} · {name}")
                )
            if obj.get("extension"):
                found.append((obj["extension"], f"{obj['extension']} · {name} ({kind})"))
    found.append((COMPANY_VOICEMAIL, f"{COMPANY_VOICEMAIL} · {_('Company voicemail')}"))
    return found


class TestCallForm(forms.Form):
    nummer = forms.CharField(
        label=_("Number or extension"),
        max_length=40,
        help_text=_("One of your organisation's numbers (for example 020 555 1000) or an extension (201)."),
        widget=forms.TextInput(attrs={"list": "callflow-numbers", "autocomplete": "off", "inputmode": "tel"}),
        error_messages={"required": _("Enter a number or extension to test, or choose one from the list.")},
    )
    datum = forms.DateField(
        label=_("Date of the call"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a date such as 2026-06-02, or leave it empty for today.")},
    )
    tijd = forms.TimeField(
        label=_("Time of the call"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"invalid": _("Enter a time such as 10:00, or leave it empty for now.")},
    )
    toetsen = forms.CharField(
        label=_("Keys the caller presses"),
        required=False,
        max_length=40,
        help_text=_("In order, one per IVR menu, separated by spaces, for example “1 0”. Empty: no key."),
    )
    bezet = forms.MultipleChoiceField(label=_("Busy users"), required=False, error_messages=CHOOSE_USERS)
    onbereikbaar = forms.MultipleChoiceField(
        label=_("Unreachable users"), required=False, error_messages=CHOOSE_USERS
    )
    geen_gehoor = forms.MultipleChoiceField(
        label=_("Users who do not answer"), required=False, error_messages=CHOOSE_USERS
    )

    def __init__(
        self, data: Any, *, organisation: Organisation, document: Mapping[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.organisation = organisation
        self.document = document
        self.zone = ZoneInfo(document["organisation"]["time_zone"])
        users = [
            (u["extension"], f"{u['first_name']} {u['last_name']} ({u['extension']})")
            for u in document.get("users") or ()
            if u.get("extension")
        ]
        for name in ("bezet", "onbereikbaar", "geen_gehoor"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = users
            field.widget.attrs["size"] = str(min(6, max(2, len(users))))
        now = timezone.localtime(timezone.now(), self.zone)
        self.fields["datum"].widget.attrs["placeholder"] = now.date().isoformat()
        self.now = now

    def _extensions(self) -> set[str]:
        found = {COMPANY_VOICEMAIL}
        for section in ("users", "hunt_groups", "ivr_menus"):
            found.update(o["extension"] for o in self.document.get(section) or () if o.get("extension"))
        return found

    def _numbers(self) -> set[str]:
        found: set[str] = set()
        for section in ("users", "hunt_groups", "ivr_menus"):
            found.update(
                o["external_number"] for o in self.document.get(section) or () if o.get("external_number")
            )
        return found

    def clean_nummer(self) -> str:
        value = self.cleaned_data["nummer"].strip()
        if has_foreign_digits(value):
            raise ValidationError(_("Type the number with the digits 0-9."), code="digits")
        compact = re.sub(r"[\s.\-()]", "", value)
        if compact.isascii() and compact.isdigit() and len(compact) <= 4:
            if compact not in self._extensions():
                raise ValidationError(
                    _(
                        "Extension %(extension)s is not in use in your organisation. Choose one from the list."
                    ),
                    code="unknown_extension",
                    params={"extension": compact},
                )
            return compact
        try:
            number = normalise_phone_number(value)
        except ValidationError as exc:
            raise ValidationError(
                _("Enter one of your numbers (for example 020 555 1000) or an extension (2 to 4 digits)."),
                code="invalid",
            ) from exc
        if (
            number not in self._numbers()
            and not PhoneNumber.objects.filter(organisation=self.organisation, number=number).exists()
        ):
            raise ValidationError(
                _("%(number)s is not a number of your organisation. Choose one from the list."),
                code="not_ours",
                params={"number": format_phone_number(number)},
            )
        return number

    def clean_toetsen(self) -> tuple[str, ...]:
        value = self.cleaned_data["toetsen"]
        keys = tuple(k for k in re.split(r"[\s,;]+", value.strip()) if k)
        if len(keys) == 1 and len(keys[0]) > 1 and all(c in KEYS for c in keys[0]):
            keys = tuple(keys[0])  # "10" typed without a space: one key per menu.
        wrong = [k for k in keys if k not in KEYS]
        if wrong:
            raise ValidationError(
                _("Keys are 0 to 9, * and #, separated by spaces (for example “1 0”); not: %(wrong)s."),
                code="keys",
                params={"wrong": " ".join(wrong)},
            )
        if len(keys) > MAX_KEYS:
            raise ValidationError(
                _("At most %(max)d keys, one for each IVR menu the call reaches."),
                code="too_many",
                params={"max": MAX_KEYS},
            )
        return keys

    def at(self) -> datetime:
        """The instant tested: the date and time given (default: now), in the organisation's zone."""
        day: date = self.cleaned_data.get("datum") or self.now.date()
        clock: time = self.cleaned_data.get("tijd") or self.now.time()
        return datetime.combine(day, clock.replace(second=0, microsecond=0), tzinfo=self.zone)
