from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


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

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are invited by an organisation's administrator or made by staff.
        return False
