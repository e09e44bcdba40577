"""Security events in the history, retention of old history, the read-only admin (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.signals import password_changed
from allauth.mfa.signals import authenticator_added
from django.urls import reverse
from django.utils import timezone

from core.models import ChangeRecord
from core.tasks import prune_history
from pbx.models import PbxUser
from pbx.services import users as user_services

from factories import PASSWORD, PortalClient

pytestmark = pytest.mark.django_db


def _summaries(org) -> list[str]:
    return list(
        ChangeRecord.objects.filter(organisation=org).order_by("at", "pk").values_list("summary", flat=True)
    )


def test_it_records_logins_and_failed_logins_in_the_organisation_history(org, admin):
    client = PortalClient()
    client.post(reverse("account_login"), {"login": admin.email, "password": "fout-wachtwoord"})
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    assert _summaries(org) == ["Login failed", "Logged in"]
    page = client.get(reverse("history:index") + "?kind=security").content.decode()
    assert "Inloggen mislukt" in page and "Ingelogd" in page


def test_it_records_password_and_two_factor_changes(org, admin):
    password_changed.send(sender=type(admin), request=None, user=admin)
    authenticator_added.send(sender=type(admin), request=None, user=admin, authenticator=None)

    assert _summaries(org) == ["Password changed", "Two-factor login switched on"]


def test_it_prunes_history_older_than_the_retention_but_keeps_what_restore_needs(org, admin, settings):
    settings.HISTORY_RETENTION_DAYS = 30
    user = user_services.pbx_user_create(
        organisation=org, by=admin, first_name="Jan", last_name="de Vries", extension="201"
    )
    user_services.pbx_user_update(user=user, by=admin, values={"extension": "202"})
    user_services.pbx_user_update(user=user, by=admin, values={"extension": "203"})
    old = timezone.now() - timedelta(days=31)
    ChangeRecord.objects.filter(organisation=org).update(at=old)
    PbxUser.history.update(history_date=old)
    user_services.pbx_user_update(user=user, by=admin, values={"extension": "204"})

    prune_history()

    assert _summaries(org) == ["PBX user changed"]
    # Of the old rows only the newest stays: the state before the change that remains.
    kept = list(
        PbxUser.history.filter(id=user.pk).order_by("history_id").values_list("history_type", flat=True)
    )
    assert kept == ["~", "~"]


def test_it_shows_staff_every_change_read_only_in_the_admin(staff_client, org, admin):
    user_services.pbx_user_create(
        organisation=org, by=admin, first_name="Jan", last_name="de Vries", extension="201"
    )
    change = ChangeRecord.objects.get(organisation=org)

    listing = staff_client.get(reverse("admin:core_changerecord_changelist"))
    assert listing.status_code == 200
    assert "Bakkerij De Vries" in listing.content.decode()
    assert staff_client.get(reverse("admin:core_changerecord_change", args=[change.pk])).status_code == 200
    assert (
        staff_client.post(
            reverse("admin:core_changerecord_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ChangeRecord.objects.filter(pk=change.pk).exists()
