"""Factories and helpers for complaint cases. Cases are made through the
services, so a case "in status X" went through the real transitions."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from supervision.complaints import services
from supervision.models import AssigneeKind, ComplaintCase, ComplaintCategory, ComplaintChannel, ComplaintStatus
from tests.factories import BureauUserFactory, SchoolFactory

S = ComplaintStatus


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试类别{n}")


def ensure_complaint_seed_data() -> None:
    """Put back what the data migrations seed (categories, reply templates,
    the 2026 calendar) for transactional tests: the tables are emptied after
    every such test, and serialized rollback does not survive the browser
    harness (Playwright's greenlet sees its own database connection)."""
    import importlib

    from django.apps import apps

    for name in ("0007_seed_complaint_categories", "0008_seed_work_calendar_2026"):
        importlib.import_module(f"supervision.migrations.{name}").seed(apps, None)


def category() -> ComplaintCategory:
    """A seeded category (the data migration's list)."""
    return ComplaintCategory.objects.get(name="作业量过大")


def public_form_data(school: Any, *, captcha: str, **extra: Any) -> dict[str, Any]:
    """The POST data of a valid anonymous complaint about ``school`` on the
    public form, with the CAPTCHA answer given; ``extra`` overrides."""
    return {
        "school_code": school.code,
        "school_name": school.name,
        "category": str(category().pk),
        "happened_on": "2026-11-21",
        "description": "周六上午学校组织全年级集体补课，收取资料费。",
        "identity": "anonymous",
        "name": "",
        "phone": "",
        "website": "",
        "captcha": captcha,
        **extra,
    }


def status_page_case(response: Any) -> tuple[str, list[str]] | None:
    """The case number and the milestones' stages the public status page
    shows, read from its HTML (the page's body is stamped, so a response
    served from a stamp carries no template context), or None when it shows
    no case."""
    page = response.content.decode()
    card = re.search(r'data-testid="case-status".*?<span class="font-monospace">([^<]+)</span>', page, re.S)
    if card is None:
        return None
    timeline = page[page.index('data-testid="timeline"') :].split("</ol>", 1)[0]
    return card.group(1), re.findall(r'<li [^>]*data-stage="([a-z_]+)"', timeline)


def status_page_number(response: Any) -> str | None:
    """The number of the case the public status page shows, or None."""
    shown = status_page_case(response)
    return shown[0] if shown else None


def file_case(
    *,
    school: Any = None,
    by: Any = None,
    real_name: bool = True,
    name: str = "张秘密",
    phone: str = "13812345678",
    received_at: datetime.datetime | None = None,
    description: str = "三年级数学作业每天超过两小时，周六还组织集体补课。",
    channel: str = ComplaintChannel.HOTLINE,
    files: Any = (),
) -> services.FiledCase:
    return services.complaint_file(
        school=school or SchoolFactory(),
        category=category(),
        channel=channel,
        description=description,
        happened_on=datetime.date(2026, 11, 20),
        real_name=real_name,
        name=name if real_name else "",
        phone=phone if real_name else "",
        received_at=received_at or timezone.now(),
        operator=by,
        files=files,
    )


def case_in_status(
    status: str,
    *,
    school: Any = None,
    by: Any = None,
    assign_to: str = AssigneeKind.SCHOOL,
    supervisor: Any = None,
    outcome: str = "substantiated",
    **kwargs: Any,
) -> ComplaintCase:
    """A case walked through the workflow up to ``status``."""
    by = by or BureauUserFactory()
    case = file_case(school=school, by=by, **kwargs).case
    if status == S.RECEIVED:
        return case
    if status == S.NOT_ACCEPTED:
        return services.complaint_decline(case=case, by=by, reason="不属于减负督导受理范围")
    services.complaint_accept(case=case, by=by)
    if status == S.ACCEPTED:
        return case
    services.complaint_assign(
        case=case,
        by=by,
        kind=assign_to,
        supervisor=supervisor,
        school_summary="请核查三年级数学作业量和周六补课情况。",
    )
    if status == S.ASSIGNED:
        return case
    services.complaint_start_investigation(case=case, by=by)
    if status == S.INVESTIGATING:
        return case
    substantiated = outcome != "not_substantiated"
    services.complaint_conclude(
        case=case,
        by=by,
        outcome=outcome,
        liability="individual" if substantiated else "none",
        liable_person="三年级数学教师" if substantiated else "",
        measures="责令立即停止周六补课，约谈教师" if substantiated else "",
        conclusion="经核查，周六补课情况属实。" if substantiated else "经核查未发现问题。",
    )
    if status == S.CONCLUDED:
        return case
    services.complaint_reply(case=case, by=by, reply="您好，经核查情况属实，已责令整改。")
    if status == S.REPLIED:
        return case
    services.complaint_close(case=case, by=by)
    assert status == S.CLOSED
    return case


def jpeg_bytes(*, gps: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps_ifd = {1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 28.0, 10.0)}
        exif[0x8825] = gps_ifd
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


MP3_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400
WAV_BYTES = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 200
AMR_BYTES = b"#!AMR\n" + b"\x3c" * 200
OGG_BYTES = b"OggS\x00\x02" + b"\x00" * 200
M4A_BYTES = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 200
