"""CSV export and import, shared by every object that has them (issue 15, R10.4).

- Reading: `read_table` takes the uploaded bytes and returns the rows as text cells per column
  key. It refuses (FileProblem, in words that say what to do) a file over MAX_BYTES or with more
  than MAX_ROWS rows, a binary file, text that is neither UTF-8 (with or without BOM) nor
  Windows-1252 (what Excel writes), unknown and missing columns. The separator is ";" or ","
  (the header line decides, with the standard library's csv.Sniffer); tablib does the parsing
  (quoted fields, ";" inside quotes, line breaks inside quotes), empty trailing lines are left out.
- Headers are accepted in Dutch and in English whatever the page's language.
- Planning: `plan_import` compares each row with the stored object it matches (by the importer's
  key column) and says per row: create, change (old -> new per column), unchanged, or errors with
  their row and column. `run_import` then sends every row through the object's own services in
  ONE transaction, inside one change record and one PBX revision (core.revision.one_revision);
  a dry run (the preview) rolls everything back, so the preview shows the services' own refusals
  (an extension taken, a number not in the pool); any error on apply: nothing is written.
- Writing: `csv_response` writes what Excel with Dutch settings opens correctly: UTF-8 with BOM,
  ";" as separator, headers in the language of the page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User

from .changes import recording
from .revision import one_revision

MAX_BYTES = 2 * 1024 * 1024  # 2 MB: about 15,000 users' rows; an import of a whole company fits
MAX_ROWS = 5000  # per file; a company of 300 people has a few hundred rows
BOM = "\ufeff"
SEPARATORS = ";,"


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing was looked at row by row."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# --- Cells ---------------------------------------------------------------------------------


def _words(*texts: Any) -> set[str]:
    """A lazy text in both languages, lower-cased: what a cell or header may say."""
    found = set()
    for text in texts:
        for language in ("nl", "en"):
            with translation.override(language):
                found.add(str(text).strip().lower())
    return found


YES = gettext_lazy("yes")
NO = gettext_lazy("no")
_YES_WORDS = {"1", "true", "waar", "x", "j", "y", "ja", "yes"}
_NO_WORDS = {"0", "false", "onwaar", "n", "nee", "no"}


_BOOL_WORDS: dict[str, bool] = {}


def parse_bool(text: str) -> bool:
    if not _BOOL_WORDS:  # the words of both languages, once per process
        _BOOL_WORDS.update({word: False for word in _words(NO) | _NO_WORDS})
        _BOOL_WORDS.update({word: True for word in _words(YES) | _YES_WORDS})
    found = _BOOL_WORDS.get(text.strip().lower())
    if found is None:
        raise ValidationError(_("Write “yes” or “no”."))
    return found


def show_bool(value: Any) -> str:
    return str(YES if value else NO)


def parse_email(text: str) -> str:
    value = text.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Write a valid e-mail address, for example naam@bedrijf.nl.")) from None
    return value


def parse_int(low: int, high: int, message: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValidationError(message) from None
        if not low <= value <= high:
            raise ValidationError(message)
        return value

    return parse


def parse_decimal(text: str) -> Decimal | None:
    """An amount as a Dutch spreadsheet writes it (12,50 or 1.250,00) or an English one (12.50)."""
    cleaned = text.strip().replace("€", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            _("Write an amount, for example 25 or 12,50, or leave the cell empty.")
        ) from None
    if not value.is_finite():
        raise ValidationError(_("Write an amount, for example 25 or 12,50, or leave the cell empty."))
    return value


def show_decimal(value: Any) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") if translation.get_language() == "nl" else text


def parse_choice(choices: Any, message: Any) -> Callable[[str], str]:
    """A TextChoices value from its label (either language) or the value itself."""

    words: dict[str, str] = {}

    def parse(text: str) -> str:
        if not words:  # the labels of both languages, once
            for value, label in choices.choices:
                words.update(dict.fromkeys({str(value).lower(), *_words(label)}, str(value)))
        found = words.get(text.strip().lower())
        if found is None:
            raise ValidationError(str(message))
        return found

    return parse


def show_choice(choices: Any) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def parse_text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = " ".join(text.split())
        if len(value) > max_length:
            raise ValidationError(_("Write at most %(count)s characters here.") % {"count": max_length})
        return value

    return parse


@dataclass(frozen=True)
class Column:
    """One column: its key (the service's name for the value), its header (English source text,
    shown translated), how a cell is read and how a value is written."""

    key: str
    label: Any
    parse: Callable[[str], Any] = field(default=parse_text(200))
    show: Callable[[Any], str] = field(default=lambda value: "" if value is None else str(value))
    required: bool = False  # the file must have this column
    blank_keeps: bool = False  # an empty cell leaves the stored value (a new object: the default)
    export_only: bool = False  # for information: accepted in a file, never compared or written

    @property
    def header(self) -> str:
        return str(self.label)

    def accepted_headers(self) -> set[str]:
        return _words(self.label) | {self.key.lower()}


def bool_column(key: str, label: Any) -> Column:
    """A yes/no column; an empty cell keeps what is stored."""
    return Column(key, label, parse=parse_bool, show=show_bool, blank_keeps=True)


# --- Reading -------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1252; a binary file is refused."""
    if b"\x00" in data:
        raise FileProblem(
            [_("This is not a CSV file (it contains binary data). Save the sheet as CSV and upload that.")]
        )
    if data.startswith(BOM.encode()):
        data = data[len(BOM.encode()) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileProblem(
                [
                    _(
                        "The file's characters cannot be read. Save it as “CSV UTF-8” in your spreadsheet and upload it again."
                    )
                ]
            ) from None
    controls = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
    if any(ch in controls for ch in text[:100_000]):
        raise FileProblem(
            [_("This is not a CSV file (it contains binary data). Save the sheet as CSV and upload that.")]
        )
    return text


def separator(text: str) -> str:
    """ ";" or ",", whichever the header line uses (the sniffer reads only the first line)."""
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(first, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ";"


@dataclass
class Row:
    number: int  # the row in the spreadsheet: the header is row 1
    cells: dict[str, str]


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)


def _row_numbers(text: str, delimiter: str, height: int) -> list[int]:
    """The spreadsheet's row number of each data row: tablib skips blank lines, a spreadsheet
    shows them as empty rows (and a quoted cell over several lines is one row)."""
    records = [
        number
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        )
        if cells
    ]
    if len(records) != height + 1:  # not how tablib read it: count its rows instead
        return list(range(2, height + 2))
    return records[1:]


