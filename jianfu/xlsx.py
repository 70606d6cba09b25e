"""Reading and writing Excel workbooks safely.

Writing: every list export goes through :func:`write_workbook`, which uses
openpyxl's write-only mode (rows stream to disk, memory stays flat), freezes
and styles the header row, sets column widths, and neutralises text that a
spreadsheet would run as a formula (OWASP "CSV injection": a cell starting
with = + - @, or a tab/CR that some programs strip before such a sign).

Reading: :func:`read_rows` turns an uploaded template into dictionaries keyed
by the template's Chinese headers, with the spreadsheet row number, and
reports a file that is not a workbook, or lacks headers, as a message for
the user instead of a 500. It is the one reader of uploaded workbooks, so its
guards against hostile files (:func:`check_archive`, the sheet's declared
size, the rows streamed and a time budget) protect every upload: a few
kilobytes of zip can declare a sheet of a million rows by 16,384 columns or
expand to gigabytes, and openpyxl would patiently read all of it.
"""

from __future__ import annotations

import datetime
import decimal
import io
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000
# Guards of read_rows against spreadsheet bombs. A template workbook has a
# dozen zip members of a few kilobytes to a few megabytes; its sheet XML
# compresses about 10-30 times. A zip bomb is hundreds to thousands of times.
MAX_ZIP_MEMBERS = 100
MAX_PART_BYTES = 64 * 1024 * 1024  # declared uncompressed size of one member
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # all members together
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small parts (styles, an empty sheet) may compress better
# Rows and columns of the first sheet, blank ones included: the data rows,
# plus room for titles, instructions and blank rows between them.
MAX_SHEET_ROWS = MAX_UPLOAD_ROWS + 1_000
MAX_SHEET_COLUMNS = 200
READ_SECONDS = 20.0  # wall-clock budget for reading one upload


def neutralise(value: Any) -> Any:
    """Return ``value`` safe to put in a cell. openpyxl stores a string that
    starts with "=" as a formula, and spreadsheets run "+", "-" and "@" ones
    too; such text gets a leading apostrophe (OWASP's advice, and the sign
    Excel users know for "this is text") and stays a string."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Column:
    header: str
    width: int = 14
    number_format: str | None = None  # e.g. "0.0%", "0.00", "yyyy-mm-dd"


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    notes: list[str] = field(default_factory=list)  # lines above the header, e.g. a title


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2F5597")
_WRAP = Alignment(vertical="center", wrap_text=True)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, Promise):  # a lazy translation
        return neutralise(str(value))
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _dated(ws: Worksheet, value: datetime.date) -> Cell:
    cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]  # openpyxl's stubs omit date
    cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
    return cell


def _fix_style(cell: Any) -> Any:
    """Freeze a template cell's style id. openpyxl looks the id up in the
    workbook's style table for every cell it writes; for a reused cell whose
    style never changes, once is enough."""
    style_id = cell.style_id
    cell.__class__ = type("FixedStyleCell", (type(cell),), {"__slots__": (), "style_id": style_id})
    return cell


class _RowWriter:
    """Turns a row of values into what ``ws.append`` takes.

    A write-only sheet serialises a row as soon as it is appended, so one
    styled cell per formatted column can be reused for every row: only its
    value changes. That keeps number formats nearly free (a new styled cell
    per value would cost more than writing the value itself)."""

    def __init__(self, ws: Worksheet, formats: Sequence[str | None]) -> None:
        self.ws = ws
        self.templates: list[Cell | None] = []
        for number_format in formats:
            if number_format:
                cell = WriteOnlyCell(ws)
                cell.number_format = number_format
                self.templates.append(_fix_style(cell))
            else:
                self.templates.append(None)
        self.width = len(self.templates)

    def __call__(self, row: Sequence[Any]) -> list[Any]:
        # The hot loop of every export: plain type checks, strings and
        # numbers first, everything else through _plain.
        out = list(row)
        templates = self.templates
        for i, value in enumerate(out):
            kind = type(value)
            if kind is str:
                if value.startswith(FORMULA_PREFIXES):
                    out[i] = "'" + value
                continue
            if value is None:
                continue
            if kind is not int and kind is not float:
                value = _plain(value)
                if isinstance(value, datetime.date):
                    out[i] = _dated(self.ws, value)
                    continue
                if isinstance(value, str):
                    out[i] = value
                    continue
            template = templates[i] if i < self.width else None
            if template is not None and kind is not bool:
                template.value = value
                out[i] = template
            else:
                out[i] = value
        return out


def write_workbook(sheets: Sequence[Sheet], out: IO[bytes] | None = None) -> bytes:
    """Write ``sheets`` as an .xlsx; returns the bytes (also written to
    ``out`` when given). Rows are consumed lazily, one at a time."""
    wb = Workbook(write_only=True)
    for spec in sheets:
        ws = wb.create_sheet(title=spec.title[:31])
        for i, col in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        # Sheet properties must be set before the first row: write-only
        # mode streams the sheet's header out with the first append.
        header_row = len(spec.notes) + 1
        ws.freeze_panes = f"A{header_row + 1}"
        for note in spec.notes:
            ws.append([neutralise(note)])
        header = []
        for col in spec.columns:
            cell = WriteOnlyCell(ws, value=neutralise(col.header))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
            header.append(cell)
        ws.append(header)
        convert = _RowWriter(ws, [c.number_format for c in spec.columns])
        for row in spec.rows:
            ws.append(convert(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if out is not None:
        out.write(data)
    return data


@dataclass
class Row:
    number: int  # the spreadsheet's own row number, as the clerk sees it
    values: dict[str, Any]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_DIMENSION_TAG = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


def _size_from_sheet_header(self: Any) -> None:  # a ReadOnlyWorksheet; its stubs omit the private names
    """openpyxl's ReadOnlyWorksheet._get_size, stopping where the rows start.

    openpyxl looks for <dimension> with "end" events, so for a sheet without
    one (openpyxl's own write-only exports have none) it parses the whole
    sheet before the first row is read: 9 s for a 50 MB sheet of a million
    rows, before any limit could apply. <dimension> comes before <sheetData>
    in the schema, so the start of <sheetData> is where to give up."""
    with self._get_source() as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION_TAG and element.get("ref"):
                self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(element.get("ref"))
                return
            if element.tag == _SHEET_DATA_TAG:
                return


ReadOnlyWorksheet._get_size = _size_from_sheet_header  # type: ignore[attr-defined]


def _refuse_packing() -> ValidationError:
    return ValidationError(
        _(
            "The file is damaged or abnormally compressed and cannot be read. "
            "Please save it again from Excel using the template."
        ),
        code="xlsx_bomb",
    )


def check_archive(upload: IO[bytes]) -> None:
    """Refuse a workbook whose zip could overload the server, before anything
    is decompressed: too many members, a member or the whole declaring too
    many uncompressed bytes, or a compression ratio no spreadsheet has.
    The declared sizes are binding: Python's zipfile stops a member at its
    declared size (and fails its CRC), so a member cannot expand further."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx). Please use the template.")) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse_packing()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise _refuse_packing()
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _refuse_packing()


