"""Input validation for the Mobiel pages, with the Dutch error texts (through gettext)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from crispy_forms.bootstrap import AppendedText, PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.validators import validate_ascii_digits
from core.versioning import VersionedFormMixin

from .models import (
    DATA_LIMIT_MAX_MESSAGE,
    DATA_LIMIT_MIN_MESSAGE,
    MAX_DATA_LIMIT_GB,
    MAX_SPENDING_LIMIT,
    OWN_TEXT_MAX_LENGTH,
    SPENDING_LIMIT_MAX_MESSAGE,
    SPENDING_LIMIT_MIN_MESSAGE,
    MobileDefaults,
    Subscription,
    SubscriptionKind,
    SubscriptionStatus,
    VoicemailKind,
    VoicemailLanguage,
    VoicemailVoice,
)

ALERTS_HELP = _("An e-mail goes out when usage reaches this share of the spending limit or the data limit.")
EMAIL_INVALID = _("Enter a valid e-mail address, for example naam@bedrijf.nl.")


class FlexibleDecimalField(forms.DecimalField):
    """Accepts what people type: "49,95", "49.95", "€ 50", "1.000,50", "2,5 GB"."""

    def __init__(self, *, unit: str = "", **kwargs: Any) -> None:
        self.unit = unit
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        validate_ascii_digits(value)
        if isinstance(value, str):
            text = value.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
            if self.unit:
                text = re.sub(re.escape(self.unit) + "$", "", text, flags=re.IGNORECASE)
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            value = text
        return super().to_python(value)


def _spending_limit_field() -> FlexibleDecimalField:
    return FlexibleDecimalField(
        label=_("Monthly spending limit"),
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_SPENDING_LIMIT,
        help_text=_("Costs outside the bundle per month. Leave empty for no limit."),
        error_messages={
            "invalid": _("Enter an amount in euros, for example 50 or 49,95."),
            "min_value": SPENDING_LIMIT_MIN_MESSAGE,
            "max_value": SPENDING_LIMIT_MAX_MESSAGE,
            "max_digits": SPENDING_LIMIT_MAX_MESSAGE,
            "max_whole_digits": SPENDING_LIMIT_MAX_MESSAGE,
            "max_decimal_places": _("Use at most 2 digits after the comma."),
        },
    )


def _data_limit_field() -> FlexibleDecimalField:
    return FlexibleDecimalField(
        unit="GB",
        label=_("Data limit"),
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=MAX_DATA_LIMIT_GB,
        help_text=_("Data per month. Leave empty for no limit."),
        error_messages={
            "invalid": _("Enter a number of GB, for example 10 or 2,5."),
            "min_value": DATA_LIMIT_MIN_MESSAGE,
            "max_value": DATA_LIMIT_MAX_MESSAGE,
            "max_digits": DATA_LIMIT_MAX_MESSAGE,
            "max_whole_digits": DATA_LIMIT_MAX_MESSAGE,
            "max_decimal_places": _("Use at most 1 digit after the comma."),
        },
    )


LIMIT_LABELS = {
    "alert_50": _("at 50%"),
    "alert_80": _("at 80%"),
    "alert_100": _("at 100%"),
    "alert_email": _("Send alerts to"),
    "block_international_calls": _("Calls to international numbers"),
    "block_roaming_calls": _("Calls while abroad"),
    "block_roaming_data": _("Data while abroad"),
    "block_premium_numbers": _("Premium numbers (0900, 0906, 0909)"),
    "block_premium_sms": _("Premium SMS"),
}


def _legend(text: Any) -> Any:
    return format_lazy('<span class="fs-6 fw-semibold">{}</span>', text)


def _limits_layout(*, extra_user: list[Any], extra_blocking: list[Any]) -> Layout:
    return Layout(
        *extra_user,
        Fieldset(
            _legend(_("Limits")),
            Div(
                Div(PrependedText("spending_limit", "€"), css_class="col-sm-6"),
                Div(AppendedText("data_limit_gb", "GB"), css_class="col-sm-6"),
                css_class="row",
            ),
        ),
        Fieldset(
            _legend(_("Usage alerts")),
            HTML(format_lazy('<p class="small text-body-secondary mb-2">{}</p>', ALERTS_HELP)),
            Div(
                Div("alert_50", css_class="col-auto"),
                Div("alert_80", css_class="col-auto"),
                Div("alert_100", css_class="col-auto"),
                css_class="row alert-thresholds",
            ),
            "alert_email",
        ),
        Fieldset(
            _legend(_("Blocking")),
            "block_international_calls",
            "block_roaming_calls",
            "block_roaming_data",
            "block_premium_numbers",
            "block_premium_sms",
            *extra_blocking,
        ),
    )


class LimitsFormMixin(VersionedFormMixin, forms.ModelForm):
    spending_limit = _spending_limit_field()
    data_limit_gb = _data_limit_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in LIMIT_LABELS.items():
            self.fields[name].label = label
            self.fields[name].help_text = ""
        self.fields["alert_email"].error_messages["invalid"] = EMAIL_INVALID
        self.fields["alert_email"].help_text = _(
            "Leave empty to use the organisation's notification address."
        )


class SubscriptionForm(LimitsFormMixin):
    block_sim = forms.BooleanField(
        label=_("The whole SIM (phone lost or stolen)"),
        required=False,
        help_text=_("Calls, SMS and data stop at once. Take the tick away when the phone has been found."),
    )

    class Meta:
        model = Subscription
        fields = ["user_name", *Subscription.DEFAULT_FIELDS]
        labels = {"user_name": _("User name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_name"].help_text = _("Who uses this number, as shown in the list.")
        self.fields["block_sim"].initial = self.instance.status == SubscriptionStatus.BLOCKED
        self.fields["block_sim"].widget.attrs["data-sim-block"] = "1"
        if self.instance.is_terminated:
            for field in self.fields.values():
                field.disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = _limits_layout(extra_user=["user_name"], extra_blocking=["block_sim"])

    def clean_user_name(self) -> str:
        return self.cleaned_data["user_name"].strip()


class MobileDefaultsForm(LimitsFormMixin):
    class Meta:
        model = MobileDefaults
        fields = MobileDefaults.DEFAULT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = _limits_layout(extra_user=[], extra_blocking=[])


class SubscriptionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *SubscriptionKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *SubscriptionStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Number or name"), "type": "search", "autocomplete": "off"}
        )


class VoicemailSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)


# The fields of a voicemail row that hold typed text: changing one of them counts as filling in a row.
VOICEMAIL_TEXT_FIELDS = ["company_name", "person_name", "function", "own_text"]


class VoicemailRowForm(VersionedFormMixin, forms.Form):
    """One number on the Business Voicemail page (R8.3, R8.4)."""

    selected = forms.BooleanField(label=_("Request for this number"), required=False)
    kind = forms.ChoiceField(
        label=_("Type of voicemail"),
        choices=VoicemailKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a type of voicemail."),
            "invalid_choice": _("Choose a type of voicemail."),
        },
    )
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Use at most 100 characters.")},
    )
    person_name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Use at most 100 characters.")},
    )
    function = forms.CharField(
        label=_("Function"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Use at most 100 characters.")},
    )
    own_text = forms.CharField(
        label=_("Your text"),
        max_length=OWN_TEXT_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("Use at most %(limit_value)d characters (now %(show_value)d)."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=VoicemailLanguage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language."), "invalid_choice": _("Choose a language.")},
    )
    voice = forms.ChoiceField(
        label=_("Voice"),
        choices=VoicemailVoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a voice."), "invalid_choice": _("Choose a voice.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "language", "voice"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The fields of the other type are kept (hidden) for switching back, not checked.
        hidden = (
            ["own_text"]
            if data.get("kind") == VoicemailKind.STANDARD
            else ["company_name", "person_name", "function"]
        )
        if data.get("kind"):
            for name in hidden:
                self.errors.pop(name, None)
                self.cleaned_data.setdefault(name, "")
        if data.get("kind") == VoicemailKind.STANDARD:
            for name, message in (
                ("company_name", _("Enter the company name.")),
                ("person_name", _("Enter the name of the person.")),
                ("function", _("Enter the function of the person.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif (
            data.get("kind") == VoicemailKind.OWN
            and not data.get("own_text")
            and "own_text" not in self.errors
        ):
            self.add_error("own_text", _("Enter the text to be recorded."))
        return data

    def current(self) -> dict[str, Any]:
        """The values the row shows now (typed or initial), without validating."""
        return {name: self[name].value() for name in self.fields}

    @property
    def filled_in(self) -> bool:
        """The customer ticked the row or typed something in it."""
        if not self.is_bound:
            return False
        return bool(self["selected"].value()) or any(
            name in self.changed_data for name in VOICEMAIL_TEXT_FIELDS
        )
