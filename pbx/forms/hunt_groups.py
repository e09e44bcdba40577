"""The forms of the Telefooncentrale's hunt groups: create and edit (all sections in one form).

The forms parse what was typed; the rules are pbx.services.hunt_groups', whose errors are keyed
by these forms' field names. The members are changed on their own page (pbx.views.hunt_groups).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, PhoneNumber
from core import validators
from core.versioning import VersionedFormMixin
from pbx.domain import huntgroup as domain
from pbx.forms.destination import DestinationField, initial_destination
from pbx.forms.users import NUMBER_CHOICE_ERROR, NumberChoiceField
from pbx.models import Distribution, HuntGroup, NightModeFollow
from pbx.services.directory import free_numbers
from pbx.services.hunt_groups import DESTINATIONS, RINGS_MESSAGE, SECONDS_MESSAGE

# One line per policy, in the manual's words (§6.2).
DISTRIBUTION_HELP = {
    Distribution.CIRCULAR: _(
        "The call is offered to the first available member, starting where the last call stopped."
    ),
    Distribution.FIXED_ORDER: _(
        "The call is offered to the first available member, starting with the first member of the list."
    ),
    Distribution.SIMULTANEOUS: _(
        "All members of the group are called at the same time. Whoever answers first gets the caller."
    ),
    Distribution.UNIFORM: _(
        "The call is offered to the member who has gone longest without a call from the group."
    ),
}
NO_EXTENSION_ADVICE = _("It is advisable to always give a hunt group an extension.")


def _integer(label: Any, low: int, high: int, message: Any) -> validators.IntegerField:
    return validators.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={key: _(message) for key in ("required", "invalid", "min_value", "max_value")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class HuntGroupNamesMixin(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For the overview, for example Verkoop."),
        error_messages={"required": _("Enter a name for the group, for example Verkoop.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        help_text=_("First and last name are shown on the phones, so users see where a call comes from."),
    )
    extension = forms.CharField(
        label=_("Extension"),
        max_length=10,
        required=False,
        help_text=_("2 to 4 digits. A group needs an extension or an external number (or both)."),
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
    distribution = forms.ChoiceField(
        label=_("Call distribution"),
        choices=Distribution.choices,
        initial=Distribution.CIRCULAR,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how calls are distributed over the members.")},
    )

    def distribution_options(self) -> list[tuple[Any, Any]]:
        """Each policy's radio button with its one-line explanation (the page shows them together)."""
        return [(radio, DISTRIBUTION_HELP.get(radio.data["value"], "")) for radio in self["distribution"]]

    def _set_numbers(self, organisation: Organisation, current: PhoneNumber | None) -> None:
        field = self.fields["phone_number"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = free_numbers(organisation=organisation, current=current)


class HuntGroupCreateForm(HuntGroupNamesMixin):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_numbers(organisation, None)


class HuntGroupForm(VersionedFormMixin, HuntGroupNamesMixin):
    """Every section of the edit page in one form: one save, one version."""

    rings = _integer(_("Number of rings"), *domain.RINGS_RANGE, RINGS_MESSAGE)
    move_on = forms.BooleanField(
        label=_("Then call the next member"),
        required=False,
        help_text=_("Off: the first member keeps ringing until the waiting time is over."),
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
    overflow_to = DestinationField(
        label=_("Forward after the waiting time to"), none_label=_("— do not forward —")
    )
    overflow_seconds = _integer(_("Waiting time (seconds)"), *domain.OVERFLOW_SECONDS_RANGE, SECONDS_MESSAGE)
    night_mode = forms.ChoiceField(
        label=_("Night mode"),
        choices=NightModeFollow.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how night mode applies to this group.")},
    )

    SETTINGS = (
        "first_name",
        "last_name",
        "distribution",
        "rings",
        "move_on",
        "overflow_seconds",
        "night_mode",
    )

    def __init__(self, *args: Any, group: HuntGroup, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(group)
        kwargs.setdefault("version", group.version)
        super().__init__(*args, **kwargs)
        self._set_numbers(group.organisation, group.entry.phone_number)
        field = self.fields["overflow_to"]
        assert isinstance(field, DestinationField)
        field.widget.widgets[0].attrs["aria-label"] = str(field.label)
        field.set_choices(group.organisation, itself=group.entry)

    @staticmethod
    def initial_of(group: HuntGroup) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": group.entry.name,
            "extension": group.entry.extension,
            "phone_number": group.entry.phone_number_id,
        }
        for name in HuntGroupForm.SETTINGS:
            initial[name] = getattr(group, name)
        for name, prefix in DESTINATIONS.items():
            initial[name] = initial_destination(group, prefix)
        return initial


class CandidateSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=60)
