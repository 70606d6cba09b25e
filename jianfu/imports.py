"""The shape every spreadsheet import of the portal follows.

An :class:`Importer` names its columns (the Chinese headers of its template
are the file format, so they stay Chinese whatever the interface language),
turns the rows of an uploaded workbook into JSON-safe raw values, and then,
in :meth:`Importer.plan`, parses and validates every row against the database
as it is now, producing for each row what would happen (create, update,
unchanged) and a row-by-row error report naming the spreadsheet row and
column. :meth:`Importer.apply` writes a plan that has no errors.

The raw rows, not the parsed objects, are what a caller keeps between the
preview and the confirmation: planning the same raw rows again on confirm
re-validates them against the register as it is then, and comparing the two
plans' fingerprints tells whether the clerk confirmed what they saw.

Values are compared in their spreadsheet form (the text the export writes),
so "what changes" in a preview is exactly the cells that differ between the
register's export and the upload, and an export re-imports as "unchanged".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jianfu.validators import no_control_characters
from jianfu.xlsx import FORMULA_PREFIXES, Column, Sheet, read_rows, write_workbook

Json = str | int | float | bool | None

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"

YES = "是"
NO = "否"
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "x"})


@dataclass(frozen=True)
class ImportColumn:
    header: str  # the file format: Chinese, never translated
    required: bool = False
    help: str | Promise = ""  # one line of the instructions sheet
    width: int = 14
    number_format: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's own row number
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class PlannedRow:
    row: int
    action: str  # CREATE, UPDATE or UNCHANGED
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, before, after)
    parsed: Any = None  # the importer's own parsed row; not serialised

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "action": self.action, "label": self.label, "changes": self.changes}


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def as_json(self) -> list[dict[str, Any]]:
        """What the clerk is shown and confirms; language-independent, so
        it can be compared with a plan made again later."""
        return [r.as_json() for r in self.rows]


class RowReader:
    """Reads the cells of one raw row, converting and checking them, and
    collects the errors of the row instead of stopping at the first."""

    def __init__(self, number: int, values: Mapping[str, Json], errors: list[RowError]) -> None:
        self.number = number
        self.values = values
        self.errors = errors
        self._failed: set[str] = set()

    def error(self, header: str, message: str) -> None:
        self._failed.add(header)
        self.errors.append(RowError(self.number, header, message))

    def failed(self, *headers: str) -> bool:
        return bool(self._failed.intersection(headers)) if headers else bool(self._failed)

    def raw(self, header: str) -> Json:
        return self.values.get(header)

    def blank(self, header: str) -> bool:
        return self.raw(header) in (None, "")

    def text(
        self, header: str, *, required: bool = False, max_length: int | None = None, multiline: bool = False
    ) -> str:
        """The cell as text; on one line unless ``multiline`` (a line break
        in a school's name would break every e-mail about the school)."""
        value = self.raw(header)
        text = "" if value is None else as_text(value)
        if not text and required:
            self.error(header, _("This column is required."))
        elif max_length is not None and len(text) > max_length:
            self.error(header, _("At most %(n)s characters.") % {"n": max_length})
        elif not multiline:
            try:
                no_control_characters(text)
            except ValidationError as error:
                self.error(header, " ".join(error.messages))
        return text

    def choice(self, header: str, words: Mapping[str, str], *, required: bool = True) -> str | None:
        """The stored value for one of the allowed Chinese words."""
        text = self.text(header, required=required)
        if not text:
            return None
        value = words.get(text)
        if value is None:
            canonical = list(dict.fromkeys(display_words(words).values()))
            self.error(
                header,
                _("“%(value)s” is not allowed here; use one of: %(choices)s.")
                % {"value": text, "choices": "、".join(canonical)},
            )
        return value

    def integer(
        self, header: str, *, minimum: int = 0, maximum: int = 32767, required: bool = False, unit: str = ""
    ) -> int | None:
        """A whole number in range; ``unit`` (such as 分钟) may follow it in the cell."""
        value = self.raw(header)
        if isinstance(value, str) and unit:
            value = value.strip().removesuffix(unit)
        if value in (None, ""):
            if required:
                self.error(header, _("This column is required."))
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
            number = int(value.strip())
        if number is None or not minimum <= number <= maximum:
            self.error(
                header,
                _("“%(value)s” is not a whole number from %(min)s to %(max)s.")
                % {"value": value, "min": minimum, "max": maximum},
            )
            return None
        return number

    def date(self, header: str, *, required: bool = False) -> datetime.date | None:
        text = self.text(header, required=required)
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            self.error(header, _("“%(value)s” is not a date; write it like 2024-09-01.") % {"value": text})
        return day

    def yes_no(self, header: str, *, default: bool) -> bool:
        """是/否 (and the usual spellings of yes and no); blank is ``default``."""
        value = self.raw(header)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        text = as_text(value).lower()
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        self.error(header, _("“%(value)s”: write 是 or 否.") % {"value": text})
        return default

    def phone(self, header: str) -> str:
        text = self.text(header, max_length=30)
        if text and not self.failed(header) and not is_phone(text):
            self.error(
                header,
                _("“%(value)s” is not a phone number; write digits, for example 0573-85012345 or 13912345678.")
                % {"value": text},
            )
        return text

    def username(self, header: str) -> str:
        text = self.text(header, max_length=150)
        if text:
            try:
                UnicodeUsernameValidator()(text)
            except ValidationError:
                self.error(
                    header,
                    _("“%(value)s” is not a valid account name (letters, digits and @ . + - _ only).")
                    % {"value": text},
                )
        return text

    def names(self, header: str) -> list[str]:
        """Several names in one cell, separated by 、 , ; or new lines."""
        return split_names(self.text(header, multiline=True))


def import_rows_read(
    upload: IO[bytes], *, headers: Sequence[str], required: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Every import's first step: the data rows of an uploaded workbook as
    JSON-safe raw values (``{"row": n, "values": {header: value}}``), read by
    :func:`jianfu.xlsx.read_rows` (which refuses what is not a workbook of
    these headers). Parse them with a :class:`RowReader` per row."""
    rows = read_rows(upload, headers=headers, required=required)
    return [{"row": r.number, "values": {h: to_json(r.values.get(h)) for h in headers}} for r in rows]


def as_text(value: Json) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split_names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；\n]+", text) if part.strip()]


def display_words(words: Mapping[str, str]) -> dict[str, str]:
    """Stored value -> the first (canonical) word for it."""
    result: dict[str, str] = {}
    for word, value in words.items():
        result.setdefault(value, word)
    return result


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def parse_date(text: str) -> datetime.date | None:
    match = _DATE_RE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


_PHONE_RE = re.compile(r"\+?[\d\s()（）-]+")


def is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE_RE.fullmatch(text)) and 7 <= digits <= 15


def to_json(value: Any) -> Json:
    """A cell value as read by openpyxl, made JSON-safe, and with the
    apostrophe :func:`jianfu.xlsx.neutralise` put before formula-like text
    taken off again, so that an export re-imports unchanged."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
            return value[1:]
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


class Importer:
    """One kind of spreadsheet import. Subclasses set the class attributes
    and implement :meth:`prepare`, :meth:`parse_row`, :meth:`apply_row` and
    :meth:`export_cells`; the rest (reading, planning, template, export)
    is shared."""

    kind: ClassVar[str]
    verbose_name: ClassVar[str | Promise]
    sheet_title: ClassVar[str]  # Chinese, part of the file format
    export_name: ClassVar[str]  # file names of the export and the template
    template_name: ClassVar[str]
    columns: ClassVar[Sequence[ImportColumn]]
    # Columns whose empty cell means "leave as it is" rather than "clear".
    keep_when_blank: ClassVar[frozenset[str]] = frozenset()
    # Columns added to a template later: a file made from an older template
    # (without them) is still read, as if they were empty.
    may_be_absent: ClassVar[frozenset[str]] = frozenset()
    today: datetime.date  # the day the plan is made for; set by plan() and apply()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    # -- reading -----------------------------------------------------------
    def read(self, upload: IO[bytes]) -> list[dict[str, Any]]:
        """The rows of an uploaded workbook as JSON-safe raw values. Raises a
        ValidationError with a message for the clerk when the file is not a
        workbook of this template or has no rows."""
        rows = import_rows_read(
            upload, headers=self.headers, required=[h for h in self.headers if h not in self.may_be_absent]
        )
        if not rows:
            raise ValidationError(_("The file has no data rows."))
        return rows

    # -- planning ----------------------------------------------------------
    def plan(self, raw_rows: Sequence[Mapping[str, Any]], *, today: datetime.date) -> ImportPlan:
        """Parse and check every row against the register as it is now."""
        errors: list[RowError] = []
        self.today = today
        self.prepare(raw_rows)
        planned: list[PlannedRow] = []
        for raw in raw_rows:
            reader = RowReader(int(raw["row"]), raw["values"], errors)
            parsed, existing = self.parse_row(reader)
            if reader.failed() or parsed is None:
                continue
            after = self.cells_of(parsed)
            if existing is None:
                planned.append(PlannedRow(reader.number, CREATE, self.label(after), parsed=parsed))
                continue
            before = self.export_cells(existing)
            changes = [
                (h, cell_text(before.get(h)), cell_text(after.get(h)))
                for h in self.headers
                if cell_text(before.get(h)) != cell_text(after.get(h))
                and not (h in self.keep_when_blank and cell_text(after.get(h)) == "")
            ]
            planned.append(
                PlannedRow(reader.number, UPDATE if changes else UNCHANGED, self.label(after), changes, parsed)
            )
        errors.sort(key=lambda e: (e.row, self.headers.index(e.column) if e.column in self.headers else 0))
        return ImportPlan(rows=planned, errors=errors)

    def apply(self, plan: ImportPlan, *, by: Any, today: datetime.date) -> None:
        """Write every created or changed row. Call inside a transaction,
        with a plan that has no errors."""
        if plan.errors:
            raise ValueError("a plan with errors cannot be applied")
        self.today = today
        for row in plan.rows:
            if row.action != UNCHANGED:
                self.apply_row(row.parsed, by=by)

    # -- subclass hooks ----------------------------------------------------
    def prepare(self, raw_rows: Sequence[Mapping[str, Any]]) -> None:
        """Load, in a fixed number of queries, what the rows refer to."""

    def parse_row(self, reader: RowReader) -> tuple[Any, Any]:
        """Return (parsed row, existing object or None); report problems
        through ``reader.error``."""
        raise NotImplementedError

    def cells_of(self, parsed: Any) -> dict[str, Any]:
        """A parsed row in its spreadsheet form, header -> cell value."""
        raise NotImplementedError

    def export_cells(self, obj: Any) -> dict[str, Any]:
        """An object of the register in its spreadsheet form."""
        raise NotImplementedError

    def apply_row(self, parsed: Any, *, by: Any) -> None:
        raise NotImplementedError

    def label(self, cells: Mapping[str, Any]) -> str:
        return " ".join(cell_text(cells.get(h)) for h in self.headers[:2])

    def help_rows(self) -> list[tuple[str, bool, str]]:
        """(columns, required, help) for a page: columns sharing the same
        help (such as the nine grades) on one line."""
        groups: dict[tuple[str, bool], list[str]] = {}
        for c in self.columns:
            if c.help or c.required:
                groups.setdefault((str(c.help), c.required), []).append(c.header)
        return [
            (heads[0] if len(heads) == 1 else f"{heads[0]} … {heads[-1]}", required, help_text)
            for (help_text, required), heads in groups.items()
        ]

    # -- files -------------------------------------------------------------
    def instructions(self) -> Sheet:
        return Sheet(
            title="填写说明",
            columns=[Column(_("Column"), 18), Column(_("Required"), 8), Column(_("What to write"), 90)],
            rows=[[c.header, YES if c.required else "", str(c.help)] for c in self.columns],
        )

    def workbook(self, objects: Iterable[Any] = ()) -> bytes:
        """The template (no objects) or an export: the same first sheet, so
        that an export re-imports through the same template."""
        rows = ([obj_cells.get(h) for h in self.headers] for obj_cells in map(self.export_cells, objects))
        data = Sheet(
            title=self.sheet_title,
            columns=[Column(c.header, c.width, c.number_format) for c in self.columns],
            rows=rows,
        )
        return write_workbook([data, self.instructions()])


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return as_text(value)
