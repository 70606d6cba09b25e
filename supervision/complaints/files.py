"""Checking the files attached to a complaint.

A file is accepted only when its content is what it claims to be: the kind
is decided from the first bytes (never from the name or the browser's
content type), a name whose extension says otherwise is refused as lying,
images are decoded and re-encoded without metadata (dropping a phone's GPS
position), PDFs must parse and are written anew without scripts, actions or embedded
files, and each kind has its own size cap. The stored
name is always generated."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jianfu.uploads import pdf_without_active_content, reencode_image

from ..models import AttachmentKind

# Extensions each detected format may carry.
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "bmp"}
AUDIO_FORMATS: dict[str, tuple[set[str], str]] = {
    "mp3": ({"mp3"}, "audio/mpeg"),
    "m4a": ({"m4a", "mp4", "aac"}, "audio/mp4"),
    "wav": ({"wav"}, "audio/wav"),
    "amr": ({"amr"}, "audio/amr"),
    "ogg": ({"ogg", "oga", "opus"}, "audio/ogg"),
}
# MP4 brands of audio files (phone call recorders and voice memos).
M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"3gp4", b"3gp5", b"3gp6", b"MSNV", b"dash"}


@dataclass
class PreparedFile:
    """A checked file, ready to be stored under its generated name."""

    content: ContentFile
    kind: str
    content_type: str
    is_recording: bool = False

    @property
    def size(self) -> int:
        return int(self.content.size)


def _mb(value: int) -> int:
    return value * 1024 * 1024


def sniff(head: bytes) -> tuple[str, str] | None:
    """(kind, format) from a file's first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return AttachmentKind.IMAGE, "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentKind.IMAGE, "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return AttachmentKind.IMAGE, "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return AttachmentKind.IMAGE, "webp"
    if head.startswith(b"BM"):
        return AttachmentKind.IMAGE, "bmp"
    if head.startswith(b"%PDF-"):
        return AttachmentKind.PDF, "pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return AttachmentKind.AUDIO, "mp3"
    if head[4:8] == b"ftyp" and head[8:12] in M4A_BRANDS:
        return AttachmentKind.AUDIO, "m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return AttachmentKind.AUDIO, "wav"
    if head.startswith(b"#!AMR"):
        return AttachmentKind.AUDIO, "amr"
    if head.startswith(b"OggS"):
        return AttachmentKind.AUDIO, "ogg"
    return None


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _allowed_extensions(kind: str, fmt: str) -> set[str]:
    if kind == AttachmentKind.IMAGE:
        return IMAGE_EXTENSIONS
    if kind == AttachmentKind.PDF:
        return {"pdf"}
    return AUDIO_FORMATS[fmt][0]


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds of errors on a broken file
        raise ValidationError(_("The PDF file is damaged or not a real PDF.")) from exc
    if pages < 1:
        raise ValidationError(_("The PDF file has no pages."))


def prepare_upload(
    upload: UploadedFile, *, kinds: tuple[str, ...] = tuple(AttachmentKind), is_recording: bool = False
) -> PreparedFile:
    """Check one uploaded file and return it ready to store; raises a
    ValidationError whose message names the file's problem for the user."""
    name = upload.name or ""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    detected = sniff(head)
    if detected is None:
        raise ValidationError(
            _("“%(name)s” is not an image, PDF or audio file we accept.") % {"name": name[-40:]},
            code="unknown_type",
        )
    kind, fmt = detected
    ext = _extension(name)
    if ext and ext not in _allowed_extensions(kind, fmt):
        raise ValidationError(
            _("“%(name)s” is not what its name says: its content is a different kind of file.") % {"name": name[-40:]},
            code="lying_type",
        )
    if kind not in kinds:
        raise ValidationError(
            _("“%(name)s”: this kind of file is not accepted here.") % {"name": name[-40:]}, code="kind_not_allowed"
        )
    caps: dict[str, int] = {
        AttachmentKind.IMAGE: settings.COMPLAINT_IMAGE_MAX_MB,
        AttachmentKind.PDF: settings.COMPLAINT_PDF_MAX_MB,
        AttachmentKind.AUDIO: settings.COMPLAINT_AUDIO_MAX_MB,
    }
    cap = caps[kind]
    if upload.size is not None and upload.size > _mb(cap):
        raise ValidationError(
            _("“%(name)s” is too large (at most %(mb)s MB for this kind of file).") % {"name": name[-40:], "mb": cap},
            code="too_large",
        )
    if kind == AttachmentKind.IMAGE:
        content = reencode_image(upload, max_bytes=_mb(cap))
        return PreparedFile(content=content, kind=kind, content_type="image/jpeg")
    data = upload.read()
    if len(data) > _mb(cap):  # the declared size may lie too
        raise ValidationError(
            _("“%(name)s” is too large (at most %(mb)s MB for this kind of file).") % {"name": name[-40:], "mb": cap},
            code="too_large",
        )
    if kind == AttachmentKind.PDF:
        _check_pdf(data)
        return PreparedFile(
            content=ContentFile(pdf_without_active_content(data), name=f"{uuid.uuid4().hex}.pdf"),
            kind=kind,
            content_type="application/pdf",
        )
    content_type = AUDIO_FORMATS[fmt][1]
    return PreparedFile(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.{fmt}"),
        kind=kind,
        content_type=content_type,
        is_recording=is_recording,
    )
