"""Factories and helpers for visits and rectifications (issue 3)."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from supervision.models import (
    ItemResult,
    Rectification,
    RectificationStatus,
    SupervisionItem,
    Visit,
    VisitItemResult,
    VisitKind,
    VisitMethod,
    VisitMode,
)
from tests.factories import SchoolFactory, SupervisorUserFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    client_id = factory.LazyFunction(uuid.uuid4)
    school = factory.SubFactory(SchoolFactory)
    date = factory.LazyFunction(timezone.localdate)
    kind = VisitKind.ROUTINE
    mode = VisitMode.ANNOUNCED
    methods = factory.LazyFunction(lambda: [VisitMethod.CAMPUS_PATROL, VisitMethod.DOCUMENT_REVIEW])
    findings = "作业公示栏内容完整。"
    submitted_by = factory.SubFactory(SupervisorUserFactory)


def item(code: str) -> SupervisionItem:
    return SupervisionItem.objects.get(code=code)


class VisitItemResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitItemResult

    visit = factory.SubFactory(VisitFactory)
    item = factory.LazyFunction(lambda: item("4.1"))
    item_code = factory.LazyAttribute(lambda o: o.item.code)
    item_title = factory.LazyAttribute(lambda o: o.item.title)
    item_order = factory.LazyAttribute(lambda o: o.item.order)
    item_is_top_level = factory.LazyAttribute(lambda o: o.item.parent_id is None)
    result = ItemResult.COMPLIANT


class RectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rectification

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"整改事项{n}")
    description = "三年级书面作业超过60分钟，须在两周内完成作业统筹并公示。"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    status = RectificationStatus.OPEN
    raised_by = factory.SubFactory(SupervisorUserFactory)


def jpeg_bytes(*, gps: bool = True, size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    """A small JPEG, with an EXIF block carrying a GPS position when ``gps``."""
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "TabletMaker"  # Make
        gps_ifd = {1: "N", 2: (30.0, 41.0, 52.0), 3: "E", 4: (121.0, 0.0, 54.0)}
        exif[0x8825] = gps_ifd  # GPSInfo
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        return bool(exif.get_ifd(0x8825)) or 0x8825 in exif


def photo_upload(name: str = "IMG_0001.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def pdf_upload(name: str = "plan.pdf") -> SimpleUploadedFile:
    # A real one-page PDF: uploads are rewritten from their pages, so a bare
    # signature is no longer accepted.
    from tests.supervision.complaint_factories import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
