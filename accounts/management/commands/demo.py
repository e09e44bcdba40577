"""Loads the demo organisations and accounts. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from accounts.models import Membership, Organisation, PhoneNumber, Role, User
from accounts.services import organisation_create

DEMO_PASSWORD = "demo-portaal"
DEMO_STAFF_EMAIL = "staf@operator.example"
# Published on purpose, like the password: it is the demo. Real staff set up their own.
DEMO_TOTP_SECRET = "OPERATORDEMOTWOFACTORCODE234567A"
FEATURE_APPS = ("schedules", "telephony", "pbx", "mobile")


def _account(email: str, first: str, last: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
    return user


def _organisation(name: str, **fields: Any) -> Organisation:
    # Made like every organisation (accounts.services): with the built-in schedule (R4.4).
    return Organisation.objects.filter(name=name).first() or organisation_create(name=name, **fields)


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        # The demo loader sets up several organisations at once, as staff would in the admin.
        with scopes_disabled():
            bakkerij = _organisation(
                "Bakkerij De Vries",
                contact_email="info@bakkerij.example",
                notification_email="meldingen@bakkerij.example",
                has_telephony=True,
                has_pbx=True,
                has_mobile=True,
            )
            jansen = _organisation(
                "Jansen Installatietechniek", contact_email="info@jansen.example", has_mobile=True
            )
            for i in range(20):
                PhoneNumber.objects.get_or_create(
                    number=f"+3120555{1000 + i:04d}", defaults={"organisation": bakkerij}
                )
            _member(_account("beheerder@bakkerij.example", "Sanne", "de Vries"), bakkerij, Role.ADMIN)
            _member(_account("kijker@bakkerij.example", "Kees", "Kijker"), bakkerij, Role.READ_ONLY)
            _member(_account("beheerder@jansen.example", "Piet", "Jansen"), jansen, Role.ADMIN)
            if not User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
                User.objects.create_superuser(
                    email=DEMO_STAFF_EMAIL,
                    password=DEMO_PASSWORD,
                    first_name="Olga",
                    last_name="Operator",
                )
            staff = User.objects.get(email=DEMO_STAFF_EMAIL)
            EmailAddress.objects.get_or_create(
                user=staff, email=DEMO_STAFF_EMAIL, defaults={"primary": True, "verified": True}
            )
            # The admin needs two-factor login: the demo operator has an authenticator app
            # with a published secret (`manage.py demo_code` prints its current code).
            if not is_mfa_enabled(staff, [Authenticator.Type.TOTP]):
                TOTP.activate(staff, DEMO_TOTP_SECRET)
            organisations = {"bakkerij": bakkerij, "jansen": jansen}
            # Each feature app adds its own demo objects in <app>/demo.py: load(organisations).
            for name in FEATURE_APPS:  # in dependency order
                if apps.is_installed(name) and importlib.util.find_spec(f"{name}.demo"):
                    importlib.import_module(f"{name}.demo").load(organisations)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
