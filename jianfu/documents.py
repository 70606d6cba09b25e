"""Checking uploaded documents: a PDF or an image, nothing else.

The type is decided by the content (magic bytes), never by the name or the
browser's content type. A PDF must parse with pypdf, have at least one page
and carry no password, and is written anew without scripts, actions or
embedded files; an image is re-encoded by
:func:`jianfu.uploads.reencode_image`, which drops EXIF (and a phone's GPS
position) and anything appended after the image data. The stored name is
generated; the uploaded name is kept only to show to people."""

from __future__ import annotations

import io
import logging
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from pypdf import PdfReader

from jianfu.uploads import pdf_without_active_content, reencode_image

logger = logging.getLogger(__name__)


PDF_MAGIC = b"%PDF-"


IMAGE_MAGICS = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",
)


@dataclass(frozen=True)
class CheckedDocument:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def _is_image(head: bytes) -> bool:
    if head.startswith(IMAGE_MAGICS):
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def display_name(name: str | None) -> str:
    """The uploaded name without any path, for showing only."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return base[-120:]


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected by a password. Please upload it without the password."), code="pdf_encrypted"
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    # pypdf raises many kinds of error on a damaged or hostile file; any of
    # them means "not a PDF we can keep".
    except Exception as exc:
        logger.info("refused PDF upload: %s", exc)
        raise ValidationError(_("The file is not a readable PDF."), code="pdf_unreadable") from exc
    if pages < 1:
        raise ValidationError(_("The PDF has no pages."), code="pdf_empty")


def check_document(upload: UploadedFile, *, max_bytes: int) -> CheckedDocument:
    """Check ``upload`` and return what to store. Raises a ValidationError
    with a message for the user when the file is refused."""
    limit_mb = max_bytes // (1024 * 1024)
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(_("The file is too large (at most %(mb)s MB).") % {"mb": limit_mb}, code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    original = display_name(upload.name)
    if head.startswith(PDF_MAGIC):
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ValidationError(_("The file is too large (at most %(mb)s MB).") % {"mb": limit_mb}, code="too_large")
        _check_pdf(data)
        data = pdf_without_active_content(data)
        return CheckedDocument(
            content=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"),
            content_type="application/pdf",
            original_name=original,
            size=len(data),
        )
    if _is_image(head):
        image = reencode_image(upload, max_bytes=max_bytes)
        return CheckedDocument(content=image, content_type="image/jpeg", original_name=original, size=image.size)
    raise ValidationError(
        _("Only PDF files and images (JPEG, PNG, WebP, GIF, BMP) are accepted."), code="unsupported_type"
    )


def document_response(file: FieldFile, *, content_type: str, filename: str) -> FileResponse:
    """Serve a stored document to someone the calling view has checked.
    Images open in the page (they are shown as thumbnails); PDFs download."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    inline = content_type.startswith("image/")
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
