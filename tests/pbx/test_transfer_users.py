"""CSV export and import of the Telefooncentrale's users (issue 15): export, preview, apply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ChangeRecord, PbxSync
from core.transfer import BOM
from pbx.domain.destination import DestinationKind
from pbx.forms.destination import DestinationValue
from pbx.models import PbxUser
from pbx.services import users as services

pytestmark = pytest.mark.django_db

IMPORT = reverse("pbx:users_import")
EXPORT = reverse("pbx:users_export")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def jan(org):
    return services.pbx_user_create(
        organisation=org, by=None, first_name="Jan", last_name="de Vries", extension="201"
    )


def _file(text: str, *, encoding: str = "utf-8", name: str = "gebruikers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _upload(client, text: str, **kwargs):
    return client.post(IMPORT, {"file": _file(text, **kwargs)})


def _apply(client, response):
    return client.post(
        IMPORT, {"upload": response.context["upload"], "fingerprint": response.context["preview"].fingerprint}
    )


def _revision(org) -> int:
    sync = PbxSync.objects.filter(organisation=org).first()
    return sync.desired_revision if sync else 0


def _users(org) -> dict[str, PbxUser]:
    return {u.entry.extension: u for u in PbxUser.objects.filter(organisation=org).select_related("entry")}


def test_the_export_opens_in_excel_with_dutch_headers(admin_client, org, jan):
    response = admin_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    header, row = text[1:].splitlines()[:2]
    assert header.split(";")[:4] == ["Extensie", "Voornaam", "Achternaam", "Extern nummer"]
    assert row.startswith("201;Jan;de Vries;")
    assert ";nee;" in row  # voicemail off, in Dutch


def test_the_export_in_english_has_english_headers(admin_client, org, admin, jan):
    admin.language = "en"
    admin.save()
    text = admin_client.get(EXPORT).content.decode()
    header, row = text[1:].splitlines()[:2]
    assert header.split(";")[:3] == ["Extension", "First name", "Last name"]
    assert ";no;" in row


def test_the_export_runs_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    for i in range(3):
        services.pbx_user_create(
            organisation=org, by=None, first_name="A", last_name=f"B{i}", extension=f"3{i:02d}"
        )
    with django_assert_max_num_queries(12) as few:
        admin_client.get(EXPORT)
    for i in range(3, 30):
        services.pbx_user_create(
            organisation=org, by=None, first_name="A", last_name=f"B{i}", extension=f"3{i:02d}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(EXPORT)
    assert response.content.decode().count("\r\n") == 31


def test_round_trip_export_then_import_changes_nothing(admin_client, org, jan):
    services.pbx_user_create(
        organisation=org, by=None, first_name="Piet", last_name="Bakker", extension="202"
    )
    services.pbx_user_update(
        user=jan,
        by=None,
        values={
            "voicemail_enabled": True,
            "voicemail_email": "jan@bakkerij.example",
            "forward_busy": DestinationValue(DestinationKind.VOICEMAIL.value),
        },
    )
    exported = admin_client.get(EXPORT).content.decode("utf-8")
    before = _revision(org)
    response = _upload(admin_client, exported)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.counts == {"create": 0, "change": 0, "unchanged": 2, "error": 0}
    assert "Alles in het bestand is al zo opgeslagen" in response.content.decode()
    assert _revision(org) == before


def test_preview_says_what_changes_and_apply_writes_it_in_one_revision_and_one_record(admin_client, org, jan):
    before = _revision(org)
    records = ChangeRecord.objects.filter(organisation=org).count()
    text = (
        "Extensie;Voornaam;Achternaam;Voicemail aan;E-mailadres voor voicemail;Doorschakelen bij bezet naar\n"
        "201;Jan;de Vries;ja;jan@bakkerij.example;999\n"
        "202;Piet;Bakker;nee;;201\n"
        "203;Kees;Smit;;;06 1234 5678\n"
    )
    response = _upload(admin_client, text)
    assert response.status_code == 200, response.context.get("problems")
    page = response.content.decode()
    assert "Voicemail aan:</span> nee" in page and "ja" in page
    assert response.context["preview"].counts == {"create": 2, "change": 1, "unchanged": 0, "error": 0}
    assert len(_users(org)) == 1  # the preview wrote nothing
    assert _revision(org) == before
    done = _apply(admin_client, response)
    assert done.status_code == 302
    users = _users(org)
    assert set(users) == {"201", "202", "203"}
    assert users["201"].voicemail_enabled and users["201"].forward_busy_kind == DestinationKind.VOICEMAIL
    assert users["202"].forward_busy_entry_id == users["201"].entry_id
    assert users["203"].forward_busy_number == "+31612345678"
    assert _revision(org) == before + 1
    assert ChangeRecord.objects.filter(organisation=org).count() == records + 1


def test_a_forward_to_a_user_created_later_in_the_file_works(admin_client, org):
    text = "Extensie;Voornaam;Achternaam;Doorschakelen altijd naar\n301;A;Eerste;302\n302;B;Tweede;\n"
    response = _upload(admin_client, text)
    assert response.context["preview"].ok, response.context["preview"].errors
    assert _apply(admin_client, response).status_code == 302
    users = _users(org)
    assert users["301"].forward_always_entry_id == users["302"].entry_id


def test_cp1252_comma_separated_file_as_excel_writes_it(admin_client, org):
    response = _upload(
        admin_client, 'Extensie,Voornaam,Achternaam\r\n210,"René","Brën, jr."\r\n\r\n', encoding="cp1252"
    )
    assert response.context["preview"].ok
    _apply(admin_client, response)
    assert _users(org)["210"].first_name == "René"
    assert _users(org)["210"].last_name == "Brën, jr."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Extensie;Voornaam;Achternaam\n201;Jan;A\n201;Piet;B\n", "komt ook voor in rij 2"),
        ("Extensie;Voornaam;Achternaam;Extern nummer\n201;Jan;A;020 999 9999\n", "niet een van de nummers"),
        ("Extensie;Voornaam;Achternaam\n999;Jan;A\n", "bedrijfsvoicemail"),
        ("Extensie;Voornaam;Achternaam\n12345;Jan;A\n", "2 tot 4 cijfers"),
        ("Extensie;Voornaam;Achternaam;Voicemail aan\n201;Jan;A;misschien\n", "“ja” of “nee”"),
        ("Extensie;Voornaam;Achternaam;Voicemail aan\n201;Jan;A;ja\n", "e-mailadres"),
        ("Extensie;Voornaam;Achternaam\n201;;A\n", "voornaam"),
        ("Extensie;Voornaam;Achternaam;Doorschakelen altijd naar\n201;Jan;A;777\n", "777"),
    ],
)
def test_bad_rows_are_shown_with_row_and_column_and_nothing_is_written(admin_client, org, text, said):
    response = _upload(admin_client, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert said in page, [e.message for e in response.context["preview"].errors]
    assert "rij" in page.lower() or "Rij" in page
    assert not PbxUser.objects.filter(organisation=org).exists()
    assert 'name="fingerprint"' not in page  # no "Doorvoeren" button


def test_one_bad_row_means_nothing_is_written_even_when_forced(admin_client, org):
    text = "Extensie;Voornaam;Achternaam\n201;Jan;A\n202;Piet;B\n202;Kees;C\n"
    response = _upload(admin_client, text)
    assert response.status_code == 400
    # Forcing "Doorvoeren" with the stored file still writes nothing.
    forced = admin_client.post(IMPORT, {"upload": response.context["upload"], "fingerprint": "x"})
    assert forced.status_code in (400, 409)
    assert not PbxUser.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "binaire"),
        (b"Extensie;Schoenmaat\n201;44\n", "Schoenmaat"),
        (b"Voornaam;Achternaam\nJan;A\n", "ontbreekt"),
        (b"Extensie\n" + b"1\n" * 100_000, "5000"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(admin_client, org, data, said):
    response = admin_client.post(IMPORT, {"file": SimpleUploadedFile("x.csv", data)})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert "Er is niets gewijzigd" in response.content.decode()


def test_a_file_of_10_mb_is_refused(admin_client, org):
    data = b"Extensie;Voornaam;Achternaam\n" + b"201;Jan;de Vries\n" * (10 * 1024 * 1024 // 17)
    response = admin_client.post(IMPORT, {"file": SimpleUploadedFile("groot.csv", data)})
    assert response.status_code == 400
    assert "hoogstens 2 MB" in response.content.decode()


def test_a_stale_preview_is_not_applied_and_the_new_preview_says_so(admin_client, org, jan):
    response = _upload(admin_client, "Extensie;Voornaam;Achternaam\n201;Jan;Jansen\n")
    assert response.context["preview"].counts["change"] == 1
    services.pbx_user_update(user=jan, by=None, values={"last_name": "Pietersen"})  # someone else
    again = _apply(admin_client, response)
    assert again.status_code == 409
    assert "intussen" in again.content.decode()
    jan.refresh_from_db()
    assert jan.last_name == "Pietersen"
    assert "Pietersen" in again.content.decode()  # the new preview's old value
    assert _apply(admin_client, again).status_code == 302
    jan.refresh_from_db()
    assert jan.last_name == "Jansen"


def test_a_forged_upload_key_is_refused(admin_client, org):
    response = admin_client.post(IMPORT, {"upload": "../../etc/passwd", "fingerprint": "x"})
    assert response.status_code == 400
    response = admin_client.post(IMPORT, {"upload": "a" * 64, "fingerprint": "x"})
    assert response.status_code == 400


def test_read_only_members_may_export_but_not_import(readonly_client, org, jan):
    assert readonly_client.get(EXPORT).status_code == 200
    page = readonly_client.get(IMPORT)
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    response = readonly_client.post(IMPORT, {"file": _file("Extensie;Voornaam;Achternaam\n202;P;B\n")})
    assert response.status_code == 403
    assert not PbxUser.objects.filter(entry__extension="202").exists()


def test_another_organisation_cannot_see_the_users(outsider_client, org, jan):
    assert outsider_client.get(EXPORT).status_code == 404


def test_the_list_page_has_the_buttons(admin_client, readonly_client, org):
    page = admin_client.get(reverse("pbx:users")).content.decode()
    assert EXPORT in page and IMPORT in page
    page = readonly_client.get(reverse("pbx:users")).content.decode()
    assert EXPORT in page and IMPORT not in page


# --- The batched path (pbx_users_save): the same rules in a fixed number of queries ----------

HEADER = "Extensie;Voornaam;Achternaam;Extern nummer;Voicemail aan;E-mailadres voor voicemail;Doorschakelen bij bezet naar\n"


def _many(start: int, count: int, *, surname: str = "Bakker") -> str:
    return HEADER + "".join(
        f"{start + i};Medewerker{i};{surname} {i};;ja;m{i}@bakkerij.example;{start + (i + 1) % count}\n"
        for i in range(count)
    )


def _import_queries(org, text: str) -> int:
    """The queries of a whole import (plan, dry run and apply) as the page runs it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.transfer import plan_import, read_table, run_import
    from pbx.transfer.users import UserImporter

    with CaptureQueriesContext(connection) as queries:
        for apply in (False, True):
            importer = UserImporter(organisation=org, by=None)
            preview = plan_import(importer, read_table(text.encode(), importer.columns))
            assert run_import(importer, preview, apply=apply) is apply, preview.errors[:3]
    return len(queries.captured_queries)


