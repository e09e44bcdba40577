"""Issue 14's "Done when", on the demo data: change the night mode destination on its page, see the
change in its history with the name of who made it, put it back in one click and see the PBX
status reach "doorgevoerd" with a new revision. And the built-in schedule, made without history
rows for its ranges, neither breaks the history nor can be put back."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from forms_in_html import form_data

from accounts.models import Organisation, User
from core.history_lines import build_entries, kinds
from core.models import ChangeRecord, PbxSync
from core.restore import restore
from pbx.models import NightMode
from pbx.services.night_mode import night_mode_update
from pbx.sync import tasks
from schedules.models import TimeSchedule

from factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("demo", verbosity=0)
    return Organisation.objects.get(name="Bakkerij De Vries")


@pytest.fixture
def pbx(monkeypatch):
    """A PBX that applies every document it is sent, as the simulator does."""
    from pbx.sync.client import PbxClient

    received: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok"})
        if "/audio" in request.url.path:  # the demo's greetings go first
            return httpx.Response(
                200, json={"audio": []} if request.method == "GET" else {"status": "stored"}
            )
        body = json.loads(request.content)
        received.append(body)
        return httpx.Response(200, json={"applied_revision": body["revision"], "status": "applied"})

    monkeypatch.setattr(
        tasks, "get_client", lambda: PbxClient("http://pbx.test", "t", transport=httpx.MockTransport(answer))
    )
    return received


def test_done_when_change_the_demo_night_mode_see_it_with_the_name_restore_and_see_it_applied(
    demo, pbx, django_capture_on_commit_callbacks
):
    sanne = User.objects.get(email="beheerder@bakkerij.example")
    client = login(sanne)
    page = reverse("pbx:night_mode")
    before = NightMode.objects.get(organisation=demo)
    was = (before.destination_kind, before.destination_entry_id, before.destination_number)
    data = form_data(client.get(page).content.decode(), "destination_0")
    data.update(destination_0=["external"], destination_1=["020-1234567"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, data).status_code == 302
    changed_in = PbxSync.objects.get(organisation=demo).applied_revision
    assert pbx[-1]["config"]["night_mode"]["destination"] == {"type": "external", "number": "+31201234567"}

    html = client.get(page).content.decode()
    source = re.search(r'class="object-history-entries" data-history-src="([^"]+)"', html)
    assert source is not None
    section = client.get(
        source.group(1).replace("&amp;", "&"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    ).content.decode()
    assert "Sanne de Vries (beheerder@bakkerij.example)" in section
    assert "→ 020 123 4567" in section
    assert f"Centraleversie {changed_in}: doorgevoerd" in section
    button = re.search(
        r'<form method="post" action="([^"]+)".*?name="object" value="([^"]+)".*?name="next" value="([^"]+)"',
        section,
        re.S,
    )
    assert button is not None, "no Terugzetten button in the night mode's history"

    with django_capture_on_commit_callbacks(execute=True):
        restored = client.post(button.group(1), {"object": button.group(2), "next": button.group(3)})

    assert restored.status_code == 302 and restored.url == f"http://testserver{page}"
    night = NightMode.objects.get(organisation=demo)
    assert (night.destination_kind, night.destination_entry_id, night.destination_number) == was
    sync = PbxSync.objects.get(organisation=demo)
    assert sync.desired_revision == sync.applied_revision == changed_in + 1
    assert (
        pbx[-1]["revision"] == changed_in + 1
        and pbx[-1]["config"]["night_mode"]["destination"]["type"] == was[0]
    )
    after = client.get(page).content.decode()
    assert "Teruggezet zoals het was vóór deze wijziging." in after
    assert "Alle wijzigingen zijn doorgevoerd op de centrale" in after
    latest = ChangeRecord.objects.filter(organisation=demo).latest("at", "pk")
    assert (latest.summary, latest.by, latest.pbx_revision) == (
        "Restored to an earlier state",
        sanne,
        changed_in + 1,
    )
    again = client.get(source.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).content.decode()
    assert (
        "Teruggezet naar een eerdere stand" in again
        and f"Centraleversie {changed_in + 1}: doorgevoerd" in again
    )


def test_the_built_in_schedule_shows_in_the_history_but_is_never_put_back(demo):
    sanne = User.objects.get(email="beheerder@bakkerij.example")
    builtin = TimeSchedule.objects.get(organisation=demo, is_builtin=True)
    client = login(sanne)
    own = client.get(reverse("history:object"), {"object": f"schedules.timeschedule:{builtin.pk}"})
    assert own.status_code == 200 and "Geen wijzigingen gevonden." in own.content.decode()
    night_mode_update(
        organisation=demo, by=sanne, setting="auto", time_schedule=builtin, holiday_schedule=None
    )
    change = ChangeRecord.objects.filter(organisation=demo).latest("at", "pk")
    (entry,) = build_entries([change], demo)
    assert any("Elke dag, de hele dag" in line for line in entry.groups[0].lines)
    assert [g.kind.key for g in entry.groups] == ["pbx.nightmode"]

    with pytest.raises(ValidationError) as refused:
        restore(record=change, kind=kinds()["schedules.timeschedule"], object_id=builtin.pk, by=sanne)

    assert "ingebouwde schema" in " ".join(refused.value.messages)
    forged = client.post(
        reverse("history:restore", args=[change.pk]),
        {"object": f"schedules.timeschedule:{builtin.pk}"},
        follow=True,
    )
    assert "Kies een onderdeel van deze wijziging om terug te zetten." in forged.content.decode()
    assert list(builtin.ranges.values_list("weekday", flat=True)) == list(range(7))
