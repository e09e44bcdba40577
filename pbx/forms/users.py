"""The forms of the Telefooncentrale's users: create, edit (all sections), app password, greeting.

The forms parse what was typed; the rules are pbx.services.users', whose errors are keyed by
these forms' field names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, PhoneNumber
from core import validators
from core.versioning import VersionedFormMixin
from pbx.domain.audio import AudioProblem
from pbx.forms.destination import DestinationField, initial_destination
from pbx.models import AfterGreeting, NightModeFollow, PbxUser
from pbx.services.directory import free_numbers
from pbx.services.greetings import AUDIO_MESSAGES
from pbx.services.users import DESTINATIONS

NUMBER_CHOICE_ERROR = _("Choose a free number from the list.")


class NumberChoiceField(validators.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display)


def _number_field() -> NumberChoiceField:
    return NumberChoiceField(
        label=_("External number"),
        queryset=PhoneNumber.objects.none(),
        required=False,
        empty_label=_("— no external number —"),
        error_messages={"invalid_choice": NUMBER_CHOICE_ERROR},
        help_text=_("Only your organisation's numbers that are still free are listed."),
    )


class UserNamesMixin(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=60, error_messages={"required": _("Enter the user's first name.")}
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, error_messages={"required": _("Enter the user's last name.")}
    )
    extension = forms.CharField(
        label=_("Extension"),
        max_length=10,
        error_messages={"required": _("Enter an extension of 2 to 4 digits, for example 201.")},
        help_text=_("2 to 4 digits; not 999 (company voicemail) and not an emergency number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone_number = _number_field()

    def _set_numbers(self, organisation: Organisation, current: PhoneNumber | None) -> None:
        field = self.fields["phone_number"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = free_numbers(organisation=organisation, current=current)


class PbxUserCreateForm(UserNamesMixin):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_numbers(organisation, None)


def _switch(label: Any, help_text: Any = "") -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )


class PbxUserForm(VersionedFormMixin, UserNamesMixin):
    """Every section of the edit page in one form: one save, one version."""

    voicemail_enabled = _switch(_("Voicemail on"))
    voicemail_email = forms.EmailField(
        label=_("E-mail address for voicemail messages"),
        required=False,
        help_text=_("Required when voicemail is on."),
    )
    voicemail_copy_email = forms.EmailField(label=_("Copy to (optional)"), required=False)
    voicemail_direct = _switch(_("Direct"), _("Every call goes to voicemail at once."))
    voicemail_on_busy = _switch(_("On busy"))
    voicemail_on_no_answer = _switch(_("On no answer"))
    no_messages = _switch(_("Callers cannot leave a message"))
    after_greeting = forms.ChoiceField(
        label=_("After the greeting"),
        choices=AfterGreeting.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what happens after the greeting.")},
    )
    after_greeting_to = DestinationField(label=_("Forward to after the greeting"), none_label=_("— choose —"))
    forward_always = DestinationField(label=_("Always"), none_label=_("— do not forward —"))
    forward_busy = DestinationField(label=_("On busy"), none_label=_("— do not forward —"))
    forward_no_answer = DestinationField(label=_("On no answer"), none_label=_("— do not forward —"))
    forward_no_answer_seconds = validators.IntegerField(
        label=_("after (seconds)"),
        min_value=5,
        max_value=60,
        error_messages={
            "required": _("Choose a number of seconds from 5 to 60, for example 20."),
            "invalid": _("Choose a number of seconds from 5 to 60, for example 20."),
            "min_value": _("Choose a number of seconds from 5 to 60, for example 20."),
            "max_value": _("Choose a number of seconds from 5 to 60, for example 20."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    forward_unreachable = DestinationField(label=_("When unreachable"), none_label=_("— do not forward —"))
    night_mode = forms.ChoiceField(
        label=_("Night mode"),
        choices=NightModeFollow.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how night mode applies to this user.")},
    )

    SETTINGS = (
        "voicemail_enabled",
        "voicemail_email",
        "voicemail_copy_email",
        "voicemail_direct",
        "voicemail_on_busy",
        "voicemail_on_no_answer",
        "no_messages",
        "after_greeting",
        "forward_no_answer_seconds",
        "night_mode",
    )

    def __init__(self, *args: Any, user: PbxUser, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(user)
        kwargs.setdefault("version", user.version)
        super().__init__(*args, **kwargs)
        self._set_numbers(user.organisation, user.entry.phone_number)
        # One query for the directory; every destination field offers the same choices.
        first: DestinationField | None = None
        for name in DESTINATIONS:
            field = self.fields[name]
            assert isinstance(field, DestinationField)
            # A MultiWidget's <label> points at no input: name the choice itself.
            field.widget.widgets[0].attrs["aria-label"] = str(field.label)
            if first is None:
                field.set_choices(user.organisation, itself=user.entry)
                first = field
            else:
                field.organisation, field.itself = first.organisation, first.itself
                field.widget.widgets[0].choices = first.widget.widgets[0].choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(user: PbxUser) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "extension": user.entry.extension,
            "phone_number": user.entry.phone_number_id,
        }
        for name in PbxUserForm.SETTINGS:
            initial[name] = getattr(user, name)
        for name, prefix in DESTINATIONS.items():
            initial[name] = initial_destination(user, prefix)
        return initial


class AppPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the new password.")},
        help_text=_("At least 10 characters, not a common password."),
    )
    password_again = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the new password a second time.")},
    )


class GreetingForm(forms.Form):
    file = forms.FileField(
        label=_("Greeting (WAV file)"),
        error_messages={
            "required": _("Choose a WAV file to upload."),
            "empty": AUDIO_MESSAGES[AudioProblem.EMPTY],
            "invalid": _("Choose a WAV file to upload."),
        },
        help_text=_("A WAV file (PCM) of at most 5 MB and 3 minutes."),
        widget=forms.ClearableFileInput(attrs={"accept": ".wav,audio/wav,audio/x-wav"}),
    )
