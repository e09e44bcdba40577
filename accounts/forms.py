from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core.versioning import VersionedFormMixin

from .models import Membership, Organisation, Role, User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV"))
    )
    return [(z, z.replace("_", " ")) for z in zones]


class OrganisationSettingsForm(VersionedFormMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Organisation
        fields = ["name", "contact_email", "notification_email", "language", "time_zone"]
        error_messages = {"name": {"required": _("Enter the name of the organisation.")}}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name of the organisation."))
        return name


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Enter the e-mail address of the person you invite."),
            "invalid": _("Enter a valid e-mail address, for example naam@bedrijf.nl."),
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.READ_ONLY)


class RoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]


class AcceptInvitationForm(SetPasswordForm):
    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("Repeat the password")