def read_table(data: bytes, columns: Sequence[Column]) -> Table:
    if len(data) > MAX_BYTES:
        raise FileProblem(
            [
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it into smaller files."
                )
                % {"size": f"{len(data) / 1_048_576:.1f}".replace(".", ","), "limit": MAX_BYTES // 1_048_576}
            ]
        )
    text = decode(data)
    if not text.strip():
        raise FileProblem([_("The file is empty. Upload a CSV file with a header row and one row per line.")])
    dataset = tablib.Dataset()
    delimiter = separator(text)
    try:
        dataset.load(io.StringIO(text, newline=""), format="csv", delimiter=delimiter)
    except tablib.InvalidDimensions:
        raise FileProblem(
            [
                _("Row %(row)s has more cells than the header row has columns. Check for a stray separator.")
                % {"row": dataset.height + 2}
            ]
        ) from None
    except (csv.Error, ValueError) as exc:
        raise FileProblem([_("The file cannot be read as CSV (%(reason)s).") % {"reason": exc}]) from None
    if dataset.height > MAX_ROWS:
        raise FileProblem(
            [
                _(
                    "The file has %(count)s rows; at most %(limit)s rows can be imported at once. Split it into smaller files."
                )
                % {"count": dataset.height, "limit": MAX_ROWS}
            ]
        )
    by_header: dict[str, Column] = {}
    for column in columns:
        for header in column.accepted_headers():
            by_header[header] = column
    found: list[Column | None] = []
    problems: list[str] = []
    for header in dataset.headers or []:
        name = (header or "").strip().lstrip(BOM).strip().lower()
        known = by_header.get(name)
        if known is None and name:
            problems.append(_("Unknown column “%(header)s”.") % {"header": header.strip()})
        elif known is not None and known in found:
            problems.append(_("The column “%(header)s” appears twice.") % {"header": header.strip()})
        found.append(known)
    present = [column for column in found if column is not None]
    for column in columns:
        if column.required and column not in present:
            problems.append(_("The column “%(header)s” is missing.") % {"header": column.header})
    if problems:
        listed = ", ".join(f"“{column.header}”" for column in columns)
        problems.append(_("The columns this import knows are: %(columns)s.") % {"columns": listed})
        raise FileProblem(problems)
    rows = []
    for index, values in zip(_row_numbers(text, delimiter, dataset.height), dataset, strict=True):
        cells = {
            column.key: str(value or "").strip()
            for column, value in zip(found, values, strict=False)
            if column is not None
        }
        if any(cells.values()):  # rows of empty cells (";;;" as Excel leaves them) are no rows
            rows.append(Row(index, cells))
    return Table(present, rows)


