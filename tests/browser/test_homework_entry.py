"""A class teacher, signed in with the school's account on a tablet, enters
a day's homework for a class, goes over the cap and is warned before and
after saving; the week's grid then marks the day."""

from __future__ import annotations

import pytest

from schools.models import GradeEnrolment, HomeworkDay
from tests.browser.conftest import TABLET, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = "2026-09-07"


def test_teacher_enters_homework_over_the_cap_and_sees_the_warning(world, new_page) -> None:  # type: ignore[no-untyped-def]
    GradeEnrolment.objects.create(school=world.school_a, grade=4, classes=2, pupils=86)
    page = new_page(viewport=TABLET)
    sign_in(page, world.principal_a.username, PASSWORD)
    page.goto(f"/school/{world.school_a.pk}/homework/?week={MONDAY}")
    page.get_by_test_id(f"cell-4-1-{MONDAY}").click()
    page.wait_for_load_state("networkidle")
    assert "四年级（1）班" in page.get_by_test_id("day-title").inner_text()

    warning = page.get_by_test_id("live-cap-warning")
    page.select_option("select[name=form-0-subject]", "maths")
    page.fill("input[name=form-0-content]", "练习册第20-21页")
    page.fill("input[name=form-0-minutes]", "40")
    assert page.get_by_test_id("written-total").inner_text() == "40"
    assert not warning.is_visible()
    page.select_option("select[name=form-1-subject]", "chinese")
    page.fill("input[name=form-1-content]", "抄写生字词")
    page.fill("input[name=form-1-minutes]", "25")
    page.select_option("select[name=form-2-subject]", "pe")
    page.fill("input[name=form-2-content]", "跳绳")
    page.fill("input[name=form-2-minutes]", "30")
    page.uncheck("input[name=form-2-written]")  # not written: does not count
    assert page.get_by_test_id("written-total").inner_text() == "65"
    assert warning.is_visible()
    assert "60" in warning.inner_text()

    page.get_by_test_id("save-homework").click()
    page.wait_for_load_state("networkidle")
    server_warning = page.get_by_test_id("over-cap-warning")
    assert server_warning.is_visible()
    assert "65" in server_warning.inner_text() and "60" in server_warning.inner_text()
    day = HomeworkDay.objects.get(school_class__grade=4, school_class__number=1)
    assert (day.written_minutes, day.total_minutes, day.item_count) == (65, 95, 3)

    page.goto(f"/school/{world.school_a.pk}/homework/?week={MONDAY}")
    cell = page.get_by_test_id(f"cell-4-1-{MONDAY}")
    assert "65" in cell.inner_text() and "超时" in cell.inner_text()
    assert "bg-danger-subtle" in (cell.get_attribute("class") or "")
