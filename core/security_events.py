"""Security events in the organisation's history (issue 14): logins, failed logins, password and
e-mail changes, two-factor login switched on or off.

Each is a ChangeRecord of every organisation the account is an active member of, with a
summary and no historical rows (nothing of the organisation changed). Invitations, role
changes and deactivations are recorded by their services (accounts.services) already.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Membership, User

from .models import ActorKind, ChangeRecord

LOGGED_IN = gettext_noop("Logged in")
LOGIN_FAILED = gettext_noop("Login failed")
PASSWORD_CHANGED = gettext_noop("Password changed")
PASSWORD_RESET = gettext_noop("Password reset by e-mail")
EMAIL_CHANGED = gettext_noop("E-mail address changed")
TWO_FACTOR_ON = gettext_noop("Two-factor login switched on")
TWO_FACTOR_OFF = gettext_noop("Two-factor login switched off")

# Every summary the history's "Security" filter shows, those of the account services included.
SECURITY_SUMMARIES = (
    LOGGED_IN,
    LOGIN_FAILED,
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    EMAIL_CHANGED,
    TWO_FACTOR_ON,
    TWO_FACTOR_OFF,
    gettext_noop("Account invited"),
    gettext_noop("Role changed"),
    gettext_noop("Account deactivated"),
    gettext_noop("Account reactivated"),
)


def record_security_event(user: User | None, summary: str) -> None:
    if user is None or not user.pk:
        return
    organisation_ids = (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, is_active=True)
        .values_list("organisation_id", flat=True)
    )
    now = timezone.now()
    ChangeRecord.objects.with_scopes_disabled().bulk_create(
        [
            ChangeRecord(organisation_id=pk, at=now, by=user, actor=ActorKind.MEMBER, summary=summary)
            for pk in organisation_ids
        ]
    )


@receiver(account_signals.user_logged_in)  # allauth's: a login through the login page
def _logged_in(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, LOGGED_IN)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    if email:
        record_security_event(User.objects.filter(email=email).first(), LOGIN_FAILED)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def _password_changed(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, PASSWORD_CHANGED)


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, PASSWORD_RESET)


@receiver(account_signals.email_changed)
def _email_changed(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, EMAIL_CHANGED)


@receiver(mfa_signals.authenticator_added)
def _two_factor_on(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, TWO_FACTOR_ON)


@receiver(mfa_signals.authenticator_removed)
def _two_factor_off(sender: Any, user: User, **kwargs: Any) -> None:
    record_security_event(user, TWO_FACTOR_OFF)