# --- Planning and running an import --------------------------------------------------------


class Action(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class Problem:
    row: int | None
    column: str  # the header as shown, or "" for the row as a whole
    message: str


@dataclass
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowPlan:
    number: int
    key: str  # the value of the match column as written in the file
    target: Any  # the stored object, None when the row creates one
    values: dict[str, Any]  # every parsed cell of the row (column key -> value)
    changed: list[str] = field(default_factory=list)  # keys of the values that differ
    changes: list[Change] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    name: str = ""

    @property
    def action(self) -> Action:
        if self.errors:
            return Action.ERROR
        if self.target is None:
            return Action.CREATE
        return Action.CHANGE if self.changed else Action.UNCHANGED

    def fail(self, column: str, messages: Iterable[str]) -> None:
        for message in messages:
            self.errors.append(Problem(self.number, column, str(message)))


@dataclass
class Preview:
    rows: list[RowPlan]
    problems: list[Problem] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action.value: self.count(action) for action in Action}

    @property
    def errors(self) -> list[Problem]:
        return [*self.problems, *(problem for row in self.rows for problem in row.errors)]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_work(self) -> bool:
        return any(row.action in (Action.CREATE, Action.CHANGE) for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """What the preview promised (rows, actions, old -> new): a changed fingerprint on apply
        means the stored data changed meanwhile."""
        said = [
            [row.number, row.action.value, [[c.column, c.old, c.new] for c in row.changes]]
            for row in self.rows
        ]
        return hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()


class Importer:
    """What one kind of object tells the import; see pbx/transfer/users.py for an example."""

    columns: Sequence[Column] = ()
    key: str = ""  # the column rows are matched on
    summary: str = ""  # the change record's summary (gettext_noop)
    phases: Sequence[str] = ("main",)
    # The services' error keys -> the column they are shown under.
    error_columns: Mapping[str, str] = {}

    def __init__(self, *, organisation: Organisation, by: User | None) -> None:
        self.organisation = organisation
        self.by = by

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def header_of(self, key: str) -> str:
        key = self.error_columns.get(key, key)
        return next((column.header for column in self.columns if column.key == key), "")

    def existing(self) -> dict[Any, Any]:
        """The stored objects by their key's parsed value (one or a few queries)."""
        raise NotImplementedError

    def current(self, obj: Any) -> dict[str, Any]:
        """The stored values of obj per column key, comparable with parsed cells."""
        raise NotImplementedError

    def export_rows(self) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def name_of(self, plan: RowPlan) -> str:
        return plan.key

    def match_key(self, plan: RowPlan) -> Any:
        """What the row is matched on (None: the row has no key)."""
        value = plan.values.get(self.key)
        return value if value not in (None, "") else None

    def check_row(self, plan: RowPlan, table: Table) -> None:
        """Checks that need the whole row (e.g. what a new object needs); add to plan.errors."""

    def creates(self, plan: RowPlan) -> bool:
        """Whether the row makes a new object: it matches none, and its key cell is sound (a row
        whose key is refused may be meant for a stored object: no "what a new one needs" then)."""
        key_header = self.column(self.key).header
        return plan.target is None and not any(problem.column == key_header for problem in plan.errors)

    def write(self, plan: RowPlan, phase: str) -> None:
        """Sends the row through the object's services; raises their ValidationError."""
        raise NotImplementedError

    def write_all(self, plans: Sequence[RowPlan], phase: str) -> None:
        """Writes a phase's rows, one by one through write(); an importer whose services take
        many objects at once (the users' pbx_users_create) sends them in one call instead. A
        row the services refuse gets their errors (refused())."""
        for plan in plans:
            try:
                # Each service call is atomic itself: a refused row leaves nothing behind.
                self.write(plan, phase)
            except ValidationError as exc:
                self.refused(plan, exc)

    def refused(self, plan: RowPlan, exc: ValidationError) -> None:
        """Puts a service's refusal on the row, each error under the column it is about."""
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                plan.fail(self.header_of(key), messages)
        else:
            plan.fail("", exc.messages)


def export_response(importer: Importer, filename: str) -> HttpResponse:
    columns = list(importer.columns)
    rows = [[column.show(row.get(column.key)) for column in columns] for row in importer.export_rows()]
    return csv_response(filename, [column.header for column in columns], rows)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The CSV as Excel with Dutch settings reads it: ";" between cells, BOM first."""
    dataset = tablib.Dataset(*[list(row) for row in rows], headers=list(headers))
    return BOM + dataset.export("csv", delimiter=";", lineterminator="\r\n")


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> HttpResponse:
    response = HttpResponse(csv_text(headers, rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def plan_import(importer: Importer, table: Table) -> Preview:
    """Compares every row with what is stored; writes nothing."""
    existing = importer.existing()
    key_column = importer.column(importer.key)
    seen: dict[Any, int] = {}
    plans: list[RowPlan] = []
    for row in table.rows:
        plan = RowPlan(number=row.number, key=row.cells.get(importer.key, ""), target=None, values={})
        for column in table.columns:
            text = row.cells.get(column.key, "")
            if column.export_only or (not text and column.blank_keeps):
                continue
            try:
                plan.values[column.key] = column.parse(text)
            except ValidationError as exc:
                plan.fail(column.header, exc.messages)
        key = importer.match_key(plan)
        if key is None and not any(p.column == key_column.header for p in plan.errors):
            plan.fail(key_column.header, [_("This cell is empty; every row needs one.")])
        elif key is not None:
            if key in seen:
                plan.fail(
                    key_column.header,
                    [
                        _("%(value)s also appears in row %(row)s; each may appear once.")
                        % {"value": plan.key, "row": seen[key]}
                    ],
                )
            else:
                seen[key] = row.number
            plan.target = existing.get(key)
        if plan.target is not None:
            current = importer.current(plan.target)
            for column in table.columns:
                if column.key in plan.values and plan.values[column.key] != current.get(column.key):
                    plan.changed.append(column.key)
                    plan.changes.append(
                        Change(
                            column.header,
                            column.show(current.get(column.key)),
                            column.show(plan.values[column.key]),
                        )
                    )
        importer.check_row(plan, table)
        plan.name = importer.name_of(plan)
        plans.append(plan)
    return Preview(plans)


def run_import(importer: Importer, preview: Preview, *, apply: bool) -> bool:
    """Sends every row that creates or changes something through the services, in one
    transaction, one change record and one PBX revision. Without `apply` (the preview), or when
    any row fails, everything is rolled back; the services' refusals land on their rows.
    Returns whether the import was written."""
    if not preview.ok and apply:
        return False
    work = [plan for plan in preview.rows if plan.action in (Action.CREATE, Action.CHANGE)]
    with transaction.atomic():
        with (
            recording(organisation=importer.organisation, by=importer.by, summary=importer.summary),
            one_revision(),
        ):
            for phase in importer.phases:
                importer.write_all([plan for plan in work if not plan.errors], phase)
        written = apply and preview.ok
        if not written:
            transaction.set_rollback(True)
    return written
