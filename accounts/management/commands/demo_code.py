"""Prints the current two-factor code of the demo operator (staf@operator.example).

The Django admin needs two-factor login; in the demo nobody has the operator's phone, so this
command plays the authenticator app: it reads the account's TOTP secret and prints the code
that is valid now. Works for the demo operator only, never for another account.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from .demo import DEMO_STAFF_EMAIL, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo operator staf@operator.example."

    def handle(self, *args: Any, **options: Any) -> None:
        authenticator = Authenticator.objects.filter(
            user__email=DEMO_STAFF_EMAIL, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError("The demo operator has no authenticator: run `manage.py demo` first.")
        secret = decrypt(authenticator.data["secret"])
        if secret != DEMO_TOTP_SECRET:
            raise CommandError("The demo operator's authenticator was replaced; use that app instead.")
        period = app_settings.TOTP_PERIOD
        if period - time.time() % period < 5:
            # Too little time left to type it: wait for the next one.
            time.sleep(period - time.time() % period)
        now = time.time()
        code = format_hotp_value(hotp_value(secret, int(now // period)))
        seconds = int(period - now % period)
        self.stdout.write(f"{code}  (valid for {seconds} more seconds; secret {secret})")
