"""The shared CSV pieces (core/transfer.py, core/revision.one_revision): reading what Excel writes,
refusing what cannot be imported, writing what Excel with Dutch settings opens (issue 15)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.models import PbxSync
from core.revision import config_changed, one_revision
from core.transfer import (
    BOM,
    MAX_BYTES,
    MAX_ROWS,
    Column,
    FileProblem,
    csv_text,
    parse_bool,
    parse_decimal,
    read_table,
)

COLUMNS = (
    Column("extension", gettext_lazy("Extension"), required=True),
    Column("first_name", gettext_lazy("First name")),
    Column("last_name", gettext_lazy("Last name")),
)


def _read(data: bytes):
    with translation.override("nl"):
        return read_table(data, COLUMNS)


def _problem(data: bytes) -> str:
    with pytest.raises(FileProblem) as caught:
        _read(data)
    return " ".join(caught.value.messages)


def test_it_reads_utf8_with_bom_semicolons_and_dutch_headers():
    table = _read(f"{BOM}Extensie;Voornaam;Achternaam\r\n201;José;Müller\r\n".encode())
    assert [c.key for c in table.columns] == ["extension", "first_name", "last_name"]
    assert table.rows[0].cells == {"extension": "201", "first_name": "José", "last_name": "Müller"}
    assert table.rows[0].number == 2


def test_it_reads_windows_1252_as_excel_writes_it():
    table = _read("Extensie;Voornaam;Achternaam\r\n201;René;Brën\r\n".encode("cp1252"))
    assert table.rows[0].cells["first_name"] == "René"


def test_it_reads_commas_quoted_fields_with_separators_inside_and_trailing_empty_lines():
    text = 'Extension,First name,Last name\n201,"Jan; de",Vries\n202,"Piet, Jr.","Bakker\nsenior"\n\n,,\n'
    table = _read(text.encode())
    assert [row.cells["first_name"] for row in table.rows] == ["Jan; de", "Piet, Jr."]
    assert table.rows[1].cells["last_name"] == "Bakker\nsenior"


def test_rows_are_numbered_as_the_spreadsheet_shows_them_blank_lines_and_multi_line_cells_included():
    text = 'Extensie;Voornaam;Achternaam\n201;Jan;A\n\n202;Piet;B\n;;\n203;"Kees\nJr.";C\n204;Anna;D\n\n'
    table = _read(text.encode())
    numbered = [(row.number, row.cells["extension"]) for row in table.rows]
    assert numbered == [(2, "201"), (4, "202"), (6, "203"), (7, "204")]


def test_english_headers_are_accepted_in_a_dutch_page_and_case_does_not_matter():
    table = _read(b"EXTENSION;first name;Achternaam\n201;Jan;Vries\n")
    assert table.rows[0].cells == {"extension": "201", "first_name": "Jan", "last_name": "Vries"}


def test_a_binary_file_is_refused():
    assert "binaire" in _problem(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_a_file_over_the_limit_is_refused_with_the_limit():
    message = _problem(b"Extensie;Voornaam\n" + b"201;Jan\n" * (10 * 1024 * 1024 // 8))
    assert f"{MAX_BYTES // 1_048_576} MB" in message


def test_a_file_with_too_many_rows_is_refused_with_the_limit():
    message = _problem(b"Extensie\n" + b"1\n" * 100_000)
    assert "100000" in message and str(MAX_ROWS) in message


def test_unknown_and_missing_columns_are_refused_naming_them():
    message = _problem(b"Voornaam;Schoenmaat\nJan;44\n")
    assert "Schoenmaat" in message
    assert "Extensie" in message  # the missing required column


def test_a_row_with_more_cells_than_headers_names_the_row():
    assert "3" in _problem(b"Extensie;Voornaam\n201;Jan\n202;Piet;Bakker;extra\n")


def test_an_empty_file_is_refused():
    assert _problem(b"") and _problem(BOM.encode() + b"\r\n\r\n")


def test_cells_in_both_languages():
    assert parse_bool("Ja") is True and parse_bool("no") is False and parse_bool("1") is True
    assert str(parse_decimal("1.250,50")) == "1250.50" and str(parse_decimal("12.5")) == "12.5"


def test_the_writer_gives_excel_a_bom_semicolons_and_quotes():
    text = csv_text(["Naam", "Notitie"], [["Jan", "a;b"]])
    assert text.startswith(BOM)
    assert text.splitlines()[1] == 'Jan;"a;b"'


@pytest.mark.django_db
def test_one_revision_bumps_once_for_many_changes_and_not_at_all_on_an_error(
    org, django_capture_on_commit_callbacks
):
    sync, _ = PbxSync.objects.get_or_create(organisation=org)
    before = sync.desired_revision
    with django_capture_on_commit_callbacks() as callbacks, one_revision():
        for _i in range(5):
            config_changed(organisation=org)
    sync.refresh_from_db()
    assert sync.desired_revision == before + 1
    assert len(callbacks) == 1
    with pytest.raises(RuntimeError), one_revision():
        config_changed(organisation=org)
        raise RuntimeError
    sync.refresh_from_db()
    assert sync.desired_revision == before + 1