def _too_big(rows: int | str, columns: int | str) -> ValidationError:
    return ValidationError(
        _(
            "The sheet is too large: %(rows)s rows and %(cols)s columns, at most %(max_rows)s rows and "
            "%(max_cols)s columns are accepted. Delete the unused rows and columns, or copy the data into "
            "the template."
        )
        % {"rows": rows, "cols": columns, "max_rows": MAX_SHEET_ROWS, "max_cols": MAX_SHEET_COLUMNS},
        code="xlsx_too_big",
    )


class _Budget:
    """The wall-clock time one upload may take to read."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + READ_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ValidationError(
                _(
                    "Reading the file took too long (more than %(s)s seconds). "
                    "Please copy the data into the template and upload it again."
                )
                % {"s": int(READ_SECONDS)},
                code="xlsx_too_slow",
            )


def read_rows(upload: IO[bytes], *, headers: Sequence[str], required: Sequence[str] = ()) -> list[Row]:
    """Read the first sheet of an uploaded .xlsx into rows keyed by header.

    The header row is the first row that contains every required header; rows
    above it (titles, instructions) are skipped, as are blank rows. Raises a
    ValidationError with a Chinese message when the file cannot be used,
    including a file built to exhaust the server (see the module's guards)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is too large (at most 10 MB)."))
    budget = _Budget()
    check_archive(upload)
    try:
        upload.seek(0)
        # openpyxl reads the sheet's <dimension> here, and only the sheet's
        # head (see _size_from_sheet_header).
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx). Please use the template.")) from exc
    try:
        budget.check()
        if not wb.worksheets:
            raise ValidationError(_("The file is not an Excel workbook (.xlsx). Please use the template."))
        ws = wb.worksheets[0]
        declared_rows, declared_columns = ws.max_row, ws.max_column
        if (declared_rows or 0) > MAX_SHEET_ROWS or (declared_columns or 0) > MAX_SHEET_COLUMNS:
            raise _too_big(declared_rows or "?", declared_columns or "?")
        # Bounded whatever the sheet declares: one row past the limit tells
        # that there are too many, and columns beyond the limit are not built.
        rows: Iterator[tuple[Any, ...]] = ws.iter_rows(
            max_row=MAX_SHEET_ROWS + 1,
            max_col=min(declared_columns or MAX_SHEET_COLUMNS, MAX_SHEET_COLUMNS),
            values_only=True,
        )
        needed = set(required or headers)
        index: dict[str, int] | None = None
        result: list[Row] = []
        for number, raw in enumerate(rows, start=1):
            if number > MAX_SHEET_ROWS:
                raise ValidationError(
                    _(
                        "The sheet has more than %(n)s rows (blank rows included). Delete the unused rows, "
                        "or copy the data into the template."
                    )
                    % {"n": MAX_SHEET_ROWS},
                    code="xlsx_too_many_rows",
                )
            if number % 256 == 0:
                budget.check()
            values = [_clean(v) for v in raw]
            if index is None:
                names = [str(v) if v is not None else "" for v in values]
                if needed <= set(names):
                    index = {name: names.index(name) for name in headers if name in names}
                elif number >= 20:
                    break
                continue
            if all(v is None for v in values):
                continue
            if len(result) >= MAX_UPLOAD_ROWS:
                raise ValidationError(_("The file has too many rows (at most %(n)s).") % {"n": MAX_UPLOAD_ROWS})
            result.append(Row(number, {name: values[i] if i < len(values) else None for name, i in index.items()}))
        budget.check()
        if index is None:
            raise ValidationError(
                _("The header row was not found. The first sheet must have the columns: %(cols)s.")
                % {"cols": "、".join(h for h in (required or headers) if h in needed)}
            )
        return result
    finally:
        wb.close()
