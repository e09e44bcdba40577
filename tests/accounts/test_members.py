import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, User

from factories import MembershipFactory, UserFactory, login

pytestmark = pytest.mark.django_db


def test_it_lists_the_accounts_of_the_organisation_only(admin_client, readonly, outsider):
    html = admin_client.get(reverse("members")).content.decode()
    assert readonly.email in html
    assert outsider.email not in html


def test_it_invites_a_new_account_that_sets_its_password_through_the_link(
    admin_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("members"),
            {
                "email": "Nieuw@Bakkerij.example",
                "first_name": "Nina",
                "last_name": "Nieuw",
                "role": Role.READ_ONLY,
            },
            follow=True,
        )
    assert "Er is een uitnodiging verstuurd naar nieuw@bakkerij.example" in response.content.decode()
    assert mail.outbox[-1].to == ["nieuw@bakkerij.example"]
    link = re.search(re.escape(settings.PORTAL_URL) + r"(/uitnodiging/\S+/)", mail.outbox[-1].body).group(1)
    guest = Client()
    assert "Kies een wachtwoord" in guest.get(link).content.decode()
    response = guest.post(
        link, {"new_password1": "Mijn-Eigen-Wachtwoord-1", "new_password2": "Mijn-Eigen-Wachtwoord-1"}
    )
    assert response.status_code == 302
    assert guest.get(reverse("organisation_settings")).status_code == 200
    assert Client().get(link).status_code == 404  # once only
    user = User.objects.get(email="nieuw@bakkerij.example")
    assert user.check_password("Mijn-Eigen-Wachtwoord-1")
    assert user.memberships.get().role == Role.READ_ONLY


def test_it_adds_an_existing_account_of_another_organisation(
    admin_client, org, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("members"), {"email": outsider.email, "role": Role.ADMIN})
    assert Membership.objects.filter(user=outsider, organisation=org, is_active=True).exists()
    assert "Log in met uw bestaande account" in mail.outbox[-1].body


def test_it_refuses_an_invitation_for_someone_who_has_access(admin_client, readonly):
    response = admin_client.post(reverse("members"), {"email": readonly.email, "role": Role.ADMIN})
    assert response.status_code == 400
    assert "heeft al toegang tot deze organisatie" in response.content.decode()


def test_it_refuses_an_invalid_address_in_dutch(admin_client):
    response = admin_client.post(reverse("members"), {"email": "geen adres", "role": Role.ADMIN})
    assert "Vul een geldig e-mailadres in" in response.content.decode()


def test_it_changes_a_role(admin_client, readonly):
    membership = readonly.memberships.get()
    admin_client.post(reverse("member_role", args=[membership.pk]), {"role": Role.ADMIN})
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_it_never_demotes_the_last_administrator(admin_client, admin):
    membership = admin.memberships.get()
    response = admin_client.post(
        reverse("member_role", args=[membership.pk]), {"role": Role.READ_ONLY}, follow=True
    )
    assert "Dit is de laatste beheerder" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_it_never_deactivates_the_last_administrator(org, admin):
    second = MembershipFactory(organisation=org).user
    client = login(second)
    client.post(reverse("member_role", args=[second.memberships.get().pk]), {"role": Role.READ_ONLY})
    membership = admin.memberships.get()
    other_admin = MembershipFactory(organisation=org, user=UserFactory()).user
    login(other_admin).post(
        reverse("member_role", args=[other_admin.memberships.get().pk]), {"role": Role.READ_ONLY}
    )
    response = login(admin).post(reverse("member_deactivate", args=[membership.pk]), follow=True)
    assert "U kunt uw eigen account niet deactiveren" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_it_deactivates_and_reactivates_an_account(admin_client, readonly):
    membership = readonly.memberships.get()
    admin_client.post(reverse("member_deactivate", args=[membership.pk]))
    readonly.refresh_from_db()
    assert not readonly.is_active
    admin_client.post(reverse("member_reactivate", args=[membership.pk]))
    readonly.refresh_from_db()
    assert readonly.is_active


def test_it_keeps_an_account_with_other_organisations_active_when_one_deactivates_it(
    admin_client, readonly, other_org
):
    MembershipFactory(user=readonly, organisation=other_org, role=Role.READ_ONLY)
    admin_client.post(
        reverse(
            "member_deactivate", args=[readonly.memberships.get(organisation__name="Bakkerij De Vries").pk]
        )
    )
    readonly.refresh_from_db()
    assert readonly.is_active


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_accounts(
    admin_client, org, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        admin_client.get(reverse("members"))
    for _ in range(25):
        MembershipFactory(organisation=org, role=Role.READ_ONLY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("members"))


def test_it_shows_read_only_accounts_no_change_buttons(readonly_client):
    html = readonly_client.get(reverse("members")).content.decode()
    assert "Deactiveren" not in html
    assert "Uitnodiging versturen" not in html
    assert "<select" not in html
