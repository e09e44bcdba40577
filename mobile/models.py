"""Mobile subscriptions with their limits and blocking, the organisation's defaults, and
Business Voicemail requests (R1.4, R8)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, format_phone_number, normalise_phone_number
from core.history import HistoricalBase

MAX_SPENDING_LIMIT = Decimal("10000")
MAX_DATA_LIMIT_GB = Decimal("1000")
# The limits' rules, said once: the model validates with them (services, CSV import, API) and the
# forms show the same sentences (mobile/forms.py).
SPENDING_LIMIT_MIN_MESSAGE = _("Enter an amount of € 0 or more, or leave the field empty for no limit.")
SPENDING_LIMIT_MAX_MESSAGE = _("The spending limit can be at most € 10,000.")
DATA_LIMIT_MIN_MESSAGE = _("Enter at least 0,1 GB, or leave the field empty for no limit.")
DATA_LIMIT_MAX_MESSAGE = _("The data limit can be at most 1000 GB.")
OWN_TEXT_MAX_LENGTH = 500
# The manual: "Het kan tot 30 dagen duren voor de Business Voicemail actief is."
VOICEMAIL_MAX_DAYS = 30

# The standard text the studio records, in the language of the voicemail (not of the portal).
STANDARD_TEXTS = {
    "nl": (
        "U bent verbonden met de voicemail van {person}, {function} bij {company}. "
        "Ik ben op dit moment niet bereikbaar. Spreek na de toon een bericht in, "
        "dan bel ik u zo snel mogelijk terug."
    ),
    "en": (
        "You have reached the voicemail of {person}, {function} at {company}. "
        "I cannot take your call right now. Please leave a message after the tone "
        "and I will call you back as soon as possible."
    ),
}


def standard_text(*, language: str, company: str, person: str, function: str) -> str:
    template = STANDARD_TEXTS.get(language, STANDARD_TEXTS["nl"])
    return template.format(company=company or "…", person=person or "…", function=function or "…")


class LimitsAndBlocking(models.Model):
    """Limits, usage alerts and blocking: set per subscription, with defaults per organisation."""

    spending_limit = models.DecimalField(
        _("monthly spending limit (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), message=SPENDING_LIMIT_MIN_MESSAGE),
            MaxValueValidator(MAX_SPENDING_LIMIT, message=SPENDING_LIMIT_MAX_MESSAGE),
        ],
        help_text=_("Costs outside the bundle per month. Leave empty for no limit."),
    )
    data_limit_gb = models.DecimalField(
        _("data limit (GB)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.1"), message=DATA_LIMIT_MIN_MESSAGE),
            MaxValueValidator(MAX_DATA_LIMIT_GB, message=DATA_LIMIT_MAX_MESSAGE),
        ],
        help_text=_("Data per month. Leave empty for no limit."),
    )
    alert_50 = models.BooleanField(_("alert at 50%"), default=False)
    alert_80 = models.BooleanField(_("alert at 80%"), default=False)
    alert_100 = models.BooleanField(_("alert at 100%"), default=False)
    alert_email = models.EmailField(
        _("alert address"),
        blank=True,
        help_text=_("Leave empty to use the organisation's notification address."),
    )
    block_international_calls = models.BooleanField(_("block calls to international numbers"), default=False)
    block_roaming_calls = models.BooleanField(_("block calls while abroad"), default=False)
    block_roaming_data = models.BooleanField(_("block data while abroad"), default=False)
    block_premium_numbers = models.BooleanField(_("block premium numbers (090x)"), default=True)
    block_premium_sms = models.BooleanField(_("block premium SMS"), default=True)

    # The fields "Algemene mobiele instellingen" hands down to subscriptions.
    DEFAULT_FIELDS: ClassVar[list[str]] = [
        "spending_limit",
        "data_limit_gb",
        "alert_50",
        "alert_80",
        "alert_100",
        "alert_email",
        "block_international_calls",
        "block_roaming_calls",
        "block_roaming_data",
        "block_premium_numbers",
        "block_premium_sms",
    ]

    class Meta:
        abstract = True

    @property
    def has_alerts(self) -> bool:
        return self.alert_50 or self.alert_80 or self.alert_100

    def clean_limits(self, organisation: Organisation | None) -> None:
        errors: dict[str, Any] = {}
        if self.has_alerts and self.spending_limit is None and self.data_limit_gb is None:
            errors["alert_100"] = _(
                "Set a spending limit or a data limit first: the alerts are about usage against a limit."
            )
        fallback = organisation and (organisation.notification_email or organisation.contact_email)
        if self.has_alerts and not self.alert_email and not fallback:
            errors["alert_email"] = _(
                "Enter the e-mail address that receives the alerts (your organisation has no "
                "notification address)."
            )
        if errors:
            raise ValidationError(errors)

    def limit_values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.DEFAULT_FIELDS}


class SubscriptionKind(models.TextChoices):
    VOICE_DATA = "voice_data", _("Calls and data")
    DATA_ONLY = "data_only", _("Data only")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("SIM blocked")
    TERMINATED = "terminated", _("Terminated")


class Subscription(LimitsAndBlocking):
    """A mobile subscription (SIM) of the organisation; created by operator staff."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("organisation")
    )
    number = models.CharField(
        _("number"), max_length=20, unique=True, help_text=_("International form, for example +31612345678.")
    )
    user_name = models.CharField(_("user name"), max_length=120, blank=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=SubscriptionKind.choices, default=SubscriptionKind.VOICE_DATA
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("mobile subscription")
        verbose_name_plural = _("mobile subscriptions")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["organisation", "number"], name="mobile_sub_org_number"),
            models.Index(fields=["organisation", "kind", "status"], name="mobile_sub_org_kind_status"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return format_phone_number(self.number)

    @property
    def is_terminated(self) -> bool:
        return self.status == SubscriptionStatus.TERMINATED

    @property
    def voicemail_eligible(self) -> bool:
        """Business Voicemail needs calls: not for data-only (R8.5) or ended subscriptions."""
        return self.kind == SubscriptionKind.VOICE_DATA and not self.is_terminated

    def clean(self) -> None:
        if self.number:
            self.number = normalise_phone_number(self.number)
        self.clean_limits(self.organisation if self.organisation_id else None)


class MobileDefaults(LimitsAndBlocking):
    """ "Algemene mobiele instellingen": what new subscriptions get."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="mobile_defaults", verbose_name=_("organisation")
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("general mobile settings")
        verbose_name_plural = _("general mobile settings")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        self.clean_limits(self.organisation if self.organisation_id else None)


class VoicemailKind(models.TextChoices):
    STANDARD = "standard", _("Standard text")
    OWN = "own", _("Own text")


class VoicemailLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class VoicemailVoice(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class VoicemailStatus(models.TextChoices):
    CONCEPT = "concept", _("Draft")
    SUBMITTED = "submitted", _("Request submitted")
    READY = "ready", _("Voicemail is ready")
    REJECTED = "rejected", _("Rejected")


class VoicemailRequest(models.Model):
    """The current Business Voicemail request of one subscription (R8.2-R8.8).

    Every change by the customer raises ``version`` and puts the request back to "Concept";
    the task that sends it to the studio records only the version it sent, so a change made
    while a send is under way goes through the studio again.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="voicemail_requests",
        verbose_name=_("organisation"),
    )
    subscription = models.OneToOneField(
        Subscription, on_delete=models.CASCADE, related_name="voicemail", verbose_name=_("subscription")
    )
    kind = models.CharField(
        _("type of voicemail"), max_length=16, choices=VoicemailKind.choices, default=VoicemailKind.STANDARD
    )
    company_name = models.CharField(_("company name"), max_length=100, blank=True)
    person_name = models.CharField(_("name"), max_length=100, blank=True)
    function = models.CharField(_("function"), max_length=100, blank=True)
    own_text = models.CharField(_("own text"), max_length=OWN_TEXT_MAX_LENGTH, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=VoicemailLanguage.choices, default=VoicemailLanguage.DUTCH
    )
    voice = models.CharField(
        _("voice"), max_length=8, choices=VoicemailVoice.choices, default=VoicemailVoice.FEMALE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VoicemailStatus.choices, default=VoicemailStatus.CONCEPT
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    studio_reference = models.CharField(_("studio reference"), max_length=80, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted to the studio at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    ready_mailed_at = models.DateTimeField(_("ready e-mail sent at"), null=True, blank=True)

    objects = ScopedManager(organisation="organisation")
    history = HistoricalRecords(bases=[HistoricalBase])

    class Meta:
        verbose_name = _("Business Voicemail request")
        verbose_name_plural = _("Business Voicemail requests")
        ordering = ["subscription__number"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="mobile_vm_org_status"),
            models.Index(fields=["status", "requested_at"], name="mobile_vm_status_requested"),
        ]

    def __str__(self) -> str:
        return f"Business Voicemail {self.subscription}"

    @property
    def text(self) -> str:
        """What the studio records."""
        if self.kind == VoicemailKind.OWN:
            return self.own_text
        return standard_text(
            language=self.language, company=self.company_name, person=self.person_name, function=self.function
        )

    @property
    def is_rejected(self) -> bool:
        return self.status == VoicemailStatus.REJECTED

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.subscription_id:
            subscription = self.subscription
            if not subscription.voicemail_eligible:
                raise ValidationError(
                    _("Business Voicemail is only possible for subscriptions with calls and data.")
                )
            if self.organisation_id and subscription.organisation_id != self.organisation_id:
                raise ValidationError(_("This subscription belongs to another organisation."))
        if self.kind == VoicemailKind.STANDARD:
            for name, message in (
                ("company_name", _("Enter the company name.")),
                ("person_name", _("Enter the name of the person.")),
                ("function", _("Enter the function of the person.")),
            ):
                if not getattr(self, name).strip():
                    errors[name] = message
        elif not self.own_text.strip():
            errors["own_text"] = _("Enter the text to be recorded.")
        if errors:
            raise ValidationError(errors)
