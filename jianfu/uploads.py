"""Checking and re-encoding uploaded files.

An upload is never stored as sent: images are decoded and written anew as
JPEG (dropping EXIF, including a tablet's GPS position, and anything hidden
after the image data), and the size is capped before decoding; PDFs are
written anew from their pages, without scripts, actions, embedded files,
forms or annotations (:func:`pdf_without_active_content`)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # decompression-bomb guard, about 7000 x 5700


def reencode_image(upload: UploadedFile, *, max_side: int = 2000, max_bytes: int = MAX_IMAGE_BYTES) -> ContentFile:
    """Decode an uploaded image and return it re-encoded as a JPEG without
    metadata, at most ``max_side`` pixels on its longer side. Raises a
    ValidationError with a message for the user when it is not a usable image."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_("The image is too large (at most %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF", "BMP"}:
                raise ValidationError(_("Only JPEG, PNG, WebP, GIF or BMP images are accepted."))
            probe.load()
            # Honour the camera's orientation before the EXIF that holds it is dropped.
            image = ImageOps.exif_transpose(probe)
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid image.")) from exc
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    # A fresh name: the uploaded name may carry personal data or path tricks.
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


MAX_PDF_OBJECTS = 200_000  # objects walked in one upload; a scanned document has a few hundred
# Dictionary keys that carry or reach active content: scripts (/JS,
# /JavaScript, additional actions /AA, /OpenAction), launching programs,
# embedded files, rich media (Flash, 3D, video), forms (XFA and AcroForm
# field scripts), and annotations (where link, sound, movie, screen and
# file-attachment actions live). None of them is needed to read a scan.
ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/OpenAction",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/XFA",
        "/AcroForm",
        "/Annots",
        "/Names",
    }
)
# Action types that run something, reach another file or send data.
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/ResetForm",
        "/RichMediaExecute",
        "/GoToE",
        "/GoToR",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/Hide",
        "/URI",
    }
)


class _TooComplex(Exception):
    pass


def _walk(root: Any, *, strip: bool) -> bool:
    """Visit every dictionary reachable from ``root`` (except page parents);
    with ``strip``, delete active keys and empty active actions in place.
    Returns whether active content was found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found = False
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise _TooComplex
        if isinstance(node, DictionaryObject):  # streams are dictionaries too
            if node.get("/S") in ACTIVE_ACTIONS:
                found = True
                if strip:
                    node.clear()
                    continue
            for name in [k for k in node if k in ACTIVE_KEYS]:
                found = True
                if strip:
                    del node[name]
            stack.extend(v for k, v in node.items() if k != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def _active_refused() -> ValidationError:
    return ValidationError(
        _(
            "The PDF contains scripts, embedded files or other active content and cannot be cleaned. "
            "Please print it to a new PDF and upload that."
        ),
        code="pdf_active",
    )


def pdf_without_active_content(data: bytes) -> bytes:
    """The PDF ``data`` written anew with its pages only, without anything
    that a viewer would run or open: the document's catalogue (where
    /OpenAction, JavaScript name trees, embedded files and XFA forms live) is
    not copied, and the pages lose their annotations and additional actions.
    The result is parsed again and refused if anything active survived.
    Raises a ValidationError with a message for the user."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected by a password. Please upload it without the password."), code="pdf_encrypted"
            )
        writer = PdfWriter()
        for page in reader.pages:
            _walk(page, strip=True)
            writer.add_page(page)
        if not writer.pages:
            raise ValidationError(_("The PDF has no pages."), code="pdf_empty")
        out = io.BytesIO()
        writer.write(out)
        cleaned = out.getvalue()
        check = PdfReader(io.BytesIO(cleaned))
        if _walk(check.trailer, strip=False):
            raise _active_refused()
    except ValidationError:
        raise
    except _TooComplex as exc:
        raise _active_refused() from exc
    # pypdf raises many kinds of error on a damaged or hostile file; any of
    # them means "not a PDF we can keep".
    except Exception as exc:
        raise ValidationError(_("The file is not a readable PDF."), code="pdf_unreadable") from exc
    return cleaned
