"""Pledge pages: who sees what (outsiders get 404, files included), the
bureau's unsigned-at-a-glance list and reminders, the school's pledge file,
and the commitment on the public sign."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import PledgeReminder, SchoolPledge
from schools.pledges.services import pledge_record_signature, pledge_text_publish, pledge_update_commitment
from tests.factories import PrincipalFactory, SchoolFactory
from tests.schools.filing_factories import current_year, jpeg_upload, pdf_upload

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def text(world):  # type: ignore[no-untyped-def]
    return pledge_text_publish(
        school_year=current_year(),
        title="减负责任书",
        body="严格控制作业总量。",
        bureau_signatory="王局长",
        by=world.bureau,
    )


def signed(world, text, school=None, scan=None):  # type: ignore[no-untyped-def]
    return pledge_record_signature(
        school=school or world.school_a,
        school_year=text.school_year,
        text=text,
        signed_on=timezone.localdate(),
        principal_signatory="张校长",
        by=world.bureau,
        scan=scan,
    )


BUREAU_ONLY = ["pledge_overview", "pledge_texts"]
SCHOOL_A_PAGE = [
    ("bureau", 200),
    ("principal_a", 200),
    ("principal_b", 404),
    ("supervisor_x", 404),  # the school's own supervisor: pledges are between bureau and school
    ("supervisor_y", 404),
]


@pytest.mark.parametrize("name", BUREAU_ONLY)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("bureau", 200), ("principal_a", 404), ("supervisor_x", 404)],
)
def test_bureau_pledge_pages_scoped(world, text, name, persona, status) -> None:  # type: ignore[no-untyped-def]
    assert login(getattr(world, persona)).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", [*BUREAU_ONLY, "pledge_remind"])
def test_anonymous_is_sent_to_sign_in_from_bureau_pages(world, name) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(reverse(name)) if name == "pledge_remind" else Client().get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_only_bureau_may_send_reminders(world, text, persona) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).post(reverse("pledge_remind"), {"year": text.school_year_id})
    assert response.status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize(("persona", "status"), SCHOOL_A_PAGE)
def test_school_pledge_page_scoped(world, text, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("school_pledge", args=[world.school_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert "严格控制作业总量" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), SCHOOL_A_PAGE)
def test_signed_copy_download_scoped(world, text, persona, status) -> None:  # type: ignore[no-untyped-def]
    pledge = signed(world, text, scan=pdf_upload())
    response = login(getattr(world, persona)).get(reverse("pledge_scan", args=[world.school_a.pk, pledge.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_signed_copy_of_one_school_not_reachable_through_another(world, text) -> None:  # type: ignore[no-untyped-def]
    pledge = signed(world, text, scan=pdf_upload())
    response = login(world.principal_b).get(reverse("pledge_scan", args=[world.school_b.pk, pledge.pk]))
    assert response.status_code == 404


def test_anonymous_cannot_fetch_signed_copy(world, text) -> None:  # type: ignore[no-untyped-def]
    pledge = signed(world, text, scan=pdf_upload())
    response = Client().get(reverse("pledge_scan", args=[world.school_a.pk, pledge.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_image_copy_is_served_inline(world, text) -> None:  # type: ignore[no-untyped-def]
    pledge = signed(world, text, scan=jpeg_upload())
    response = login(world.principal_a).get(reverse("pledge_scan", args=[world.school_a.pk, pledge.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")


def test_overview_shows_unsigned_schools_at_a_glance(world, text) -> None:  # type: ignore[no-untyped-def]
    signed(world, text)
    response = login(world.bureau).get(reverse("pledge_overview"))
    overview = response.context["overview"]
    assert (overview.total, overview.signed, overview.unsigned) == (2, 1, 1)
    response = login(world.bureau).get(reverse("pledge_overview") + "?show=unsigned")
    rows = response.context["overview"].rows
    assert [row.school for row in rows] == [world.school_b]
    assert response.context["overview"].total == 2  # totals still count every school


def test_overview_query_count_is_fixed(world, text) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    signed(world, text)
    client.get(reverse("pledge_overview"))  # warm the session and the translation caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("pledge_overview")).status_code == 200
        return len(ctx)

    before = count()
    for _ in range(5):
        school = SchoolFactory()
        signed(world, text, school=school, scan=pdf_upload())
        PledgeReminder.objects.create(school=SchoolFactory(), school_year=text.school_year, recipients="a@b.c")
    assert count() == before


def test_reminder_emails_unsigned_schools_only(world, text, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    signed(world, text)  # school_a signed
    world.principal_a.email = "a@school.test"
    world.principal_a.save()
    world.principal_b.email = "b@school.test"
    world.principal_b.save()
    PrincipalFactory(school=world.school_b, email="b2@school.test")
    PrincipalFactory(school=world.school_b, email="gone@school.test", is_active=False)
    silent = SchoolFactory(name="丙小学")  # unsigned, no account with an address
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.bureau).post(reverse("pledge_remind"), {"year": text.school_year_id}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["b2@school.test", "b@school.test"]
    assert world.school_b.name in message.body
    assert f"/school/{world.school_b.pk}/pledge/" in message.body
    assert PledgeReminder.objects.get().school == world.school_b
    page = response.content.decode()
    assert silent.name in page  # named among the schools without an address


def test_second_reminder_click_does_not_email_again(world, text, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    world.principal_b.email = "b@school.test"
    world.principal_b.save()
    client = login(world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pledge_remind"), {"year": text.school_year_id, "school": world.school_b.pk})
        client.post(reverse("pledge_remind"), {"year": text.school_year_id, "school": world.school_b.pk})
    assert len(mail.outbox) == 1
    assert PledgeReminder.objects.count() == 1


def test_reminder_to_one_school(world, text, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    for principal, address in ((world.principal_a, "a@school.test"), (world.principal_b, "b@school.test")):
        principal.email = address
        principal.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(world.bureau).post(reverse("pledge_remind"), {"year": text.school_year_id, "school": world.school_a.pk})
    assert [m.to for m in mail.outbox] == [["a@school.test"]]


def test_principal_records_signature_with_scan_then_teachers_and_commitment(world, text) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    url = reverse("school_pledge", args=[world.school_a.pk])
    response = client.post(
        url,
        {
            "action": "sign",
            "text": text.pk,
            "signed_on": timezone.localdate().isoformat(),
            "principal_signatory": "张校长",
            "bureau_signatory": "王局长",
            "scan": pdf_upload(),
        },
    )
    assert response.status_code == 302
    pledge = SchoolPledge.objects.get(school=world.school_a)
    assert pledge.is_signed and pledge.text == text and pledge.scan
    response = client.post(url, {"action": "teachers", "teacher_count": 40, "teacher_pledge_count": 41})
    assert response.status_code == 200  # the form shows its error
    assert "teacher_pledge_count" in response.context["forms"]["teachers"].errors
    client.post(url, {"action": "teachers", "teacher_count": 40, "teacher_pledge_count": 38})
    client.post(url, {"action": "commitment", "commitment": "我校承诺：严格控制作业总量，不组织有偿补课。"})
    pledge.refresh_from_db()
    assert (pledge.teacher_count, pledge.teacher_pledge_count) == (40, 38)
    sign_page = Client().get(reverse("public_sign", args=[world.school_a.code])).content.decode()
    assert "我校承诺：严格控制作业总量" in sign_page


def test_refused_scan_upload_shows_a_message_not_an_error(world, text) -> None:  # type: ignore[no-untyped-def]
    signed(world, text)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(world.principal_a).post(
        reverse("school_pledge", args=[world.school_a.pk]),
        {"action": "scan", "scan": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")},
        follow=True,
    )
    assert response.status_code == 200
    assert not SchoolPledge.objects.get(school=world.school_a).scan
    assert any("PDF" in str(m) for m in response.context["messages"])


def test_public_sign_without_commitment_shows_no_section(world) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(reverse("public_sign", args=[world.school_b.code])).content.decode()
    assert 'data-testid="sign-commitment"' not in page
    year = current_year()
    pledge_update_commitment(school=world.school_b, school_year=year, commitment="公开承诺", by=world.principal_b)
    page = Client().get(reverse("public_sign", args=[world.school_b.code])).content.decode()
    assert 'data-testid="sign-commitment"' in page and "公开承诺" in page


def test_bureau_publishes_a_new_text_version_from_the_page(world, text) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    response = client.post(
        reverse("pledge_texts"),
        {
            "year": text.school_year_id,
            "title": "减负责任书（修订）",
            "body": "新增：不公布考试成绩排名。",
            "bureau_signatory": "",
        },
    )
    assert response.status_code == 302
    versions = list(text.school_year.pledge_texts.order_by("version").values_list("version", "title"))
    assert versions == [(1, "减负责任书"), (2, "减负责任书（修订）")]


def test_mail_server_failure_keeps_the_reminder_for_the_outbox_sweep(
    world, text, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Nothing the bureau asked for is lost: the reminder is recorded, the
    failed send leaves it unsent, and the outbox's sweep sends it once."""
    import datetime
    from unittest import mock

    from jianfu.outbox import notifications_sweep

    world.principal_b.email = "b@school.test"
    world.principal_b.save()
    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = login(world.bureau).post(reverse("pledge_remind"), {"year": text.school_year_id}, follow=True)
    assert response.status_code == 200
    # Recorded and said so (the warning names the schools without an address).
    assert "success" in [m.level_tag for m in response.context["messages"]]
    reminder = PledgeReminder.objects.get()
    assert reminder.sent_at is None and mail.outbox == []
    assert notifications_sweep(older_than=datetime.timedelta(0)) == 1
    assert notifications_sweep(older_than=datetime.timedelta(0)) == 0
    assert [m.to for m in mail.outbox] == [["b@school.test"]]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
