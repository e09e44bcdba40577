from __future__ import annotations

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from accounts.models import Membership, Organisation, PhoneNumber, Role, User
from core.models import ChangeRecord
from core.tenancy import current_membership
from mobile.models import Subscription, SubscriptionKind
from pbx.models import DirectoryEntry, EntryKind, HuntGroup, IvrMenu, PbxUser
from schedules.models import HolidaySchedule, TimeSchedule

PASSWORD = "demo-portaal"
TOTP_SECRET = "OPERATORTESTTWOFACTORSECRET23456"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    contact_email = factory.Sequence(lambda n: f"info{n}@org.example")

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: object, **kwargs: object) -> Organisation:
        # Made the way the product makes them: with the built-in schedule and whatever else
        # every organisation gets from the start.
        from accounts.services import organisation_create

        return organisation_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Sanne"
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"primary": True, "verified": True}
            )

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        # Staff need two-factor login for the admin: staff accounts get an authenticator app
        # (TOTP_SECRET) unless a test asks for none with authenticator=False.
        if create and self.is_staff and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code a staff member's authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time() // 30)))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ADMIN


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"+3130{2000000 + n:07d}")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"+316{10000000 + n:08d}")
    user_name = factory.Sequence(lambda n: f"Medewerker {n}")
    kind = SubscriptionKind.VOICE_DATA


class TimeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeSchedule

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Openingstijden {n}")


class HolidayScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidaySchedule

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Feestdagen {n}")


class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryEntry

    organisation = factory.SubFactory(OrganisationFactory)
    kind = EntryKind.USER
    name = factory.Sequence(lambda n: f"Gebruiker {n}")
    # 2000-9999: four digits, never 999, an emergency number or a leading 0.
    extension = factory.Sequence(lambda n: str(2000 + n % 8000))


class PbxUserFactory(factory.django.DjangoModelFactory):
    """A PBX user with its directory entry (extension, no external number unless given)."""

    class Meta:
        model = PbxUser

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Jansen {n}")
    entry = factory.SubFactory(
        DirectoryEntryFactory,
        organisation=factory.SelfAttribute("..organisation"),
        name=factory.LazyAttribute(
            lambda entry: f"{entry.factory_parent.first_name} {entry.factory_parent.last_name}"
        ),
    )
    app_username = factory.Sequence(lambda n: f"gebruiker{n}")


class HuntGroupFactory(factory.django.DjangoModelFactory):
    """A hunt group with its directory entry (an extension, no members unless added)."""

    class Meta:
        model = HuntGroup

    organisation = factory.SubFactory(OrganisationFactory)
    entry = factory.SubFactory(
        DirectoryEntryFactory,
        organisation=factory.SelfAttribute("..organisation"),
        kind=EntryKind.HUNT_GROUP,
        name=factory.Sequence(lambda n: f"Belgroep {n}"),
    )


class ChangeRecordFactory(factory.django.DjangoModelFactory):
    """A change of the organisation's history (issue 14), as a service would record it."""

    class Meta:
        model = ChangeRecord

    organisation = factory.SubFactory(OrganisationFactory)
    at = factory.LazyFunction(timezone.now)
    summary = "Night mode changed"


class IvrMenuFactory(factory.django.DjangoModelFactory):
    """An IVR menu with its directory entry (an extension) on a time schedule of its organisation."""

    class Meta:
        model = IvrMenu

    organisation = factory.SubFactory(OrganisationFactory)
    entry = factory.SubFactory(
        DirectoryEntryFactory,
        organisation=factory.SelfAttribute("..organisation"),
        kind=EntryKind.IVR_MENU,
        name=factory.Sequence(lambda n: f"Keuzemenu {n}"),
    )
    time_schedule = factory.SubFactory(
        TimeScheduleFactory, organisation=factory.SelfAttribute("..organisation")
    )


# One factory per tenant model a URL can name by id: the tenancy sweep makes a real object of
# the right model for another organisation with it (tests/url_sweep.py, URL_OBJECTS).
TENANT_OBJECT_FACTORIES: dict[type, type[factory.django.DjangoModelFactory]] = {
    Membership: MembershipFactory,
    Subscription: SubscriptionFactory,
    TimeSchedule: TimeScheduleFactory,
    HolidaySchedule: HolidayScheduleFactory,
    PbxUser: PbxUserFactory,
    HuntGroup: HuntGroupFactory,
    IvrMenu: IvrMenuFactory,
    ChangeRecord: ChangeRecordFactory,
}


class PortalClient(Client):
    """Posts the way the portal's pages do: every form carries the organisation it was made for.

    `{% form_guard %}` puts the current organisation in a hidden `_organisation` field of
    every POST form; this client adds it the same way, unless the test sends its own claim.
    A test of the missing claim itself uses a plain `Client`.
    """

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, *args, headers=None, **extra):
        claim = self.organisation_claim()
        claimed = "_organisation" in (data or {}) or "X-Portal-Organisation" in (headers or {})
        if claim and not claimed and content_type == MULTIPART_CONTENT:
            if isinstance(data, MultiValueDict):
                data = data.copy()
                data["_organisation"] = claim
            else:
                data = {"_organisation": claim, **(data or {})}
        return super().post(path, data, content_type, *args, headers=headers, **extra)

    def organisation_claim(self) -> str | None:
        """The id of the organisation the logged-in account works in now, as the page shows it."""
        if settings.SESSION_COOKIE_NAME not in self.cookies:
            return None
        session = self.session
        user_id = session.get(SESSION_KEY)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None:
            return None
        _memberships, current = current_membership(user, session)
        return str(current.organisation_id) if current else None


def login(user: User) -> PortalClient:
    """A test client logged in as the user, without going through the login form."""
    client = PortalClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
