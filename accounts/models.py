"""The tenant (Organisation), portal accounts, their memberships and the number pool."""

from __future__ import annotations

from typing import Any, ClassVar

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from core.history import HistoricalBase
from core.validators import validate_ascii_digits

DEFAULT_TIME_ZONE = "Europe/Amsterdam"


class Product(models.TextChoices):
    """The products an organisation can have; each one shows a tab (R1.3)."""

    TELEPHONY = "telephony", _("Phone")
    PBX = "pbx", _("PBX")
    MOBILE = "mobile", _("Mobile")


class Organisation(models.Model):
    """A customer: the tenant every domain object belongs to."""

    name = models.CharField(_("name"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    notification_email = models.EmailField(
        _("notification e-mail address"),
        blank=True,
        help_text=_("Receives notices such as a Business Voicemail that is ready."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    has_telephony = models.BooleanField(_("has the Phone product"), default=False)
    has_pbx = models.BooleanField(_("has the PBX product"), default=False)
    has_mobile = models.BooleanField(_("has the Mobile product"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_product(self, product: str) -> bool:
        return bool(getattr(self, f"has_{product}"))

    @property
    def products(self) -> list[str]:
        return [p.value for p in Product if self.has_product(p.value)]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A portal account; logs in with its e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]
    history = HistoricalRecords(bases=[HistoricalBase], excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    READ_ONLY = "read_only", _("Read only")


class Membership(models.Model):
    """An account's access to one organisation, with a role (R1.6)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ADMIN)
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "is_active", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def normalise_phone_number(value: str, region: str = "NL") -> str:
    """Parse a Dutch or international number as typed and return it in E.164 form.

    Raises ValidationError with a Dutch text that says what to do. Only the digits 0-9 count:
    phonenumbers would also read other scripts' digits, which the PBX does not.
    """
    validate_ascii_digits(value)
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a valid phone number, for example 020 123 4567 or +31 20 123 4567."), code="invalid"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Enter a valid phone number, for example 020 123 4567 or +31 20 123 4567."), code="invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone_number(e164: str) -> str:
    """Show a number the way people in the Netherlands write it."""
    try:
        parsed = phonenumbers.parse(e164, "NL")
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 31:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneNumber(models.Model):
    """A phone number of the organisation's pool (R1.5); features pick free numbers from it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(
        _("number"), max_length=20, unique=True, help_text=_("International form, for example +31201234567.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return format_phone_number(self.number)

    def clean(self) -> None:
        if self.number:
            self.number = normalise_phone_number(self.number)
