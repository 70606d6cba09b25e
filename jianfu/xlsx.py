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
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
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


def _cell(ws: Worksheet, value: Any, number_format: str | None = None) -> Any:
    value = neutralise(value)
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if number_format is None and not isinstance(value, datetime.date | datetime.datetime):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    else:
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_workbook(sheets: Sequence[Sheet], out: IO[bytes] | None = None) -> bytes:
    """Write ``sheets`` as an .xlsx; returns the bytes (also written to
    ``out`` when given). Rows are consumed lazily, one at a time."""
    wb = Workbook(write_only=True)
    for spec in sheets:
        ws = wb.create_sheet(title=spec.title[:31])
        for i, col in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        for note in spec.notes:
            ws.append([neutralise(note)])
        header_row = len(spec.notes) + 1
        ws.freeze_panes = f"A{header_row + 1}"
        header = []
        for col in spec.columns:
            cell = WriteOnlyCell(ws, value=neutralise(col.header))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
            header.append(cell)
        ws.append(header)
        formats = [c.number_format for c in spec.columns]
        for row in spec.rows:
            ws.append([_cell(ws, v, formats[i] if i < len(formats) else None) for i, v in enumerate(row)])
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
