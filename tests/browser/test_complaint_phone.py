"""A parent files a real-name complaint with a photo from a phone, reads
the case number and query code, and looks the case up; bureau staff accept,
assign, conclude and reply on their pages; the parent's status page then
shows the reply."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from supervision.complaints import captcha
from supervision.complaints.models import ComplaintStage
from supervision.models import ComplaintAttachment, ComplaintCase, ComplaintStatus
from tests.browser.conftest import PHONE, TABLET, sign_in
from tests.factories import PASSWORD
from tests.supervision.complaint_factories import ensure_complaint_seed_data, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _captcha_answer(page: Any) -> str:
    """The picture's token holds only a keyed hash of its answer: put in its
    place a token, signed the same way, for an answer the test knows."""
    from urllib.parse import urlsplit

    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {c["name"]: c["value"] for c in page.context.cookies()}
    assert captcha.COOKIE in request.COOKIES  # the picture set it
    answer = captcha._new_answer()
    token = captcha.captcha_issue(request=request, answer=answer)
    host = urlsplit(page.url).hostname
    page.context.add_cookies([{"name": captcha.COOKIE, "value": token, "domain": host, "path": "/"}])
    return answer


def _label(status: str) -> str:
    with translation.override("zh-hans"):
        return str(ComplaintStatus(status).label)


def _look_up(page: Any, number: str, code: str) -> None:
    page.goto("/complain/status/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.get_by_test_id("lookup").click()
    page.wait_for_load_state("networkidle")


def test_phone_complaint_to_reply(world, new_page) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()  # earlier transactional tests emptied the seeded tables
    parent = new_page(viewport=PHONE)
    parent.goto(f"/complain/?school={world.school_a.code}")
    assert parent.input_value("input[name=school_name]") == world.school_a.name
    # The name and phone fields appear only for a real-name report.
    assert not parent.is_visible("input[name=name]")
    parent.select_option("select[name=category]", label="作业量过大")
    parent.fill("textarea[name=description]", "三年级二班每天书面作业超过两小时，周六还要到校补课。")
    parent.check("input[name=identity][value=real_name]")
    assert parent.is_visible("input[name=name]")
    parent.fill("input[name=name]", "刘家长")
    parent.fill("input[name=phone]", "13812345678")
    parent.set_input_files(
        "input[name=attachments]",
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True, size=(800, 600))}],
    )
    assert parent.get_by_test_id("captcha-image").evaluate("img => img.naturalWidth") > 0
    parent.fill("input[name=captcha]", _captcha_answer(parent))
    # Nothing overflows the phone's width.
    assert parent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    parent.get_by_test_id("submit-complaint").click()
    parent.wait_for_load_state("networkidle")
    number = parent.get_by_test_id("case-number").inner_text().strip()
    code = parent.get_by_test_id("query-code").inner_text().strip()
    case = ComplaintCase.objects.get(number=number)
    assert case.real_name and case.school == world.school_a
    assert ComplaintAttachment.objects.filter(case=case, kind="image").count() == 1
    assert "/complain/done/" in parent.url and number not in parent.url and code not in parent.url

    _look_up(parent, number, code)
    assert parent.get_by_test_id("status").inner_text() == _label("received")
    assert number not in parent.url and code not in parent.url

    staff = new_page(viewport=TABLET)
    sign_in(staff, world.bureau.username, PASSWORD)
    staff.goto("/bureau/complaints/")
    staff.click(f"text={number}")
    assert "138****5678" in staff.get_by_test_id("complainant").inner_text()
    assert "13812345678" not in staff.content()
    staff.get_by_test_id("do-accept").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_test_id("case-status").inner_text() == _label("accepted")

    supervisor = world.supervisor_x.supervisor_profile
    staff.check("input[name='assign-kind'][value=supervisor]")
    staff.select_option("select[name='assign-supervisor']", value=str(supervisor.pk))
    staff.fill("textarea[name='assign-note']", "请三个工作日内到校核查")
    staff.get_by_test_id("do-assign").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_test_id("case-status").inner_text() == _label("assigned")

    staff.get_by_test_id("do-investigate").click()
    staff.wait_for_load_state("networkidle")
    staff.check("input[name='conclude-outcome'][value=substantiated]")
    staff.check("input[name='conclude-liability'][value=individual]")
    staff.fill("input[name='conclude-liable_person']", "三年级二班班主任")
    staff.fill("textarea[name='conclude-measures']", "责令立即停止周六补课，对班主任批评教育")
    staff.fill("textarea[name='conclude-conclusion']", "经核查，周六补课情况属实。")
    staff.get_by_test_id("do-conclude").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_test_id("case-status").inner_text() == _label("concluded")

    # The template picker fills the reply (static JavaScript, no inline script).
    staff.select_option("select[name='reply-template']", label="情况属实")
    reply = staff.input_value("textarea[name='reply-reply']")
    assert number in reply and world.school_a.name in reply
    staff.get_by_test_id("do-reply").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_test_id("case-status").inner_text() == _label("replied")

    _look_up(parent, number, code)
    assert parent.get_by_test_id("status").inner_text() == _label("replied")
    assert parent.get_by_test_id("reply").inner_text().strip().endswith(reply.strip()[-20:])
    assert number in parent.get_by_test_id("reply").inner_text()
    with translation.override("zh-hans"):
        steps = [str(ComplaintStage(a).label) for a in ("received", "accepted", "in_progress", "replied")]
    timeline = parent.get_by_test_id("timeline").inner_text()
    positions = [timeline.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions)
    assert "刘家长" not in parent.content() and "班主任批评" not in parent.content()


def test_the_institution_involved_shows_only_where_it_is_kept(world, new_page) -> None:  # type: ignore[no-untyped-def]
    """The field shows for the categories that keep it (their options say so)
    and for a school only; hidden, it is not sent, so a name typed before
    the category changed files the case instead of an error the parent
    cannot see. A form sent back names the files to choose again."""
    import importlib

    from django.apps import apps

    ensure_complaint_seed_data()
    # (and the paid-tutoring category, seeded with the institutions)
    importlib.import_module("supervision.migrations.0010_institutions").seed(apps, None)
    parent = new_page(viewport=PHONE)
    parent.goto(f"/complain/?school={world.school_a.code}")
    linked = "input[name=linked_institution_name]"
    assert not parent.is_visible(linked)  # no category chosen yet
    parent.select_option("select[name=category]", label="学校或教师参与校外有偿培训")
    assert parent.is_visible(linked)
    parent.fill(linked, "某培训学校")
    parent.check("input[name=target][value=institution]")
    assert not parent.is_visible(linked)
    parent.check("input[name=target][value=school]")
    assert parent.is_visible(linked) and parent.input_value(linked) == "某培训学校"
    parent.select_option("select[name=category]", label="作业量过大")
    assert not parent.is_visible(linked)
    parent.fill("textarea[name=description]", "三年级二班每天书面作业超过两小时，周六还要到校补课。")
    parent.set_input_files(
        "input[name=attachments]",
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    parent.fill("input[name=captcha]", "WRONG")
    parent.get_by_test_id("submit-complaint").click()
    parent.wait_for_load_state("networkidle")
    # Sent back for the picture only: the hidden name was not sent.
    assert not parent.is_visible(linked) and parent.locator(".invalid-feedback:visible").count() == 1
    notice = parent.get_by_test_id("files-not-kept")
    assert notice.is_visible() and "IMG_2041.jpg" in notice.inner_text() and "重新选择" in notice.inner_text()
    parent.fill("input[name=captcha]", _captcha_answer(parent))
    parent.get_by_test_id("submit-complaint").click()
    parent.wait_for_load_state("networkidle")
    number = parent.get_by_test_id("case-number").inner_text().strip()
    case = ComplaintCase.objects.get(number=number)
    assert case.linked_institution is None and case.category.name == "作业量过大"
