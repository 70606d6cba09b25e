"""Each kind of user walks their main journey in a real browser, on the
screen they use (issue 14): every page fits the screen's width (no sideways
scrolling), the states read in the zh-hans words of docs/glossary.md, and a
screenshot of each page is kept in test-artifacts/screenshots/.

Few navigations per persona, one sign-in each, to keep the time down."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from schools.homework.services import homework_day_save, homework_week_publish
from supervision.complaints import services as complaint_services
from supervision.complaints.models import ComplaintStage
from supervision.models import ComplaintStatus, RectificationStatus, VisitSubmissionState
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.schools.factories import MONDAY, SchoolClassFactory, item
from tests.supervision.complaint_factories import case_in_status, ensure_complaint_seed_data, file_case
from tests.supervision.factories import RectificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
SMALL_TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
DESKTOP = {"width": 1366, "height": 900}
BUREAU_SCREEN = {"width": 1440, "height": 900}


def zh(label: Any) -> str:
    with translation.override("zh-hans"):
        return str(label)


def visit(page: Any, path: str, shot: str) -> str:
    """Open ``path``, check it fits the screen's width, keep a screenshot;
    returns the page's visible text."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return check(page, shot)


def check(page: Any, shot: str) -> str:
    width = page.evaluate("window.innerWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    assert scroll <= width, f"{shot}: {page.url} is {scroll}px wide on a {width}px screen"
    return str(page.inner_text("body"))


def test_parent_on_a_phone(world, new_page) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    school = world.school_a
    # A case the bureau accepted and assigned: internal steps stay internal.
    filed = file_case(school=school, real_name=False, channel="web")
    complaint_services.complaint_accept(case=filed.case, by=world.bureau)
    complaint_services.complaint_assign(
        case=filed.case, by=world.bureau, kind="supervisor", supervisor=world.supervisor_x.supervisor_profile
    )
    complaint_services.complaint_start_investigation(case=filed.case, by=world.bureau)
    # A published week of homework for two classes, with long instructions.
    long_text = "完成数学练习册第12页第1至5题，订正错题并写出解题思路，家长签字。"
    for number in (1, 2):
        school_class = SchoolClassFactory(school=school, grade=4, number=number)
        for d in range(5):
            day = MONDAY + datetime.timedelta(days=d)
            items = [item(20, content=long_text), item(15, subject="history", content=long_text)]
            homework_day_save(school_class=school_class, date=day, items=items, by=None)
    homework_week_publish(school=school, week=MONDAY, by=None)

    parent = new_page(viewport=PHONE)
    text = visit(parent, f"/schools/{school.code}/", "parent-1-sign")
    assert "责任督学职责" in text and "投诉电话" in text
    assert parent.get_by_test_id("sign-avatar").first.inner_text() == "督"
    assert parent.locator(f"a[href='tel:{settings.COMPLAINT_HOTLINE}']").count() >= 1
    visit(parent, f"/schools/{school.code}/poster/", "parent-2-poster")
    assert parent.get_by_test_id("poster-qr").locator("svg").count() == 1
    # Printed, the poster is one A4 page.
    pdf = parent.pdf(prefer_css_page_size=True)
    (SHOTS / "parent-2-poster.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1 and b"/MediaBox [0 0 594.9" in pdf
    text = visit(parent, f"/schools/{school.code}/homework/", "parent-3-homework")
    # One card per class and day, no table; each card takes the phone's
    # width (the instructions do not wrap a character or two a line).
    assert parent.locator("table").count() == 0 and "历史" in text and "历史记录" not in text
    cards = parent.locator("details[open] [data-testid=homework-card]")
    assert cards.count() == 5 and parent.get_by_test_id("homework-class").count() == 2
    assert all(box["width"] >= 300 for box in (cards.nth(i).bounding_box() for i in range(5)))
    text = visit(parent, f"/complain/?school={school.code}", "parent-4-form")
    assert parent.input_value("input[name=school_name]") == school.name and "投诉电话" in text

    parent.goto("/complain/status/")
    parent.fill("input[name=number]", filed.case.number)
    parent.fill("input[name=code]", filed.query_code)
    parent.get_by_test_id("lookup").click()
    parent.wait_for_load_state("networkidle")
    check(parent, "parent-5-status")
    assert parent.get_by_test_id("status").inner_text() == zh(ComplaintStage.IN_PROGRESS.label)
    timeline = parent.get_by_test_id("timeline").inner_text()
    for stage in (ComplaintStage.RECEIVED, ComplaintStage.ACCEPTED, ComplaintStage.IN_PROGRESS):
        assert zh(stage.label) in timeline
    # The internal steps and the words that once lied are not on the page.
    for word in ("交办", "开始核查", "验收销号"):
        assert word not in timeline
    assert timeline.count(zh(ComplaintStage.IN_PROGRESS.label)) == 1


@pytest.mark.parametrize("screen", [SMALL_TABLET_LANDSCAPE, TABLET_PORTRAIT], ids=["1024x768", "768x1024"])
def test_supervisor_on_a_tablet(world, new_page, screen) -> None:  # type: ignore[no-untyped-def]
    RectificationFactory(school=world.school_a, raised_by=world.supervisor_x, title="作业公示栏未更新")
    page = new_page(viewport=screen)
    sign_in(page, world.supervisor_x.username, PASSWORD)
    tag = f"supervisor-{screen['width']}x{screen['height']}"
    text = check(page, f"{tag}-1-home")
    assert world.school_a.name in text
    visit(page, reverse("visit_new", args=[world.school_a.pk]), f"{tag}-2-visit-form")
    state = page.get_by_test_id("submit-state")
    assert state.inner_text() == zh(VisitSubmissionState.DRAFT.label)
    text = visit(page, reverse("rectification_list"), f"{tag}-3-rectifications")
    assert zh(RectificationStatus.OPEN.label) in text and "查看" not in page.inner_text("[data-testid^=status-]")
    visit(page, reverse("complaints:assigned_list"), f"{tag}-4-assigned")
    visit(page, reverse("homework_compliance"), f"{tag}-5-homework")


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390x844", "1366x900"])
def test_principal(world, new_page, screen) -> None:  # type: ignore[no-untyped-def]
    RectificationFactory(school=world.school_a, raised_by=world.supervisor_x, title="课后服务时长不足")
    school_class = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    page = new_page(viewport=screen)
    sign_in(page, world.principal_a.username, PASSWORD)
    tag = f"principal-{screen['width']}x{screen['height']}"
    check(page, f"{tag}-1-school")
    # The menu has the school's records: after-school service and the five managements.
    if screen is PHONE:
        page.click("button.navbar-toggler")
    page.get_by_test_id("principal-records-menu").click()
    assert (
        page.get_by_test_id("nav-afterschool").is_visible() and page.get_by_test_id("nav-five-management").is_visible()
    )
    page.get_by_test_id("nav-afterschool").click()
    page.wait_for_load_state("networkidle")
    assert "课后服务" in check(page, f"{tag}-2-afterschool")
    assert "五项管理" in visit(page, reverse("five_management_page", args=[world.school_a.pk]), f"{tag}-3-five")
    today = timezone.localdate()
    visit(page, reverse("afterschool_week", args=[world.school_a.pk, today.isoformat()]), f"{tag}-4-week")
    # Today's homework: the save bar stays compact (one or two lines, not a
    # third of a phone's screen).
    visit(page, reverse("homework_day", args=[world.school_a.pk, school_class.pk, today.isoformat()]), f"{tag}-4-day")
    bar = page.get_by_test_id("save-bar").bounding_box()
    assert bar is not None and bar["height"] <= 0.12 * screen["height"], bar
    # A day to come: no form, a clear note instead.
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    visit(page, reverse("homework_day", args=[world.school_a.pk, school_class.pk, tomorrow]), f"{tag}-5-future")
    assert page.get_by_test_id("future-day").is_visible() and not page.locator("#homework-entry").count()
    text = visit(page, reverse("rectification_list"), f"{tag}-6-rectifications")
    assert zh(RectificationStatus.OPEN.label) in text


def test_bureau_on_a_desktop(world, new_page) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    accepted = case_in_status(ComplaintStatus.ACCEPTED, school=world.school_a, by=world.bureau)
    case_in_status(ComplaintStatus.CLOSED, school=world.school_b, by=world.bureau)
    RectificationFactory(
        school=world.school_a, raised_by=world.supervisor_x, deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = new_page(viewport=BUREAU_SCREEN)
    sign_in(page, world.bureau.username, PASSWORD)
    text = check(page, "bureau-1-overview")
    assert page.get_by_test_id("todo-count-rectifications_overdue").inner_text() == "1"
    # Each to-do opens its filtered list.
    page.get_by_test_id("todo-rectifications_overdue").click()
    page.wait_for_load_state("networkidle")
    assert "state=overdue" in page.url
    assert zh(RectificationStatus.OPEN.label) in check(page, "bureau-2-rectifications-overdue")

    text = visit(page, reverse("complaints:staff_list"), "bureau-3-complaints")
    assert zh(ComplaintStatus.ACCEPTED.label) in text and zh(ComplaintStatus.CLOSED.label) in text
    assert "验收销号" not in text
    visit(page, reverse("complaints:staff_detail", args=[accepted.pk]), "bureau-4-case")
    assert page.get_by_test_id("case-status").inner_text() == zh(ComplaintStatus.ACCEPTED.label)
    # A rejected step shows an error summary at the top, linked to the field.
    page.get_by_test_id("do-assign").click()
    page.wait_for_load_state("networkidle")
    check(page, "bureau-5-case-error")
    summary = page.get_by_test_id("error-summary")
    assert summary.is_visible() and summary.locator("a").count() >= 1
    visit(page, reverse("bureau_coverage"), "bureau-6-coverage")
    visit(page, reverse("reports:list"), "bureau-7-reports")
    visit(page, reverse("reports:dashboard"), "bureau-8-dashboard")
