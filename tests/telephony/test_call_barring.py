import pytest
from django.urls import reverse

from core.models import PbxSync
from telephony.models import CallBarring

pytestmark = pytest.mark.django_db


def test_it_explains_each_box_with_an_example(admin_client):
    html = admin_client.get(reverse("telephony:index")).content.decode()
    for text in ["Internationale nummers", "Mobiele nummers", "0900 1234567", "0906 1234567", "0909 1234567"]:
        assert text in html


def test_it_saves_the_ticked_boxes_and_keeps_them_after_reload(admin_client, org):
    response = admin_client.post(
        reverse("telephony:index"), {"erotic_0906": "on", "entertainment_0909": "on"}, follow=True
    )
    assert "Wijzigingen opgeslagen" in response.content.decode()
    barring = CallBarring.objects.get(organisation=org)
    assert barring.as_dict() == {
        "international": False,
        "mobile": False,
        "premium_0900": False,
        "erotic_0906": True,
        "entertainment_0909": True,
    }
    html = admin_client.get(reverse("telephony:index")).content.decode()
    assert 'name="erotic_0906" id="id_erotic_0906" aria-describedby="id_erotic_0906-help" checked' in html
    assert PbxSync.objects.get(organisation=org).desired_revision == 1
    assert barring.history.count() == 1


def test_it_does_not_bump_the_revision_when_nothing_changes(admin_client, org):
    admin_client.post(reverse("telephony:index"), {"mobile": "on"})
    admin_client.post(reverse("telephony:index"), {"mobile": "on"})
    assert PbxSync.objects.get(organisation=org).desired_revision == 1


def test_it_shows_read_only_accounts_the_boxes_without_saving(readonly_client, org):
    html = readonly_client.get(reverse("telephony:index")).content.decode()
    assert "<fieldset disabled>" in html and ">Opslaan</button>" not in html
    assert readonly_client.post(reverse("telephony:index"), {"mobile": "on"}).status_code == 403
    assert not CallBarring.objects.filter(organisation=org).exists()
