"""Making, checking and revoking personal API tokens (api.models.ApiToken).

Making and revoking a key is noted in the organisation's history (a change record without
historical rows, like the security events of core.security_events), so an administrator sees
who holds a key to the organisation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_scopes import scopes_disabled

from accounts.models import Membership, Organisation, User
from core.models import ActorKind, ChangeRecord

from .models import ApiToken

TOKEN_START = "een_"
PREFIX_LENGTH = 8
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOKEN_CREATED = gettext_noop("API key created")
TOKEN_REVOKED = gettext_noop("API key revoked")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _note(token: ApiToken, user: User, summary: str) -> None:
    ChangeRecord.objects.with_scopes_disabled().create(
        organisation_id=token.organisation_id,
        at=timezone.now(),
        by=user,
        actor=ActorKind.MEMBER,
        summary=summary,
    )


def token_memberships(user: User) -> list[Membership]:
    """The organisations the account may make a key for: its active memberships."""
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "organisation_id")
        )


@transaction.atomic
def token_create(
    *, user: User, organisation: Organisation, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new key of user for organisation; returns it with the token, which is never shown again."""
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = [_("Enter a name for the key, for example the system that uses it.")]
    elif len(name) > 100:
        errors["name"] = [_("Choose a name of at most 100 characters.")]
    if not any(m.organisation_id == organisation.pk for m in token_memberships(user)):
        errors["organisation"] = [_("Choose one of the organisations your account belongs to.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("Choose an expiry date in the future, or leave it empty.")]
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )
    if active.count() >= MAX_ACTIVE_TOKENS:
        errors["name"] = [_("You have 20 active keys. Revoke a key you no longer use first.")]
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    organisation=organisation,
                    name=name,
                    prefix=prefix,
                    secret_hash=_hash(raw),
                    expires_at=expires_at,
                )
        except IntegrityError:  # the same prefix twice: draw again
            continue
        _note(token, user, TOKEN_CREATED)
        return token, raw
    raise RuntimeError("no free token prefix")  # pragma: no cover - 2^32 prefixes


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Ends the key at once; returns whether it was still active."""
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        return False
    _note(token, by, TOKEN_REVOKED)
    return True


def token_authenticate(raw: str) -> tuple[ApiToken, Membership] | None:
    """The key and the membership it acts as, or None: unknown, wrong secret, expired, revoked,
    or an account that is no longer an active member (or no longer active at all)."""
    if not raw.startswith(TOKEN_START):
        return None
    prefix, _sep, secret = raw[len(TOKEN_START) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not secret:
        return None
    with scopes_disabled():
        token = ApiToken.objects.select_related("user", "organisation").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.secret_hash, _hash(raw)):
            return None
        now = timezone.now()
        if not token.is_active(now) or not token.user.is_active:
            return None
        membership = (
            Membership.objects.filter(user=token.user_id, organisation=token.organisation_id, is_active=True)
            .select_related("organisation", "user")
            .first()
        )
        if membership is None:
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token, membership
