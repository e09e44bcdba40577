"""The "users" section of the PBX document (schema version 3), destinations in it, and greetings
reaching the PBX before the document that refers to them."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import Organisation
from core import uploads
from core.models import PbxSync
from core.revision import config_changed
from pbx.document.users import render_users
from pbx.domain.audio import tone_wav
from pbx.models import AfterGreeting, EntryKind, Greeting, NightMode
from pbx.simulator import RunningSimulator
from pbx.simulator.validation import validate_config
from pbx.sync import render as config
from pbx.sync import tasks
from tests.factories import DirectoryEntryFactory, OrganisationFactory, PbxUserFactory, PhoneNumberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _greeting(org: Organisation, data: bytes, name: str = "begroeting.wav") -> Greeting:
    sha256 = hashlib.sha256(data).hexdigest()
    uploads.store("greetings", f"{sha256}.wav", data)
    return Greeting.objects.create(
        organisation=org, sha256=sha256, name=name, size=len(data), duration_ms=500
    )


def _users(org: Organisation) -> list[dict]:
    return config.render(Organisation.objects.get(pk=org.pk))["users"]


def test_it_renders_a_user_with_everything_set(org):
    number = PhoneNumberFactory(organisation=org, number="+31201234567")
    colleague = PbxUserFactory(organisation=org, first_name="Piet", last_name="Bakker")
    group = DirectoryEntryFactory(
        organisation=org, kind=EntryKind.HUNT_GROUP, name="Verkoop", extension="300"
    )
    greeting = _greeting(org, tone_wav(0.5))
    user = PbxUserFactory(
        organisation=org,
        first_name="Anna",
        last_name="de Boer",
        entry__extension="201",
        entry__phone_number=number,
        app_username="anna.deboer",
        app_secret="d" * 64,
        voicemail_enabled=True,
        voicemail_email="anna@bakkerij.example",
        voicemail_copy_email="kantoor@bakkerij.example",
        voicemail_direct=True,
        voicemail_on_busy=False,
        greeting=greeting,
        no_messages=True,
        after_greeting=AfterGreeting.FORWARD,
        after_greeting_kind="entry",
        after_greeting_entry=group,
        forward_always_kind="voicemail",
        forward_busy_kind="entry",
        forward_busy_entry=colleague.entry,
        forward_no_answer_kind="external",
        forward_no_answer_number="+31612345678",
        forward_no_answer_seconds=35,
        night_mode="on",
    )

    document = config.render(org)
    rendered = next(u for u in document["users"] if u["key"] == f"u{user.entry.pk}")

    assert rendered == {
        "key": f"u{user.entry.pk}",
        "first_name": "Anna",
        "last_name": "de Boer",
        "extension": "201",
        "external_number": "+31201234567",
        "app_login": {"username": "anna.deboer", "secret": "d" * 64},
        "voicemail": {
            "enabled": True,
            "email": "anna@bakkerij.example",
            "copy_email": "kantoor@bakkerij.example",
            "direct": True,
            "on_busy": False,
            "on_no_answer": True,
        },
        "greeting": {"audio": greeting.sha256},
        "no_messages": True,
        "after_greeting": {"action": "forward", "destination": {"type": "hunt_group", "key": f"g{group.pk}"}},
        "forwarding": {
            "always": {"type": "voicemail"},
            "busy": {"type": "user", "key": f"u{colleague.entry.pk}"},
            "no_answer": {"type": "external", "number": "+31612345678"},
            "no_answer_seconds": 35,
            "unreachable": None,
        },
        "night_mode": "on",
    }
    # The hunt group is not in the document yet (hunt_groups is empty until that feature): the PBX
    # would refuse the reference, and says which one.
    assert validate_config(document) == [
        "users[1].after_greeting.destination.key: no such user, hunt group or IVR menu"
    ]


def test_it_renders_a_bare_user_with_nulls_and_never_the_password(org):
    user = PbxUserFactory(organisation=org, first_name="Piet", last_name="Bakker", entry__extension="202")

    [rendered] = _users(org)

    assert rendered["app_login"] is None  # No password set yet.
    assert rendered["external_number"] is None
    assert rendered["voicemail"]["email"] is None and rendered["voicemail"]["copy_email"] is None
    assert rendered["greeting"] is None
    assert rendered["after_greeting"] == {"action": "hang_up", "destination": None}
    assert rendered["forwarding"] == {
        "always": None,
        "busy": None,
        "no_answer": None,
        "no_answer_seconds": 20,
        "unreachable": None,
    }
    assert rendered["night_mode"] == "follow"
    assert user.app_username not in str(rendered)
    assert validate_config(config.render(org)) == []


def test_it_orders_users_by_key_whatever_their_names(org):
    users = [PbxUserFactory(organisation=org, last_name=name) for name in ("Zwart", "Aalders", "Mulder")]

    assert [u["key"] for u in _users(org)] == [f"u{user.entry.pk}" for user in users]
    assert _users(org) == _users(org)


def test_it_renders_only_the_organisations_own_users(org):
    PbxUserFactory(organisation=org)
    other = OrganisationFactory(name="Slagerij Jansen")
    PbxUserFactory(organisation=other)

    assert len(_users(org)) == 1


@pytest.mark.parametrize("count", [3, 300])
def test_it_renders_users_in_a_fixed_number_of_queries(org, count):
    target = PbxUserFactory(organisation=org)
    greeting = _greeting(org, tone_wav(0.3))
    for i in range(count - 1):
        PbxUserFactory(
            organisation=org,
            entry__phone_number=PhoneNumberFactory(organisation=org),
            greeting=greeting if i % 2 else None,
            forward_busy_kind="entry",
            forward_busy_entry=target.entry,
            forward_unreachable_kind="external",
            forward_unreachable_number="+31612345678",
        )
    organisation = Organisation.objects.get(pk=org.pk)

    with CaptureQueriesContext(connection) as queries:
        users = render_users(organisation)

    assert len(users) == count
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_it_renders_the_company_night_mode_destination_as_a_destination(org):
    user = PbxUserFactory(organisation=org, entry__extension="201")
    night = NightMode.objects.create(organisation=org)

    def destination(kind: str, entry=None, number: str = "") -> dict:
        NightMode.objects.filter(pk=night.pk).update(
            destination_kind=kind, destination_entry=entry, destination_number=number
        )
        return config.render(Organisation.objects.get(pk=org.pk))["night_mode"]["destination"]

    assert destination("voicemail") == {"type": "voicemail"}
    assert destination("entry", entry=user.entry) == {"type": "user", "key": f"u{user.entry.pk}"}
    assert destination("external", number="+31612345678") == {"type": "external", "number": "+31612345678"}
    assert validate_config(config.render(Organisation.objects.get(pk=org.pk))) == []


def test_it_renders_voicemail_as_the_night_destination_without_a_night_mode(org):
    document = config.render(org)

    assert document["schema_version"] == 3
    assert document["night_mode"]["destination"] == {"type": "voicemail"}
    assert document["users"] == []


def test_it_finds_every_audio_the_document_refers_to(org):
    first, second = _greeting(org, tone_wav(0.2)), _greeting(org, tone_wav(0.3, frequency=330))
    PbxUserFactory(organisation=org, greeting=first)
    PbxUserFactory(organisation=org, greeting=first)
    PbxUserFactory(organisation=org, greeting=second)
    PbxUserFactory(organisation=org)

    assert config.audio_references(config.render(org)) == {first.sha256, second.sha256}


# --- end to end: the push task against a running simulator -------------------------------------------------


@pytest.fixture
def simulator(tmp_path, settings):
    running = RunningSimulator(tmp_path / "pbx.sqlite3", "test-pbx-token").start()
    settings.PBX_URL = running.base_url
    settings.PBX_TOKEN = "test-pbx-token"
    try:
        yield running
    finally:
        running.stop()


def _push(org: Organisation) -> str:
    with scopes_disabled():
        config_changed(organisation=org)
    return tasks.push_config(org.pk)


def test_it_uploads_the_greeting_before_the_document_that_uses_it(org, simulator):
    wav = tone_wav(0.4)
    greeting = _greeting(org, wav)
    user = PbxUserFactory(
        organisation=org, greeting=greeting, voicemail_enabled=True, voicemail_email="a@b.nl"
    )

    outcome = _push(org)

    assert outcome == "applied"
    assert simulator.store.get_audio(org.pk, greeting.sha256) == wav
    stored = simulator.store.get(org.pk)
    assert stored is not None
    assert stored.config["users"][0]["key"] == f"u{user.entry.pk}"
    assert stored.config["users"][0]["greeting"] == {"audio": greeting.sha256}
    sync = PbxSync.objects.get(organisation=org)
    assert sync.applied_revision == sync.desired_revision


def test_it_uploads_each_greeting_once(org, simulator, monkeypatch):
    greeting = _greeting(org, tone_wav(0.4))
    PbxUserFactory(organisation=org, greeting=greeting)
    PbxUserFactory(organisation=org, greeting=greeting)
    puts = []
    original = tasks.PbxClient.put_audio
    monkeypatch.setattr(
        tasks.PbxClient, "put_audio", lambda self, *args: puts.append(args[1]) or original(self, *args)
    )

    assert _push(org) == "applied"
    PbxUserFactory(organisation=org)
    assert _push(org) == "applied"

    assert puts == [greeting.sha256]


def test_it_records_the_refusal_when_the_greeting_cannot_reach_the_pbx(org, simulator):
    greeting = _greeting(org, tone_wav(0.4))
    PbxUserFactory(organisation=org, greeting=greeting)
    # The portal's own copy is gone (a lost volume): the PBX refuses the document, with that reason.
    uploads.private_storage().delete(greeting.path)

    outcome = _push(org)

    sync = PbxSync.objects.get(organisation=org)
    assert outcome == "rejected"
    assert sync.last_error_code == "rejected"
    assert sync.last_error_params == {
        "reason": f"users[0].greeting.audio: audio {greeting.sha256} has not been uploaded"
    }
    assert simulator.store.get(org.pk) is None