def test_an_import_runs_about_the_same_number_of_queries_for_5_or_60_users(org):
    """Row by row, 55 more users cost 600 more queries; in a batch only the inserts' chunks grow
    (SQLite takes some 30 rows of a wide table per INSERT)."""
    from django_scopes import scope

    with scope(organisation=org):
        few_new = _import_queries(org, _many(300, 5))
        many_new = _import_queries(org, _many(400, 60))
        few_changed = _import_queries(org, _many(300, 5, surname="Smit"))
        many_changed = _import_queries(org, _many(400, 60, surname="Smit"))
    assert many_new - few_new <= 12, (few_new, many_new)
    assert many_changed - few_changed <= 12, (few_changed, many_changed)
    assert PbxUser.objects.filter(organisation=org, last_name__startswith="Smit").count() == 65


def test_a_row_the_services_refuse_keeps_its_message_and_the_other_rows_are_checked_too(
    admin_client, org, jan
):
    text = (
        "Extensie;Voornaam;Achternaam;Voicemail aan;E-mailadres voor voicemail\n"
        "202;Piet;Bakker;ja;\n"  # voicemail without an address: the service's rule
        "203;Kees;Smit;nee;\n"
        "204;Anna;Jansen;ja;anna@bakkerij.example\n"
    )
    response = _upload(admin_client, text)
    assert response.status_code == 400
    preview = response.context["preview"]
    assert preview.counts == {"create": 2, "change": 0, "unchanged": 0, "error": 1}
    [problem] = preview.errors
    assert (problem.row, problem.column) == (2, "E-mailadres voor voicemail")
    assert "e-mailadres" in problem.message.lower()
    assert set(_users(org)) == {"201"}


