"""Factories and file makers for the pledge and self-check tests."""

from __future__ import annotations

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from schools.models import (
    PeriodKind,
    PledgeText,
    SchoolPledge,
    SchoolYear,
    SelfCheck,
    SelfCheckItemResult,
    SelfCheckRound,
)
from supervision.models import SupervisionItem


def current_year() -> SchoolYear:
    """A school year containing today, whatever day the suite runs."""
    today = timezone.localdate()
    start_year = today.year if today.month >= 8 else today.year - 1
    year, _ = SchoolYear.objects.get_or_create(
        name=f"{start_year}-{start_year + 1}学年",
        defaults={
            "start_date": datetime.date(start_year, 8, 1),
            "end_date": datetime.date(start_year + 1, 7, 31),
        },
    )
    return year


class PledgeTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeText

    school_year = factory.LazyFunction(current_year)
    version = factory.Sequence(lambda n: n + 1)
    title = "减轻学生过重课业负担责任书"
    body = "一、严格执行课程计划，不随意增减课时。\n二、严格控制书面作业总量。"
    bureau_signatory = "王局长"


class SchoolPledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolPledge

    school_year = factory.LazyFunction(current_year)


def checklist_items(n: int = 3) -> list[SupervisionItem]:
    """The first ``n`` seeded sub-items (migration 0004) in checklist order."""
    return list(SupervisionItem.objects.filter(parent__isnull=False, active=True).order_by("order", "code")[:n])


class SelfCheckRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheckRound
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"减负自查第{n}轮")
    period_kind = PeriodKind.MONTH
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.items.set(extracted if extracted is not None else checklist_items())

    @factory.post_generation
    def schools(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            obj.schools.set(extracted)


class SelfCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheck

    round = factory.SubFactory(SelfCheckRoundFactory)


class SelfCheckItemResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheckItemResult

    item_code = factory.LazyAttribute(lambda o: o.item.code)
    item_title = factory.LazyAttribute(lambda o: o.item.title)


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "扫描件.pdf", **kwargs: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")  # type: ignore[arg-type]


def jpeg_bytes(*, with_gps: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (30.0, 40.0, 50.0)
        gps[3] = "E"
        gps[4] = (121.0, 1.0, 2.0)
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def jpeg_upload(name: str = "photo.jpg", **kwargs: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")  # type: ignore[arg-type]
