"""Mijn gegevens → API-sleutels: list, make (the key is shown once) and revoke one's own keys.

Personal pages (core.tenancy.personal): a key is the account's own, also for a read-only member
(whose key only reads); another account's key is a 404.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api.models import ApiToken
from api.tokens import token_create, token_memberships, token_revoke
from core.tenancy import PortalRequest, organisation_required, personal


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, for example the name of the system that uses it."),
        error_messages={
            "required": gettext_lazy("Enter a name for the key, for example the system that uses it.")
        },
    )
    organisation = forms.TypedChoiceField(label=gettext_lazy("Organisation"), coerce=int)
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        help_text=gettext_lazy("Optional. The key stops working at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date, for example 31-12-2027.")},
    )

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.choices = [  # type: ignore[attr-defined]
            (m.organisation_id, f"{m.organisation.name} ({m.get_role_display()})") for m in memberships
        ]
        field.error_messages["invalid_choice"] = _("Choose one of the organisations your account belongs to.")


def _page(request: PortalRequest, form: TokenForm, status: int = 200, **extra: Any) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=request.user).select_related("organisation"))
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "now": timezone.now(), **extra},
        status=status,
    )


@personal
@require_http_methods(["GET", "POST"])
@organisation_required
def token_list(request: PortalRequest) -> HttpResponse:
    memberships = token_memberships(request.user)
    if request.method != "POST":
        form = TokenForm(memberships=memberships, initial={"organisation": request.organisation.pk})
        return _page(request, form)
    form = TokenForm(request.POST, memberships=memberships)
    if form.is_valid():
        organisation = next(
            m.organisation for m in memberships if m.organisation_id == form.cleaned_data["organisation"]
        )
        day = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.combine(day, time.max), timezone.get_current_timezone())
            if day
            else None
        )
        try:
            token, raw = token_create(
                user=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                expires_at=expires_at,
            )
        except ValidationError as exc:
            for key, problems in exc.message_dict.items():
                form.add_error(
                    "expires_on" if key == "expires_at" else key if key in form.fields else None, problems
                )
        else:
            fresh = TokenForm(memberships=memberships, initial={"organisation": request.organisation.pk})
            return _page(request, fresh, created=token, raw_token=raw)
    return _page(request, form, status=400)


@personal
@require_POST
@organisation_required
def revoke(request: PortalRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    if token_revoke(token=token, by=request.user):
        messages.success(request, _("The key %(name)s no longer works.") % {"name": token.name})
    return redirect("api_tokens")