def test_history_has_one_row_per_user_and_entry_of_the_import_pointing_at_its_record(admin_client, org, jan):
    _apply(
        admin_client, _upload(admin_client, "Extensie;Voornaam;Achternaam\n201;Jan;Bakker\n202;Piet;Smit\n")
    )
    record = ChangeRecord.objects.filter(organisation=org).latest("pk")
    users = PbxUser.history.filter(change_id=record.pk)
    assert sorted((row.first_name, row.last_name, row.history_type) for row in users) == [
        ("Jan", "Bakker", "~"),
        ("Piet", "Smit", "+"),
    ]
    from pbx.models import DirectoryEntry

    entries = DirectoryEntry.history.filter(change_id=record.pk)
    assert sorted((row.name, row.history_type) for row in entries) == [
        ("Jan Bakker", "~"),
        ("Piet Smit", "+"),
    ]
    assert all(row.history_organisation_id == org.pk for row in [*users, *entries])
    assert record.by is not None and all(row.history_user_id == record.by_id for row in users)
    jan.refresh_from_db()
    assert jan.version == 2 and jan.entry.name == "Jan Bakker"


def test_an_extension_taken_by_someone_else_meanwhile_is_a_clear_error_not_a_server_error(
    admin_client, org, jan, monkeypatch
):
    """The batch read the directory before another save took 202: the database's constraint
    refuses the insert, and the row says who has the extension now."""
    from pbx.services import directory

    real = directory.EntryBatch.__init__

    def blind(self, **kwargs):
        real(self, **kwargs)
        monkeypatch.setattr(directory.EntryBatch, "__init__", real)  # Kees's own save sees all
        services.pbx_user_create(
            organisation=org, by=None, first_name="Kees", last_name="Smit", extension="202"
        )
        self._owners.clear()

    monkeypatch.setattr(directory.EntryBatch, "__init__", blind)
    response = _upload(admin_client, "Extensie;Voornaam;Achternaam\n202;Piet;Bakker\n")
    assert response.status_code == 400  # the preview, with the row's error
    [problem] = response.context["preview"].errors
    assert "202" in problem.message and "Kees Smit" in problem.message


