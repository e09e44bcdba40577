"""Writes on organisations and portal accounts (STYLE.md: keyword-only, atomic, validated)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_scopes import scope

from core.changes import recorded
from core.document import ORGANISATION_FIELDS
from core.organisation_setup import organisation_set_up
from core.revision import config_changed
from core.versioning import claim_version

from .models import Membership, Organisation, Role, User

# What "Instellingen" changes; ORGANISATION_FIELDS of them are in the PBX document's header.
SETTINGS_FIELDS = ("name", "contact_email", "notification_email", "language", "time_zone")
INVITATION_SALT = "accounts.invitation"
INVITATION_MAX_AGE = 7 * 24 * 60 * 60


def _password_state(user: User) -> str:
    # Changes as soon as a password is set or the user logs in: the link works once.
    return salted_hmac(INVITATION_SALT, f"{user.password}|{user.last_login}").hexdigest()[:20]


def invitation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _password_state(user)}, salt=INVITATION_SALT, compress=True)


def invitation_user(token: str) -> User | None:
    """The invited account the token belongs to, or None if it is invalid, used or expired."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(_password_state(user), str(data.get("s"))):
        return None
    return user


def _active_admins(organisation: Organisation) -> int:
    with scope(organisation=organisation):
        return (
            Membership.objects.select_for_update()
            .filter(organisation=organisation, is_active=True, role=Role.ADMIN)
            .count()
        )


def _send_invitation(*, request: HttpRequest | None, membership: Membership, new_account: bool) -> None:
    user = membership.user
    if new_account:
        path = reverse("accept_invitation", kwargs={"token": invitation_token(user)})
    else:
        path = reverse("account_login")
    link = settings.PORTAL_URL + path
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "inviter": membership.invited_by,
        "link": link,
        "new_account": new_account,
        "valid_days": INVITATION_MAX_AGE // 86400,
        "portal_name": settings.PORTAL_NAME,
        "portal_url": settings.PORTAL_URL,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("You have been invited to manage %(organisation)s") % {
            "organisation": membership.organisation.name
        }
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])


@recorded(gettext_noop("Account invited"))
@transaction.atomic
def membership_invite(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    by: User,
    request: HttpRequest | None = None,
) -> Membership:
    """Gives an e-mail address access to the organisation and mails an invitation.

    A new address gets an account without a password and a link to set one; an account
    that exists already (an IT partner with several customers) just gains the membership.
    """
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    new_account = user is None
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name, language=organisation.language)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    with scope(organisation=organisation):
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.is_active:
        raise ValidationError(_("%(email)s already has access to this organisation.") % {"email": email})
    if membership is None:
        membership = Membership(user=user, organisation=organisation)
    membership.role = role
    membership.is_active = True
    membership.invited_by = by
    membership.full_clean()
    membership.save()
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    transaction.on_commit(
        lambda: _send_invitation(request=request, membership=membership, new_account=new_account)
    )
    return membership


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> None:
    """Sets the invited account's password; the link proved the address."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True, primary=True)


@recorded(gettext_noop("Role changed"))
@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    demotes = membership.role == Role.ADMIN and role != Role.ADMIN and membership.is_active
    if demotes and _active_admins(membership.organisation) <= 1:
        raise ValidationError(_("This is the last administrator. Make someone else administrator first."))
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@recorded(gettext_noop("Account deactivated"))
@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    """Takes away the account's access; without any access left it is logged out everywhere."""
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot deactivate your own account. Ask another administrator."))
    if (
        membership.role == Role.ADMIN
        and membership.is_active
        and _active_admins(membership.organisation) <= 1
    ):
        raise ValidationError(_("This is the last administrator. Make someone else administrator first."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    # Across organisations on purpose: is this account still a member anywhere?
    still_member = Membership.objects.with_scopes_disabled().filter(user=user, is_active=True).exists()
    if not still_member and not user.is_staff:
        # Inactive accounts are refused by the authentication backends on every request,
        # which logs them out of every session at once.
        user.is_active = False
        user.save(update_fields=["is_active"])
    return membership


@recorded(gettext_noop("Account reactivated"))
@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User) -> Membership:
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    if not membership.user.is_active:
        membership.user.is_active = True
        membership.user.save(update_fields=["is_active"])
    return membership


# --- Organisations ---------------------------------------------------------------------------


def _clean_organisation(organisation: Organisation) -> None:
    organisation.name = " ".join(organisation.name.split())
    if not organisation.name:
        raise ValidationError({"name": _("Enter the name of the organisation.")})
    organisation.full_clean()


@transaction.atomic
def organisation_create(*, by: User | None = None, **fields: Any) -> Organisation:
    """A new organisation with what every feature gives it from the start (core.organisation_setup)."""
    organisation = Organisation(**fields)
    _clean_organisation(organisation)
    organisation.save()
    organisation_set_up(organisation)
    return organisation


@recorded(gettext_noop("Organisation settings changed"))
@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User | None, expected_version: int | None = None, **fields: Any
) -> Organisation:
    """ "Instellingen": a new name or time zone reaches the PBX (the document's header).

    Refused with StaleEdit when the page was loaded at another version than ``expected_version``.
    """
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update() got unexpected fields {sorted(unknown)}")
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(stored, name) for name in ORGANISATION_FIELDS}
    claim_version(stored, expected_version=expected_version)
    for name, value in fields.items():
        setattr(stored, name, value)
    _clean_organisation(stored)
    stored.save()
    if before != {name: getattr(stored, name) for name in ORGANISATION_FIELDS}:
        config_changed(organisation=stored)
    return stored
