"""Checking and re-encoding uploaded files.

An upload is never stored as sent: images are decoded and written anew as
JPEG (dropping EXIF, including a tablet's GPS position, and anything hidden
after the image data), and the size is capped before decoding."""

from __future__ import annotations

import io
import uuid

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