def test_a_preview_nobody_applied_is_removed_after_a_day_and_applying_it_then_asks_for_the_file(
    admin_client, org, settings
):
    import os
    import time

    from core.tasks import prune_import_uploads
    from core.uploads import private_storage

    old = _upload(admin_client, "Extensie;Voornaam;Achternaam\n201;Jan;de Vries\n")
    fresh = _upload(admin_client, "Extensie;Voornaam;Achternaam\n202;Piet;Bakker\n")
    folder = f"imports/{org.pk}"
    old_path = private_storage().path(f"{folder}/{old.context['upload']}.csv")
    day_and_a_bit = time.time() - (settings.IMPORT_UPLOAD_HOURS + 1) * 3600
    os.utime(old_path, (day_and_a_bit, day_and_a_bit))

    assert prune_import_uploads() == 1
    assert private_storage().listdir(folder)[1] == [f"{fresh.context['upload']}.csv"]
    late = _apply(admin_client, old)
    assert late.status_code == 400
    assert "Het geüploade bestand is niet gevonden" in late.content.decode()
    assert not PbxUser.objects.filter(organisation=org).exists()
    assert _apply(admin_client, fresh).status_code == 302


def test_a_row_with_several_mistakes_lists_each_of_them(admin_client, org):
    text = "Extensie;Voornaam;Achternaam;Extern nummer\n201;Els;;020 999 9999\n"
    response = _upload(admin_client, text)
    assert response.status_code == 400
    said = {(problem.column, problem.message) for problem in response.context["preview"].errors}
    assert {column for column, _ in said} == {"Achternaam", "Extern nummer"}
    [number] = [message for column, message in said if column == "Extern nummer"]
    assert "is niet een van de nummers van uw organisatie" in number
