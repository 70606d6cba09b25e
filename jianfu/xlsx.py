"""Reading and writing Excel workbooks safely.

Writing: every list export goes through :func:`write_workbook`, which uses
openpyxl's write-only mode (rows stream to disk, memory stays flat), freezes
and styles the header row, sets column widths, and neutralises text that a
spreadsheet would run as a formula (OWASP "CSV injection": a cell starting
with = + - @, or a tab/CR that some programs strip before such a sign).

Reading: :func:`read_rows` turns an uploaded template into dictionaries keyed
by the template's Chinese headers, with the spreadsheet row number, and
reports a file that is not a workbook, or lacks headers, as a message for
the user instead of a 500.
"""

from __future__ import annotations

import datetime
import decimal
import io
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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000


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


def read_rows(upload: IO[bytes], *, headers: Sequence[str], required: Sequence[str] = ()) -> list[Row]:
    """Read the first sheet of an uploaded .xlsx into rows keyed by header.

    The header row is the first row that contains every required header; rows
    above it (titles, instructions) are skipped, as are blank rows. Raises a
    ValidationError with a Chinese message when the file cannot be used."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is too large (at most 10 MB)."))
    try:
        upload.seek(0)
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx). Please use the template.")) from exc
    try:
        ws = wb.worksheets[0]
        rows: Iterator[tuple[Any, ...]] = ws.iter_rows(values_only=True)
        needed = set(required or headers)
        index: dict[str, int] | None = None
        result: list[Row] = []
        for number, raw in enumerate(rows, start=1):
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
        if index is None:
            raise ValidationError(
                _("The header row was not found. The first sheet must have the columns: %(cols)s.")
                % {"cols": "、".join(h for h in (required or headers) if h in needed)}
            )
        return result
    finally:
        wb.close()
