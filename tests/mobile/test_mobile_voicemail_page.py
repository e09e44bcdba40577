"""The Business Voicemail page: requests per number, types, Wijzig and statuses (R8.2-R8.8)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from mobile.models import SubscriptionStatus, VoicemailRequest, VoicemailStatus

from mobile_factories import SubscriptionFactory, VoicemailRequestFactory

pytestmark = pytest.mark.django_db

URL = reverse("mobile:business_voicemail")


def _row(subscription, **values) -> dict:
    """The fields of one number as the page posts them."""
    prefix = f"vm{subscription.pk}"
    data = {"kind": "standard", "company_name": "", "person_name": "", "function": "", "own_text": ""}
    data.update({"language": "nl", "voice": "female"})
    data.update(values)
    return {f"{prefix}-{name}": value for name, value in data.items() if value is not None}


def _post(client, rows: list, *, action: str | None = "submit", editing=(), extra=None, follow=True):
    data: dict = {"rows": [s.pk for s, _values in rows], "editing": [s.pk for s in editing]}
    for subscription, values in rows:
        data.update(_row(subscription, **values))
    if action:
        data["action"] = action
    data.update(extra or {})
    return client.post(URL, data, follow=follow)


def _html(response) -> str:
    return unescape(response.content.decode())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _row_html(html: str, subscription) -> str:
    return (
        html.split(f'id="vm-row-{subscription.pk}"', 1)[1]
        .split("data-vm-row>", 1)[-1]
        .split('class="vm-row', 1)[0]
    )


@pytest.fixture
def second(org):
    return SubscriptionFactory(organisation=org, number="+31611111111", user_name="Kees Kok")


def test_it_offers_one_row_per_number_with_calls_and_data(admin_client, org, subscription, data_only):
    ended = SubscriptionFactory(organisation=org, number="+31622222222", status=SubscriptionStatus.TERMINATED)
    html = _html(admin_client.get(URL))
    assert f'id="vm-row-{subscription.pk}"' in html
    assert f'id="vm-row-{data_only.pk}"' not in html  # R8.5: not offered
    assert f'id="vm-row-{ended.pk}"' not in html
    assert "Business Voicemail kan niet geactiveerd worden bij abonnementen met alleen data" in html
    assert "Het kan tot 30 dagen duren voor de Business Voicemail actief is." in html
    row = _row_html(html, subscription)
    for label in ["Type voicemail", "Standaardtekst", "Eigen tekst", "Bedrijfsnaam", "Naam", "Functie"]:
        assert label in row
    for label in ["Nederlands", "Engels", "vrouw", "man", "Niet aangevraagd"]:
        assert label in row
    assert ">Aanvragen</button>" in unescape(
        html.replace('<i class="bi bi-send" aria-hidden="true"></i> ', "")
    )


def test_it_saves_requests_for_two_numbers_of_different_types_in_one_go(
    admin_client, subscription, second, django_capture_on_commit_callbacks, mailoutbox
):
    own = "Welkom bij Bakkerij De Vries. Spreek een bericht in na de piep."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _post(
            admin_client,
            [
                (
                    subscription,
                    {"company_name": "Bakkerij De Vries", "person_name": "Sanne", "function": "eigenaar"},
                ),
                (second, {"kind": "own", "own_text": own, "language": "en", "voice": "male"}),
            ],
        )
    assert len(callbacks) == 2  # one studio task per request, queued on commit
    html = _html(response)
    assert "2 aanvragen voor Business Voicemail opgeslagen" in html
    first = VoicemailRequest.objects.get(subscription=subscription)
    assert (first.kind, first.company_name, first.person_name, first.function) == (
        "standard",
        "Bakkerij De Vries",
        "Sanne",
        "eigenaar",
    )
    other = VoicemailRequest.objects.get(subscription=second)
    assert (other.kind, other.own_text, other.language, other.voice) == ("own", own, "en", "male")
    # Sent to the (simulated) studio by the task: the status to the right of each number.
    assert first.status == other.status == VoicemailStatus.SUBMITTED
    html = _html(admin_client.get(URL))
    for s in (subscription, second):
        row = _row_html(html, s)
        assert "Aanvraag ingediend" in row
        assert "Ingediend:" in row and "Uiterlijk klaar:" in row
        assert ">Wijzig</button>" in row.replace('<i class="bi bi-pencil" aria-hidden="true"></i> ', "")
        assert 'name="vm' not in row  # submitted: read-only, no fields
    assert "U bent verbonden met de voicemail van Sanne, eigenaar bij Bakkerij De Vries." in html


def test_it_only_saves_rows_that_were_filled_in_or_ticked(admin_client, subscription, second):
    _post(
        admin_client,
        [
            (
                subscription,
                {"company_name": "Bakkerij De Vries", "person_name": "Sanne", "function": "eigenaar"},
            ),
            (second, {}),
        ],
    )
    assert VoicemailRequest.objects.filter(subscription=subscription).exists()
    assert not VoicemailRequest.objects.filter(subscription=second).exists()


def test_it_saves_a_ticked_row_with_the_text_filled_in_from_the_first_request(
    admin_client, subscription, second
):
    VoicemailRequestFactory(
        subscription=subscription, kind="own", own_text="Onze vaste tekst.", company_name="BDV"
    )
    html = _html(admin_client.get(URL))
    row = _row_html(html, second)
    # R8.6: company data and text of the first request stay filled in.
    assert 'value="BDV"' in row
    assert "Onze vaste tekst.</textarea>" in row
    assert re.search(r'<input type="radio" name="vm\d+-kind" value="own"[^>]* checked>', row)
    response = _post(
        admin_client,
        [(second, {"kind": "own", "own_text": "Onze vaste tekst.", "company_name": "BDV", "selected": "on"})],
    )
    assert "1 aanvraag voor Business Voicemail opgeslagen" in _html(response)
    assert VoicemailRequest.objects.get(subscription=second).own_text == "Onze vaste tekst."


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"person_name": "Sanne", "function": "eigenaar"}, "Vul de bedrijfsnaam in."),
        ({"company_name": "BDV", "function": "eigenaar"}, "Vul de naam van de persoon in."),
        ({"company_name": "BDV", "person_name": "Sanne"}, "Vul de functie van de persoon in."),
        ({"kind": "own", "selected": "on"}, "Vul de tekst in die ingesproken moet worden."),
        ({"kind": "own", "own_text": "x" * 501}, "Gebruik hoogstens 500 tekens (nu 501)."),
        ({"company_name": "BDV", "person_name": "S", "function": "f", "voice": "robot"}, "Kies een stem."),
    ],
)
def test_it_refuses_incomplete_requests_with_dutch_errors(admin_client, subscription, values, message):
    response = _post(admin_client, [(subscription, values)])
    assert response.status_code == 400
    html = _html(response)
    assert message in _row_html(html, subscription)
    assert "Niet alles is goed ingevuld" in html
    assert not VoicemailRequest.objects.exists()


def test_it_saves_nothing_when_one_of_the_rows_is_wrong(admin_client, subscription, second):
    response = _post(
        admin_client,
        [
            (subscription, {"company_name": "BDV", "person_name": "Sanne", "function": "eigenaar"}),
            (second, {"company_name": "BDV", "function": "bakker"}),
        ],
    )
    assert response.status_code == 400
    assert not VoicemailRequest.objects.exists()
    # What was typed stays on the page.
    assert 'value="Sanne"' in _row_html(_html(response), subscription)


def test_it_refuses_a_posted_data_only_subscription(admin_client, data_only):
    response = _post(
        admin_client,
        [
            (
                data_only,
                {"company_name": "BDV", "person_name": "Tablet", "function": "kassa", "selected": "on"},
            )
        ],
        follow=False,
    )
    assert response.status_code == 400
    assert "alleen abonnementen met bellen en data kunnen het krijgen" in _html(response)
    assert not VoicemailRequest.objects.exists()


def test_it_refuses_a_data_only_subscription_in_the_service_too(org, data_only):
    from django.core.exceptions import ValidationError

    from mobile import services

    change = services.VoicemailChange(
        subscription=data_only, values={"kind": "own", "own_text": "Hallo", "language": "nl", "voice": "male"}
    )
    with pytest.raises(ValidationError, match=r"alleen data|data-only"):
        services.voicemail_requests_submit(organisation=org, changes=[change])


def test_it_answers_404_for_another_tenants_number(admin_client, subscription, foreign_subscription):
    response = _post(
        admin_client,
        [
            (subscription, {"company_name": "BDV", "person_name": "Sanne", "function": "eigenaar"}),
            (foreign_subscription, {"company_name": "BDV", "person_name": "Piet", "function": "baas"}),
        ],
        follow=False,
    )
    assert response.status_code == 404
    assert not VoicemailRequest.objects.exists()
    htmx = admin_client.get(URL, {"row": foreign_subscription.pk}, headers={"HX-Request": "true"})
    assert htmx.status_code == 404


def test_it_shows_the_other_fields_for_own_text_without_javascript(admin_client, subscription):
    response = _post(
        admin_client,
        [(subscription, {"kind": "own", "company_name": "BDV"})],
        action=None,
        extra={"refresh": subscription.pk},
    )
    assert response.status_code == 200
    row = _row_html(_html(response), subscription)
    assert "Uw tekst" in row and "<textarea" in row
    assert "0 / 500 tekens" in _text(row)
    assert f'type="hidden" name="vm{subscription.pk}-company_name" value="BDV"' in row
    assert "Vul de" not in row  # no complaints while switching
    assert not VoicemailRequest.objects.exists()


def test_it_swaps_the_fields_with_htmx(admin_client, subscription):
    prefix = f"vm{subscription.pk}"
    response = admin_client.get(
        URL,
        {
            "row": subscription.pk,
            f"{prefix}-kind": "own",
            f"{prefix}-own_text": "Hallo",
            f"{prefix}-language": "nl",
        },
        headers={"HX-Request": "true"},
    )
    html = _html(response)
    assert "<html" not in html
    assert html.lstrip().startswith(f'<div class="vm-row card mb-3" id="vm-row-{subscription.pk}"')
    assert "Hallo</textarea>" in html and "5 / 500 tekens" in _text(html)
    response = admin_client.get(
        URL,
        {"row": subscription.pk, f"{prefix}-kind": "standard", f"{prefix}-person_name": "Sanne"},
        headers={"HX-Request": "true"},
    )
    html = _html(response)
    assert "<textarea" not in html
    assert "Voorbeeld van de tekst" in html
    assert "U bent verbonden met de voicemail van Sanne, … bij …." in html


def test_it_carries_the_standard_texts_for_the_live_preview(admin_client, subscription):
    html = admin_client.get(URL).content.decode()
    assert (
        'data-template-nl="U bent verbonden met de voicemail van {person}, {function} bij {company}.' in html
    )
    assert 'data-template-en="You have reached the voicemail of {person}' in html
    assert "js/mobile.js" in html


def test_it_makes_a_submitted_request_editable_with_wijzig_and_resubmits_a_change(
    admin_client, subscription, second, django_capture_on_commit_callbacks
):
    sent = VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.READY, version=1)
    other = VoicemailRequestFactory(subscription=second, status=VoicemailStatus.SUBMITTED, version=1)
    # Without JavaScript "Wijzig" posts the page and gets the row back with its fields.
    response = admin_client.post(URL, {"rows": [subscription.pk, second.pk], "edit": subscription.pk})
    html = _html(response)
    row = _row_html(html, subscription)
    assert f'name="vm{subscription.pk}-person_name"' in row
    assert f'value="{sent.person_name}"' in row
    assert f'<input type="hidden" name="editing" value="{subscription.pk}">' in row
    assert f'name="vm{second.pk}-person_name"' not in _row_html(html, second)
    # Change it and submit together: the changed one goes back through the studio.
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            admin_client,
            [
                (
                    subscription,
                    {"company_name": sent.company_name, "person_name": "Sanne Bakker", "function": "baas"},
                )
            ],
            editing=[subscription],
        )
    assert "1 aanvraag voor Business Voicemail opgeslagen" in _html(response)
    sent.refresh_from_db()
    assert (sent.person_name, sent.version, sent.status) == ("Sanne Bakker", 2, VoicemailStatus.SUBMITTED)
    assert sent.ready_at is None
    other.refresh_from_db()
    assert other.version == 1


def test_it_leaves_an_unchanged_request_alone_after_wijzig(admin_client, subscription):
    sent = VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.READY)
    response = _post(
        admin_client,
        [
            (
                subscription,
                {"company_name": sent.company_name, "person_name": sent.person_name, "function": "bakker"},
            )
        ],
        editing=[subscription],
    )
    assert "Er waren geen nieuwe of gewijzigde aanvragen." in _html(response)
    sent.refresh_from_db()
    assert sent.status == VoicemailStatus.READY and sent.version == 1


def test_it_opens_a_row_with_htmx_for_wijzig_and_closes_it_again(admin_client, subscription):
    VoicemailRequestFactory(subscription=subscription, status=VoicemailStatus.SUBMITTED)
    edit = _html(
        admin_client.get(URL, {"row": subscription.pk, "mode": "edit"}, headers={"HX-Request": "true"})
    )
    assert f'name="vm{subscription.pk}-person_name"' in edit and ">Annuleren</button>" in edit
    view = _html(
        admin_client.get(URL, {"row": subscription.pk, "mode": "view"}, headers={"HX-Request": "true"})
    )
    assert f'name="vm{subscription.pk}-person_name"' not in view and "Aanvraag ingediend" in view


def test_it_shows_a_rejection_with_its_reason_and_takes_a_resubmission(
    admin_client, subscription, django_capture_on_commit_callbacks
):
    rejected = VoicemailRequestFactory(
        subscription=subscription, status=VoicemailStatus.REJECTED, reject_reason="Functie ontbreekt"
    )
    html = _html(admin_client.get(URL))
    assert "Afgewezen: Functie ontbreekt" in _row_html(html, subscription)
    list_html = _html(admin_client.get(reverse("mobile:index")))
    assert "Afgewezen: Functie ontbreekt" in list_html
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            admin_client,
            [
                (
                    subscription,
                    {
                        "company_name": rejected.company_name,
                        "person_name": rejected.person_name,
                        "function": "bakker",
                    },
                )
            ],
            editing=[subscription],
        )
    rejected.refresh_from_db()
    assert rejected.status == VoicemailStatus.SUBMITTED and rejected.reject_reason == ""


def test_it_shows_the_dates_of_a_ready_voicemail(admin_client, subscription):
    from django.utils import timezone

    VoicemailRequestFactory(
        subscription=subscription,
        status=VoicemailStatus.READY,
        submitted_at=timezone.now(),
        ready_at=timezone.now(),
    )
    row = _row_html(_html(admin_client.get(URL)), subscription)
    assert "Voicemail is klaar" in row
    assert "Aangevraagd:" in row and "Ingediend:" in row and "Klaar:" in row


def test_it_lets_a_read_only_member_see_but_not_request(readonly_client, subscription):
    html = _html(readonly_client.get(URL))
    assert "<fieldset disabled>" in html
    assert ">Aanvragen</button>" not in html
    response = readonly_client.post(
        URL,
        {
            "rows": [subscription.pk],
            "action": "submit",
            **_row(subscription, company_name="x", person_name="y"),
        },
    )
    assert response.status_code == 403
    assert not VoicemailRequest.objects.exists()


def test_it_runs_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    for s in SubscriptionFactory.create_batch(5, organisation=org):
        VoicemailRequestFactory(subscription=s)
    with django_assert_max_num_queries(14) as few:
        admin_client.get(URL)
    for s in SubscriptionFactory.create_batch(60, organisation=org):
        VoicemailRequestFactory(subscription=s, status=VoicemailStatus.READY)
    with django_assert_max_num_queries(14) as many:
        admin_client.get(URL)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_it_pages_and_searches_the_numbers(admin_client, org, subscription):
    SubscriptionFactory.create_batch(25, organisation=org)
    html = _html(admin_client.get(URL))
    assert html.count("data-vm-row>") == 20
    assert "Pagina 1 van 2" in html
    html = _html(admin_client.get(URL, {"q": "06 1234 5678"}))
    assert html.count("data-vm-row>") == 1 and f'id="vm-row-{subscription.pk}"' in html
