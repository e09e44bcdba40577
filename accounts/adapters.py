from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    # Our own wording: the portal addresses people formally ("u") and says what to do.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The e-mail address or password is not correct. Check both and try again."
        ),
        "too_many_login_attempts": _(
            "Too many failed login attempts. Wait a few minutes, or use “Forgot your password?”."
        ),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # A mail is written for its reader: in the account's language, not the language of
        # whoever's browser triggered it (an unknown address gets the portal's default).
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (user.language if user else "") or settings.LANGUAGE_CODE
        context = {"portal_name": settings.PORTAL_NAME, "portal_url": settings.PORTAL_URL, **context}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Links in mails point at the portal's configured address, not at the request's host.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.PORTAL_URL + path.replace("UID-KEY", quote(key))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return settings.PORTAL_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are invited by an organisation's administrator or made by staff.
        return False

    # Failed logins. allauth counts an attempt before it checks the password and takes it back
    # when the password was right, so simultaneous correct logins (a team behind one address)
    # were refused; and its per-address limit let anyone keep an account locked with one wrong
    # password a minute. Here only a wrong password counts, per client and per address from
    # that client ("login_failed", ACCOUNT_RATE_LIMITS), with a higher ceiling per address
    # alone ("login_failed_address"). Checking first and counting afterwards lets a client
    # that sends wrong passwords at the same time overshoot by as many as run at once.
    def _login_limits(self, request: HttpRequest, **credentials: Any) -> list[tuple[str, str]]:
        address = self._get_login_attempts_cache_key(request, **credentials)
        # get_ip: the client's address as allauth's own per-IP limit sees it (IPv6 by prefix).
        return [("login_failed", f"{address}:{get_ip(request)}"), ("login_failed_address", address)]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        self._login_failed_rl_usage = None
        for action, key in self._login_limits(request, **credentials):
            if not ratelimit.consume(request, action=action, key=key, dry_run=True):
                raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        for action, key in self._login_limits(request, **credentials):
            ratelimit.consume(request, action=action, key=key)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # A successful password reset lifts the limits of that address.
        for action, key in self._login_limits(request, **credentials):
            ratelimit.clear(request, action=action, key=key)
