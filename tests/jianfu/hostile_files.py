"""Hostile uploads built by the tests themselves: spreadsheet bombs and PDFs
with active content. Nothing here is mocked: each is a file an attacker
could send, and the big ones are streamed so building them stays fast."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any
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


# -- PDFs with active content --------------------------------------------------------

MARKER = "jianfu-pwned"  # in every script, program name and embedded file below
SCRIPT = f"app.alert('{MARKER}');"


def _pdf(build: Callable[[Any], None], pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js_action(writer: Any) -> Any:
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    script = StreamObject()  # a stream, so the script is in the file as written
    script.set_data(SCRIPT.encode())
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): writer._add_object(script),
        }
    )
    return writer._add_object(action)


def _annotation(writer: Any, subtype: str, **entries: Any) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)]),
            **{NameObject(k): v for k, v in entries.items()},
        }
    )
    page = writer.pages[0]
    annots = page.setdefault(NameObject("/Annots"), ArrayObject())
    annots.append(writer._add_object(annot))


def _open_action_js(writer: Any) -> None:
    from pypdf.generic import NameObject

    writer._root_object[NameObject("/OpenAction")] = _js_action(writer)


def _names_js(writer: Any) -> None:
    """A document-level script: run when the document opens."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("init"), _js_action(writer)])})
    names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)


def _page_aa(writer: Any) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    writer.pages[1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action(writer)})


def _launch(writer: Any) -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject(f"C:\\{MARKER}.exe")}
    )
    _annotation(writer, "/Link", **{"/A": writer._add_object(launch)})


def _embedded_file(writer: Any) -> None:
    writer.add_attachment(f"{MARKER}.exe", f"MZ {MARKER}".encode())


def _rich_media(writer: Any) -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    content = DictionaryObject({NameObject("/Assets"): TextStringObject(f"{MARKER}.swf")})
    _annotation(writer, "/RichMedia", **{"/RichMediaContent": writer._add_object(content)})


def _xfa(writer: Any) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject

    stream = StreamObject()
    stream.set_data(f"<xdp:xdp><script>{SCRIPT}</script></xdp:xdp>".encode())
    form = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): ArrayObject([TextStringObject("template"), writer._add_object(stream)]),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)


def _reached_from_a_page(writer: Any) -> None:
    """The catalogue, with its script, referenced from a page's resources:
    copying the pages alone would carry it along."""
    from pypdf.generic import NameObject

    _open_action_js(writer)
    writer.pages[0][NameObject("/Resources")][NameObject("/Cat")] = writer._root_object.indirect_reference
    writer.pages[0][NameObject("/Resources")][NameObject("/Hidden")] = _js_action(writer)


ACTIVE_PDFS: dict[str, Callable[[], bytes]] = {
    "OpenAction-JavaScript": lambda: _pdf(_open_action_js),
    "Names-JavaScript": lambda: _pdf(_names_js),
    "page-AA": lambda: _pdf(_page_aa),
    "Launch": lambda: _pdf(_launch),
    "EmbeddedFiles": lambda: _pdf(_embedded_file),
    "RichMedia": lambda: _pdf(_rich_media),
    "XFA": lambda: _pdf(_xfa),
    "reached-from-a-page": lambda: _pdf(_reached_from_a_page),
}


def _everything(writer: Any) -> None:
    for build in (_names_js, _page_aa, _launch, _embedded_file, _rich_media, _xfa, _reached_from_a_page):
        build(writer)


def pdf_with_every_active_content() -> bytes:
    """Two pages carrying every kind of active content above at once."""
    return _pdf(_everything)


def pdf_everything(data: bytes) -> str:
    """Every object of a PDF, reachable or not, strings unescaped and streams
    decoded: what a viewer or an attacker's tool could find in the file."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    ids = {(idnum, generation) for generation, table in reader.xref.items() for idnum in table}
    ids |= {(idnum, 0) for idnum in reader.xref_objStm}
    parts = []
    for idnum, generation in sorted(ids):
        obj = IndirectObject(idnum, generation, reader).get_object()
        parts.append(repr(obj))
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data().decode("latin-1"))
    return "\n".join(parts)
