from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import Membership, Organisation, PhoneNumber, Role, User

PASSWORD = "demo-portaal"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    contact_email = factory.Sequence(lambda n: f"info{n}@org.example")


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


def login(user: User) -> Client:
    """A test client logged in as the user, without going through the login form."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
