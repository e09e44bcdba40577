import pytest
from django.urls import reverse

from factories import login

pytestmark = pytest.mark.django_db

ALL_TABS = ["Telefoon", "Telefooncentrale", "Mobiel", "Instellingen", "Gebruikers", "Mijn gegevens"]


def _tab_labels(response) -> list[str]:
    html = response.content.decode()
    nav = html.split('aria-label="Hoofdtabbladen"', 1)[1].split("</nav>", 1)[0]
    return [label for label in ALL_TABS if f">{label}</a>" in nav]


def test_it_shows_all_six_tabs_when_the_organisation_has_every_product(admin_client):
    assert _tab_labels(admin_client.get(reverse("organisation_settings"))) == ALL_TABS


def test_it_hides_the_product_tabs_the_organisation_lacks(outsider_client):
    labels = _tab_labels(outsider_client.get(reverse("organisation_settings")))
    assert labels == ["Mobiel", "Instellingen", "Gebruikers", "Mijn gegevens"]
    assert outsider_client.get(reverse("pbx:index")).status_code == 404
    assert outsider_client.get(reverse("telephony:index")).status_code == 404


def test_it_marks_the_active_tab(admin_client):
    html = admin_client.get(reverse("members")).content.decode()
    assert 'class="nav-link active" href="/gebruikers/" aria-current="page"' in html


def test_it_shows_a_friendly_page_on_an_empty_product_tab(admin_client):
    response = admin_client.get(reverse("mobile:index"))
    assert response.status_code == 200
    assert "Hier komen uw mobiele abonnementen" in response.content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("organisation_settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_lands_an_organisation_with_only_mobile_on_the_mobile_tab(outsider_client):
    assert outsider_client.get(reverse("home"))["Location"] == reverse("mobile:index")


def test_it_switches_between_organisations_of_an_it_partner(org, other_org, admin):
    from factories import MembershipFactory

    MembershipFactory(user=admin, organisation=other_org)
    client = login(admin)
    html = client.get(reverse("organisation_settings")).content.decode()
    assert "Wissel van organisatie" in html
    assert 'value="Bakkerij De Vries"' in html
    client.post(reverse("switch_organisation"), {"organisation": other_org.pk})
    html = client.get(reverse("organisation_settings")).content.decode()
    assert f'value="{other_org.name}"' in html
    assert "Telefooncentrale" not in html.split("</nav>")[1]


def test_it_refuses_switching_to_an_organisation_one_is_not_a_member_of(admin_client, other_org):
    response = admin_client.post(reverse("switch_organisation"), {"organisation": other_org.pk})
    assert response.status_code == 404
    assert 'value="Bakkerij De Vries"' in admin_client.get(reverse("organisation_settings")).content.decode()


def test_it_sends_a_strict_content_security_policy(client):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_it_does_not_save_a_form_made_for_the_organisation_switched_away_from(org, other_org, admin):
    from telephony.models import CallBarring

    from factories import MembershipFactory

    other_org.has_telephony = True
    other_org.save()
    MembershipFactory(user=admin, organisation=other_org)
    client = login(admin)
    client.post(reverse("switch_organisation"), {"organisation": org.pk})
    page = client.get(reverse("telephony:index")).content.decode()
    assert f'name="_organisation" value="{org.pk}"' in page
    # Another tab switches to the other organisation; the open page still posts for the first.
    client.post(reverse("switch_organisation"), {"organisation": other_org.pk})
    response = client.post(reverse("telephony:index"), {"_organisation": org.pk, "mobile": "on"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Niet opgeslagen" in html and "Bakkerij De Vries" in html
    assert not CallBarring.objects.exists()
    # The same form for the current organisation saves.
    client.post(reverse("telephony:index"), {"_organisation": other_org.pk, "mobile": "on"})
    assert CallBarring.objects.get().organisation == other_org
