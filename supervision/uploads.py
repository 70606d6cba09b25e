"""Where the supervision app's uploads go on disk: generated names only,
grouped by school and month so a folder never grows without bound."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.utils import timezone

ALLOWED_SUFFIXES = {".jpg", ".pdf"}


def _generated_name(prefix: str, school_id: Any, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        suffix = ".bin"
    now = timezone.now()
    return f"{prefix}/{school_id}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def visit_photo_path(instance: Any, filename: str) -> str:
    return _generated_name("visit-photos", instance.visit.school_id, filename)


def evidence_path(instance: Any, filename: str) -> str:
    return _generated_name("rectification-evidence", instance.answer.rectification.school_id, filename)
