"""Responsibility pledges: versioned texts, signatures, signed copies,
teacher pledges and the public commitment (the services)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from schools.models import SchoolPledge, SchoolYear
from schools.pledges.selectors import pledge_text_latest, public_commitment, school_year_current
from schools.pledges.services import (
    PledgeError,
    pledge_attach_scan,
    pledge_record_signature,
    pledge_record_teacher_pledges,
    pledge_text_publish,
    pledge_update_commitment,
)
from tests.schools.filing_factories import current_year, jpeg_upload, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def publish(world, year=None, body="第一版正文"):  # type: ignore[no-untyped-def]
    return pledge_text_publish(
        school_year=year or current_year(), title="责任书", body=body, bureau_signatory="王局长", by=world.bureau
    )


def sign(world, text, principal=None, **kwargs):  # type: ignore[no-untyped-def]
    principal = principal or world.principal_a
    return pledge_record_signature(
        school=principal.school,
        school_year=text.school_year,
        text=text,
        signed_on=kwargs.pop("signed_on", timezone.localdate()),
        principal_signatory="张校长",
        by=principal,
        **kwargs,
    )


def test_publishing_numbers_versions_per_year(world) -> None:  # type: ignore[no-untyped-def]
    first = publish(world)
    second = publish(world, body="第二版正文")
    other_year = SchoolYear.objects.create(
        name="2099-2100学年", start_date=datetime.date(2099, 8, 1), end_date=datetime.date(2100, 7, 31)
    )
    elsewhere = publish(world, year=other_year)
    assert (first.version, second.version, elsewhere.version) == (1, 2, 1)
    assert pledge_text_latest(school_year=current_year()) == second


def test_only_bureau_publishes_texts(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PledgeError):
        pledge_text_publish(school_year=current_year(), title="t", body="b", by=world.principal_a)


def test_signed_pledge_keeps_the_version_it_signed(world) -> None:  # type: ignore[no-untyped-def]
    first = publish(world)
    pledge = sign(world, first)
    publish(world, body="修订后的正文")
    pledge.refresh_from_db()
    assert pledge.text == first
    assert pledge.text.body == "第一版正文"
    assert pledge.bureau_signatory == "王局长"  # taken from the text when not given
    # A school signing now signs the newest version.
    later = sign(world, pledge_text_latest(school_year=current_year()), principal=world.principal_b)
    assert later.text.version == 2


def test_principal_cannot_sign_for_another_school(world) -> None:  # type: ignore[no-untyped-def]
    text = publish(world)
    with pytest.raises(PledgeError):
        pledge_record_signature(
            school=world.school_b,
            school_year=text.school_year,
            text=text,
            signed_on=timezone.localdate(),
            principal_signatory="x",
            by=world.principal_a,
        )
    with pytest.raises(PledgeError):
        pledge_record_signature(
            school=world.school_a,
            school_year=text.school_year,
            text=text,
            signed_on=timezone.localdate(),
            principal_signatory="x",
            by=world.supervisor_x,
        )
    assert not SchoolPledge.objects.filter(signed_on__isnull=False).exists()


def test_bureau_records_a_signature_for_a_school(world) -> None:  # type: ignore[no-untyped-def]
    text = publish(world)
    pledge = pledge_record_signature(
        school=world.school_b,
        school_year=text.school_year,
        text=text,
        signed_on=timezone.localdate(),
        principal_signatory="李校长",
        bureau_signatory="赵副局长",
        by=world.bureau,
    )
    assert pledge.is_signed and pledge.bureau_signatory == "赵副局长"
    assert pledge.signature_recorded_by == world.bureau


def test_a_pledge_is_signed_once_a_year(world) -> None:  # type: ignore[no-untyped-def]
    text = publish(world)
    sign(world, text)
    with pytest.raises(PledgeError) as excinfo:
        sign(world, publish(world))
    assert excinfo.value.code == "already_signed"


def test_signing_date_cannot_be_in_the_future(world) -> None:  # type: ignore[no-untyped-def]
    text = publish(world)
    with pytest.raises(PledgeError):
        sign(world, text, signed_on=timezone.localdate() + datetime.timedelta(days=1))


def test_text_of_another_year_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    other_year = SchoolYear.objects.create(
        name="2099-2100学年", start_date=datetime.date(2099, 8, 1), end_date=datetime.date(2100, 7, 31)
    )
    text = publish(world, year=other_year)
    with pytest.raises(PledgeError):
        pledge_record_signature(
            school=world.school_a,
            school_year=current_year(),
            text=text,
            signed_on=timezone.localdate(),
            principal_signatory="x",
            by=world.principal_a,
        )


def test_signed_pledge_needs_text_and_date_in_the_database(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolPledge.objects.create(school=world.school_a, school_year=current_year(), signed_on=timezone.localdate())


def test_scan_pdf_is_checked_and_stored_under_a_generated_name(world) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world))
    pledge_attach_scan(pledge=pledge, upload=pdf_upload("../../etc/张校长签字.pdf"), by=world.principal_a)
    pledge.refresh_from_db()
    assert pledge.scan_content_type == "application/pdf"
    assert pledge.scan.name.startswith(f"pledges/{pledge.school_year_id}/")
    assert "张校长" not in pledge.scan.name and ".." not in pledge.scan.name
    assert pledge.scan.read().startswith(b"%PDF-")


def test_scan_can_be_given_with_the_signature(world) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world), scan=pdf_upload())
    assert pledge.scan and pledge.scan_is_pdf


def test_scan_image_is_reencoded_without_gps(world) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world))
    upload = jpeg_upload(with_gps=True)
    assert b"TestCam" in upload.read()
    upload.seek(0)
    pledge_attach_scan(pledge=pledge, upload=upload, by=world.principal_a)
    pledge.refresh_from_db()
    data = pledge.scan.read()
    assert pledge.scan_content_type == "image/jpeg"
    assert b"TestCam" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif().get_ifd(0x8825)


def test_replacing_the_scan_deletes_the_old_file(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world), scan=pdf_upload())
    old = pledge.scan.name
    storage = pledge.scan.storage
    with django_capture_on_commit_callbacks(execute=True):
        pledge_attach_scan(pledge=pledge, upload=jpeg_upload(), by=world.bureau)
    assert not storage.exists(old)
    assert storage.exists(pledge.scan.name)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("fake.pdf", b"%PDF-1.7\nnot really a pdf at all", "pdf_unreadable"),
        ("locked.pdf", pdf_bytes(password="secret"), "pdf_encrypted"),
        ("notes.txt", b"just some text", "unsupported_type"),
        ("script.pdf", b"<html><script>alert(1)</script></html>", "unsupported_type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_scan_is_refused(world, name, content, code) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world))
    with pytest.raises(ValidationError) as excinfo:
        pledge_attach_scan(pledge=pledge, upload=SimpleUploadedFile(name, content), by=world.principal_a)
    assert excinfo.value.code == code
    pledge.refresh_from_db()
    assert not pledge.scan


@override_settings(PLEDGE_SCAN_MAX_MB=1)
def test_oversized_scan_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    pledge = sign(world, publish(world))
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"\n%" + b"x" * (1024 * 1024))
    with pytest.raises(ValidationError) as excinfo:
        pledge_attach_scan(pledge=pledge, upload=big, by=world.principal_a)
    assert excinfo.value.code == "too_large"


def test_scan_needs_a_signed_pledge(world) -> None:  # type: ignore[no-untyped-def]
    pledge = pledge_record_teacher_pledges(
        school=world.school_a,
        school_year=current_year(),
        teacher_count=50,
        teacher_pledge_count=10,
        by=world.principal_a,
    )
    with pytest.raises(PledgeError):
        pledge_attach_scan(pledge=pledge, upload=pdf_upload(), by=world.principal_a)


def test_teacher_pledges_cannot_exceed_teachers(world) -> None:  # type: ignore[no-untyped-def]
    pledge = pledge_record_teacher_pledges(
        school=world.school_a,
        school_year=current_year(),
        teacher_count=80,
        teacher_pledge_count=78,
        by=world.principal_a,
    )
    assert (pledge.teacher_pledge_count, pledge.teacher_count) == (78, 80)
    with pytest.raises(PledgeError):
        pledge_record_teacher_pledges(
            school=world.school_a,
            school_year=current_year(),
            teacher_count=80,
            teacher_pledge_count=81,
            by=world.principal_a,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolPledge.objects.filter(pk=pledge.pk).update(teacher_pledge_count=81)


def test_public_commitment_prefers_this_year_and_falls_back_to_last(world) -> None:  # type: ignore[no-untyped-def]
    year = current_year()
    last_year = SchoolYear.objects.create(
        name="上一学年",
        start_date=year.start_date.replace(year=year.start_date.year - 1),
        end_date=year.start_date - datetime.timedelta(days=1),
    )
    pledge_update_commitment(
        school=world.school_a, school_year=last_year, commitment="去年的承诺", by=world.principal_a
    )
    assert public_commitment(school=world.school_a).commitment == "去年的承诺"
    pledge_update_commitment(school=world.school_a, school_year=year, commitment="今年的承诺", by=world.principal_a)
    assert public_commitment(school=world.school_a).commitment == "今年的承诺"
    assert public_commitment(school=world.school_b) is None


def test_commitment_is_the_school_own(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PledgeError):
        pledge_update_commitment(
            school=world.school_b, school_year=current_year(), commitment="x", by=world.principal_a
        )
    with pytest.raises(PledgeError):
        pledge_update_commitment(
            school=world.school_a, school_year=current_year(), commitment="长" * 2001, by=world.principal_a
        )


def test_current_school_year_in_a_gap_is_the_last_started(db) -> None:  # type: ignore[no-untyped-def]
    y1 = SchoolYear.objects.create(name="A", start_date=datetime.date(2030, 9, 1), end_date=datetime.date(2031, 6, 30))
    y2 = SchoolYear.objects.create(name="B", start_date=datetime.date(2031, 9, 1), end_date=datetime.date(2032, 6, 30))
    assert school_year_current(today=datetime.date(2031, 7, 15)) == y1
    assert school_year_current(today=datetime.date(2031, 10, 1)) == y2
    assert school_year_current(today=datetime.date(2020, 1, 1)) == y1
