"""Hostile uploads built by the tests themselves: spreadsheet bombs and PDFs
with active content. Nothing here is mocked: each is a file an attacker
could send, and the big ones are streamed so building them stays fast."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _header_row(headers: Sequence[str]) -> str:
    cells = "".join(
        f'<c r="{get_column_letter(i)}1" t="inlineStr"><is><t>{escape(h)}</t></is></c>'
        for i, h in enumerate(headers, start=1)
    )
    return f'<row r="1">{cells}</row>'


def _workbook_members(headers: Sequence[str]) -> dict[str, bytes]:
    """The members of an ordinary one-sheet workbook with ``headers``."""
    wb = Workbook()
    wb.active.append(list(headers))  # type: ignore[union-attr]
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        # The theme and document properties are optional: leaving them out
        # keeps the small bombs as small as the ones of the attack.
        return {
            name: archive.read(name) for name in archive.namelist() if not name.startswith(("xl/theme/", "docProps/"))
        }


def _zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def dimension_bomb(headers: Sequence[str]) -> bytes:
    """About 1.7 KB: a sheet declaring A1:XFD1048576 with one cell in its last row."""
    members = _workbook_members(headers)
    members[SHEET] = (
        f'<worksheet {_NS}><dimension ref="A1:XFD1048576"/><sheetData>{_header_row(headers)}'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    ).encode()
    return _zipped(members)


def many_rows(headers: Sequence[str], rows: int = 1_048_575) -> bytes:
    """A sheet of ``rows`` rows (header included), no <dimension>: below the
    header, every row holds a cell with a blank text, which the reader
    skips as a blank row, so only counting the rows read stops it."""
    members = _workbook_members(headers)
    body = "".join(f'<row r="{n}"><c r="A{n}"><v></v></c></row>' for n in range(2, rows + 1))
    members[SHEET] = f"<worksheet {_NS}><sheetData>{_header_row(headers)}{body}</sheetData></worksheet>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _raw_zip(members: Iterable[tuple[str, Iterable[bytes], int, int]]) -> bytes:
    """A zip of already deflated members: (name, deflated chunks, crc32, size)."""
    out = io.BytesIO()
    central = []
    for name, chunks, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, 0, size, len(encoded), 0))
        out.write(encoded)
        start = out.tell()
        for chunk in chunks:
            out.write(chunk)
        compressed = out.tell() - start
        # Patch the compressed size into the local header now that it is known.
        out.seek(offset + 18)
        out.write(struct.pack("<I", compressed))
        out.seek(0, io.SEEK_END)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                compressed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[list[bytes], int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return [compressor.compress(data) + compressor.flush()], zlib.crc32(data), len(data)


def zip_bomb(headers: Sequence[str], *, mebibytes: int = 1024) -> bytes:
    """About 1 MB of zip whose sheet expands to ``mebibytes`` MiB of blanks.

    The sheet XML is a header row followed by a gibibyte of spaces (XML
    whitespace) and no <dimension>. The same 1 MiB block of spaces is
    deflated once, ended with a full flush so that each repetition is the
    same bytes, and repeated: building the file costs one CRC pass."""
    members = _workbook_members(headers)
    head = f"<worksheet {_NS}><sheetData>{_header_row(headers)}".encode()
    tail = b"</sheetData></worksheet>"
    block = b" " * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + mebibytes * len(block) + len(tail)
    chunks = [first, *([repeated] * mebibytes), last]
    parts = [(name, *_deflated(data)) for name, data in members.items() if name != SHEET]
    return _raw_zip([*parts, (SHEET, chunks, crc, size)])
