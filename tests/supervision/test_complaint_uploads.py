"""Files attached to complaints: checked by content, capped in size,
images re-encoded without EXIF/GPS, stored under generated names."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from supervision.complaints.files import prepare_upload, sniff
from supervision.models import ComplaintAttachment, ComplaintCase
from tests.supervision.complaint_factories import (
    AMR_BYTES,
    M4A_BYTES,
    MP3_BYTES,
    OGG_BYTES,
    WAV_BYTES,
    category,
    jpeg_bytes,
    pdf_bytes,
    upload,
)
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("photo.JPG", jpeg_bytes(), "image", "image/jpeg"),
        ("scan.pdf", pdf_bytes(), "pdf", "application/pdf"),
        ("call.mp3", MP3_BYTES, "audio", "audio/mpeg"),
        ("memo.m4a", M4A_BYTES, "audio", "audio/mp4"),
        ("call.wav", WAV_BYTES, "audio", "audio/wav"),
        ("call.amr", AMR_BYTES, "audio", "audio/amr"),
        ("voice.ogg", OGG_BYTES, "audio", "audio/ogg"),
        ("no-extension", jpeg_bytes(), "image", "image/jpeg"),
    ],
)
def test_accepted_kinds(name, content, kind, content_type) -> None:  # type: ignore[no-untyped-def]
    prepared = prepare_upload(upload(name, content))
    assert (prepared.kind, prepared.content_type) == (kind, content_type)
    assert name.split(".")[0] not in (prepared.content.name or "")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.jpg", pdf_bytes(), "lying_type"),  # a PDF calling itself a photo
        ("report.pdf", jpeg_bytes(), "lying_type"),  # a photo calling itself a PDF
        ("call.mp3", b"%PDF-1.4 fake", "lying_type"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "unknown_type"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "unknown_type"),
        ("movie.m4a", b"\x00\x00\x00\x20ftypqt  " + b"\x00" * 100, "unknown_type"),
    ],
)
def test_files_lying_about_their_type_are_refused(name, content, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        prepare_upload(upload(name, content))
    assert exc.value.code == code


def test_fake_pdf_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ValidationError):
        prepare_upload(upload("scan.pdf", b"%PDF-1.7\n" + b"garbage" * 50))


def test_fake_image_with_jpeg_magic_is_refused() -> None:
    with pytest.raises(ValidationError):
        prepare_upload(upload("photo.jpg", b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20))


@pytest.mark.parametrize(
    ("name", "content", "setting"),
    [
        ("big.pdf", pdf_bytes() + b"\n%" + b"0" * 2_000_000, "COMPLAINT_PDF_MAX_MB"),
        ("big.mp3", MP3_BYTES + b"\x00" * 2_000_000, "COMPLAINT_AUDIO_MAX_MB"),
        ("big.jpg", jpeg_bytes() + b"\x00" * 2_000_000, "COMPLAINT_IMAGE_MAX_MB"),
    ],
)
def test_too_large_files_are_refused(settings, name, content, setting) -> None:  # type: ignore[no-untyped-def]
    setattr(settings, setting, 1)
    with pytest.raises(ValidationError) as exc:
        prepare_upload(upload(name, content))
    assert exc.value.code == "too_large" or "too large" in str(exc.value)


def test_gps_exif_is_stripped_from_photos() -> None:
    original = jpeg_bytes(gps=True)
    with Image.open(io.BytesIO(original)) as img:
        assert 0x8825 in img.getexif()  # the fixture really carries GPS
    prepared = prepare_upload(upload("IMG_0001.jpg", original))
    data = prepared.content.read()
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        assert 0x8825 not in exif and 0x010F not in exif
    assert b"PhoneMaker" not in data


def test_recording_field_takes_audio_only() -> None:
    from supervision.models import AttachmentKind

    with pytest.raises(ValidationError) as exc:
        prepare_upload(upload("call.jpg", jpeg_bytes()), kinds=(AttachmentKind.AUDIO,))
    assert exc.value.code == "kind_not_allowed"


def test_sniff_does_not_mistake_jpeg_for_mp3() -> None:
    assert sniff(jpeg_bytes()[:16]) == ("image", "jpeg")
    assert sniff(b"\xff\xfb\x90\x64" + b"\x00" * 12) == ("audio", "mp3")


def _form_post(client: Client, world, files):  # type: ignore[no-untyped-def]

    client.get(reverse("complaints:public_form"))
    return client.post(
        reverse("complaints:public_form"),
        {
            "school_name": world.school_a.name,
            "category": category().pk,
            "description": "老师在家中有偿补课，每次收费两百元。",
            "identity": "anonymous",
            "captcha": captcha_solve(client),
            "attachments": files,
        },
    )


def test_public_form_saves_checked_files_under_generated_names(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _form_post(
        client, world, [upload("张三家长的照片.jpg", jpeg_bytes(gps=True)), upload("收据.pdf", pdf_bytes())]
    )
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    names = [a.file.name for a in ComplaintAttachment.objects.filter(case=case)]
    assert len(names) == 2
    assert all("张三" not in n and "收据" not in n for n in names)
    assert sorted(a.kind for a in case.attachments.all()) == ["image", "pdf"]


def test_public_form_refuses_a_lying_file_with_message_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _form_post(client, world, [upload("photo.jpg", jpeg_bytes()), upload("photo2.jpg", pdf_bytes())])
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert any("photo2.jpg" in e for e in errors)
    assert ComplaintCase.objects.count() == 0 and ComplaintAttachment.objects.count() == 0


def test_public_form_limits_the_number_of_files(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_MAX_ATTACHMENTS = 2
    response = _form_post(Client(), world, [upload(f"p{i}.jpg", jpeg_bytes()) for i in range(3)])
    assert "attachments" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


def test_staff_intake_with_call_recording(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    response = client.post(
        reverse("complaints:staff_intake"),
        {
            "channel": "hotline",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "school": world.school_a.pk,
            "category": category().pk,
            "description": "来电反映：学校周末组织初三学生到校补课。",
            "real_name": "on",
            "name": "李来电",
            "phone": "0573-85123456",
            "recording": upload("录音_李来电_13800001111.mp3", MP3_BYTES),
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    case = ComplaintCase.objects.get()
    assert case.operator == world.bureau and case.channel == "hotline" and case.real_name
    recording = case.attachments.get()
    assert recording.is_recording and recording.kind == "audio"
    assert "李来电" not in recording.file.name and "13800001111" not in recording.file.name
    # The caller's query code is shown once on the case page.
    page = client.get(response["Location"])
    assert page.context["new_code"]
    assert not client.get(response["Location"]).context["new_code"]


def test_staff_intake_refuses_a_recording_that_is_not_audio(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    response = client.post(
        reverse("complaints:staff_intake"),
        {
            "channel": "hotline",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "school": world.school_a.pk,
            "category": category().pk,
            "description": "来电反映。",
            "recording": upload("call.mp3", jpeg_bytes()),
        },
    )
    assert response.status_code == 200 and "recording" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0
