"""One form field for every destination (users' forwarding, hunt-group overflow, IVR keys, night mode).

A grouped choice of the organisation's users, hunt groups and IVR menus by name and extension,
the company voicemail and "external number", plus a number input for the latter. Without
JavaScript both parts show; static/js/portal.js hides the number unless it is needed. The
cleaned value is a DestinationValue, checked by pbx.services.directory.destination_clean, so a
forged choice of another organisation's object is refused like a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, format_phone_number
from core.ids import parse_id
from pbx.domain.destination import DestinationKind
from pbx.models import DirectoryEntry, EntryKind, get_destination
from pbx.services.directory import destination_clean, destination_label

ENTRY_PREFIX = "entry:"
GROUP_LABELS = {
    EntryKind.USER: _("Users"),
    EntryKind.HUNT_GROUP: _("Hunt groups"),
    EntryKind.IVR_MENU: _("IVR menus"),
}


@dataclass(frozen=True)
class DestinationValue:
    kind: str
    entry: DirectoryEntry | None = None
    number: str = ""

    @property
    def is_set(self) -> bool:
        return self.kind != DestinationKind.NONE

    @property
    def label(self) -> str:
        return destination_label(self.kind, self.entry, self.number)

    def __str__(self) -> str:
        return self.label

    def apply(self, obj: Any, prefix: str) -> None:
        """Writes the destination into obj's <prefix>_kind/_entry/_number columns."""
        setattr(obj, f"{prefix}_kind", self.kind)
        setattr(obj, f"{prefix}_entry", self.entry)
        setattr(obj, f"{prefix}_number", self.number)

    @classmethod
    def of(cls, obj: Any, prefix: str) -> DestinationValue:
        return cls(
            getattr(obj, f"{prefix}_kind"),
            getattr(obj, f"{prefix}_entry", None),
            getattr(obj, f"{prefix}_number"),
        )


NOWHERE = DestinationValue(DestinationKind.NONE.value)


class DirectorySelect(forms.Select):
    """A select whose options are built as plain strings: Django renders every option through a
    template, which for a 2,000-user directory costs about 100 ms per picker (a user's page has five)."""

    template_name = "pbx/widgets/directory_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # not Select's: no per-option dicts
        selected = {str(v) for v in context["widget"]["value"]}

        def option(choice_value: Any, label: Any) -> str:
            chosen = " selected" if str(choice_value) in selected else ""
            return f'<option value="{escape(choice_value)}"{chosen}>{escape(label)}</option>'

        parts = []
        for choice_value, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(v, text) for v, text in label)
                parts.append(f'<optgroup label="{escape(choice_value)}">{inner}</optgroup>')
            else:
                parts.append(option(choice_value, label))
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308  (escaped above)
        return context


class DestinationWidget(forms.MultiWidget):
    template_name = "pbx/widgets/destination.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = (
            DirectorySelect(attrs={"class": "form-select", "data-destination-choice": ""}),
            forms.TextInput(
                attrs={
                    "class": "form-control",
                    "inputmode": "tel",
                    "autocomplete": "off",
                    "placeholder": _("06 1234 5678"),
                    "data-destination-number": "",
                }
            ),
        )
        super().__init__(widgets, attrs)

    def id_for_label(self, id_: str) -> str:
        # The field's label names the choice; the number input has its own (hidden) label.
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, DestinationValue):
            if value.kind == DestinationKind.ENTRY and value.entry is not None:
                return [f"{ENTRY_PREFIX}{value.entry.pk}", ""]
            if value.kind == DestinationKind.EXTERNAL:
                return [value.kind, format_phone_number(value.number)]
            return [value.kind, ""]
        return [DestinationKind.NONE.value, ""]


class DestinationField(forms.MultiValueField):
    widget = DestinationWidget

    def __init__(
        self,
        *,
        organisation: Organisation | None = None,
        itself: DirectoryEntry | None = None,
        allow_none: bool = True,
        none_label: Any = None,
        **kwargs: Any,
    ) -> None:
        self.organisation = organisation
        self.itself = itself
        self.allow_none = allow_none
        self.none_label = none_label or _("— nowhere —")
        fields = (forms.CharField(required=False), forms.CharField(required=False, max_length=30))
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)
        # Crispy renders a multi-part field as a fieldset with a legend, which names no input:
        # the choice carries the field's label itself (lazy, so it follows the language).
        choice, number = self.widget.widgets
        if self.label:
            choice.attrs.setdefault("aria-label", self.label)
        number.attrs.setdefault("aria-label", _("External number"))
        if organisation is not None:
            self.set_choices(organisation, itself=itself)

    def set_choices(self, organisation: Organisation, *, itself: DirectoryEntry | None = None) -> None:
        """The organisation's directory as grouped choices: one query."""
        self.organisation, self.itself = organisation, itself
        entries = DirectoryEntry.objects.filter(organisation=organisation).select_related("phone_number")
        if itself is not None:
            entries = entries.exclude(pk=itself.pk)
        grouped: dict[str, list[tuple[str, str]]] = {kind: [] for kind in GROUP_LABELS}
        for entry in entries.order_by("name", "pk"):
            grouped[entry.kind].append((f"{ENTRY_PREFIX}{entry.pk}", entry.label))
        choices: list[Any] = []
        if self.allow_none:
            choices.append((DestinationKind.NONE.value, self.none_label))
        choices.append((DestinationKind.VOICEMAIL.value, _("Company voicemail (999)")))
        for kind, label in GROUP_LABELS.items():
            if grouped[kind]:
                choices.append((label, grouped[kind]))
        choices.append((DestinationKind.EXTERNAL.value, _("External number …")))
        select = self.widget.widgets[0]
        assert isinstance(select, forms.Select)
        select.choices = choices

    def compress(self, data_list: list[Any]) -> DestinationValue:
        choice, number = [*data_list, "", ""][:2]
        choice = choice or DestinationKind.NONE.value
        if self.organisation is None:
            raise ValidationError(_("Choose where calls go from the list."))
        entry: int | None = None
        kind = choice
        if choice.startswith(ENTRY_PREFIX):
            kind, entry = DestinationKind.ENTRY.value, parse_id(choice[len(ENTRY_PREFIX) :])
            if entry is None:
                raise ValidationError(_("Choose a user, hunt group or IVR menu from the list."))
        if kind == DestinationKind.NONE and not self.allow_none:
            raise ValidationError(_("Choose where calls go."))
        kind, found, e164 = destination_clean(
            organisation=self.organisation, kind=kind, entry=entry, number=number or "", itself=self.itself
        )
        return DestinationValue(kind, found, e164)

    def clean(self, value: Any) -> DestinationValue:
        return super().clean(value)


def initial_destination(obj: Any, prefix: str) -> DestinationValue:
    """The stored destination of obj as the field's initial value (no query when entry is select_related)."""
    get_destination(obj, prefix)  # validates the stored kind
    return DestinationValue.of(obj, prefix)
