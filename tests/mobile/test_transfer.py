"""CSV export of mobile subscriptions and import of their limits and blocking (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ChangeRecord
from mobile.models import Subscription, SubscriptionStatus

from factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("mobile:subscriptions_import")
EXPORT = reverse("mobile:subscriptions_export")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def subs(org):
    return [
        SubscriptionFactory(organisation=org, number="+31612345678", user_name="Jan"),
        SubscriptionFactory(organisation=org, number="+31612345679", user_name="Piet"),
    ]


def _upload(client, text: str, encoding: str = "utf-8"):
    return client.post(IMPORT, {"file": SimpleUploadedFile("abonnementen.csv", text.encode(encoding))})


def _apply(client, response):
    return client.post(
        IMPORT, {"upload": response.context["upload"], "fingerprint": response.context["preview"].fingerprint}
    )


def test_the_export_has_limits_and_blocking_in_dutch(admin_client, subs):
    text = admin_client.get(EXPORT).content.decode()
    header, row = text[1:].splitlines()[:2]
    assert header.startswith("Nummer;Naam gebruiker;Type;Status;")
    assert row.startswith("06 12345678;Jan;")


def test_round_trip_changes_nothing(admin_client, subs):
    response = _upload(admin_client, admin_client.get(EXPORT).content.decode())
    assert response.context["preview"].counts == {"create": 0, "change": 0, "unchanged": 2, "error": 0}


def test_import_sets_limits_and_blocks_a_sim_in_one_record(admin_client, org, subs):
    records = ChangeRecord.objects.filter(organisation=org).count()
    text = (
        "Nummer;Maandelijkse bestedingslimiet (€);Melding bij 80%;Adres voor meldingen;Hele simkaart blokkeren\n"
        "06 12345678;25,50;ja;jan@bakkerij.example;nee\n"
        "+31 6 12345679;;;;ja\n"
    )
    response = _upload(admin_client, text, encoding="cp1252")
    assert response.status_code == 200, response.context["preview"].errors
    assert _apply(admin_client, response).status_code == 302
    jan, piet = (Subscription.objects.get(pk=s.pk) for s in subs)
    assert (
        jan.spending_limit == Decimal("25.50") and jan.alert_80 and jan.alert_email == "jan@bakkerij.example"
    )
    assert piet.status == SubscriptionStatus.BLOCKED
    assert ChangeRecord.objects.filter(organisation=org).count() == records + 1


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Nummer;Naam gebruiker\n06 87654321;X\n", "geen abonnement van uw organisatie"),
        ("Nummer;Maandelijkse bestedingslimiet (€)\n06 12345678;-5\n", "€ 0 of meer"),
        ("Nummer;Maandelijkse bestedingslimiet (€)\n06 12345678;veel\n", "bedrag"),
        ("Nummer;Melding bij 80%\n06 12345678;ja\n", "limiet"),
        ("Nummer;Naam gebruiker\n06 12345678;A\n0612345678;B\n", "rij 2"),
    ],
)
def test_bad_rows_write_nothing(admin_client, subs, text, said):
    response = _upload(admin_client, text)
    assert response.status_code == 400
    assert said in response.content.decode(), [e.message for e in response.context["preview"].errors]
    assert Subscription.objects.get(pk=subs[0].pk).user_name == "Jan"


def test_the_export_runs_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    SubscriptionFactory(organisation=org)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(EXPORT)
    for _i in range(20):
        SubscriptionFactory(organisation=org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(EXPORT).content.decode().count("\r\n") == 22


def test_read_only_exports_but_cannot_import_and_outsiders_see_nothing(
    readonly_client, outsider_client, subs
):
    assert readonly_client.get(EXPORT).status_code == 200
    assert readonly_client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", b"Nummer\n")}).status_code == 403
    text = outsider_client.get(EXPORT).content.decode()
    assert "12345678" not in text
