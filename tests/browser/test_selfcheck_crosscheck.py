"""The cross-check in a real browser: bureau staff on a tablet go from the
self-check rounds to the cross-check, keep only schools with gaps, open a
school and follow a highlighted item to the visit; a supervisor on a phone
finds the page in the menu and reads it without sideways scrolling."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.conftest import PHONE, TABLET, sign_in
from tests.factories import PASSWORD
from tests.schools.crosscheck_helpers import month_round, self_assess, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_filters_gaps_and_follows_a_flagged_item_to_the_visit(world, new_page) -> None:  # type: ignore[no-untyped-def]
    round_ = month_round(datetime.date(2026, 3, 1), [world.school_a, world.school_b], ["4.1", "4.2"])
    self_assess(round_, world.principal_a, {"4.1": "compliant", "4.2": "compliant"}, day=datetime.date(2026, 3, 20))
    self_assess(round_, world.principal_b, {"4.1": "compliant", "4.2": "compliant"}, day=datetime.date(2026, 3, 20))
    found = visit(world.school_a, datetime.date(2026, 3, 10), {"4.1": "non_compliant", "4.2": "compliant"})
    visit(world.school_b, datetime.date(2026, 3, 10), {"4": "compliant"})

    page = new_page(viewport=TABLET)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, world.bureau.username, PASSWORD)
    page.goto("/bureau/selfchecks/")
    page.get_by_test_id("crosscheck-link").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("crosscheck-schools")
    assert table.locator("[data-school]").count() == 2
    assert page.get_by_test_id("schools-with-gaps").inner_text() == "1"

    page.select_option("#id_gaps", "1")
    page.get_by_test_id("crosscheck-filter").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    rows = table.locator("[data-school]")
    assert rows.count() == 1 and rows.first.get_attribute("data-school") == world.school_a.code

    rows.first.click()
    page.wait_for_load_state("networkidle")
    flagged = page.locator("[data-item='4.1']")
    assert "crosscheck-gap" in (flagged.get_attribute("class") or "")
    assert flagged.get_by_test_id("gap").inner_text() == "自评高于督导结果"
    assert page.locator("[data-item='4.2']").get_attribute("data-comparison") == "same"
    flagged.get_by_test_id("visit-link").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/visits/{found.pk}/")
    assert errors == []


def test_supervisor_reads_the_crosscheck_on_a_phone(world, new_page) -> None:  # type: ignore[no-untyped-def]
    round_ = month_round(datetime.date(2026, 3, 1), [world.school_a], ["4", "4.1"])
    self_assess(round_, world.principal_a, {"4": "compliant", "4.1": "compliant"}, day=datetime.date(2026, 3, 20))
    visit(world.school_a, datetime.date(2026, 3, 10), {"4.1": "mostly", "4.3": "non_compliant"})

    page = new_page(viewport=PHONE)
    sign_in(page, world.supervisor_x.username, PASSWORD)
    page.locator(".navbar-toggler").click()
    # The cross-check sits in the supervisors' "school records" menu.
    page.get_by_role("button", name="学校台账").click()
    page.get_by_role("link", name="自查比对").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(f"[data-school='{world.school_a.code}']").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    parent = page.locator("[data-item='4']")
    assert parent.get_attribute("data-comparison") == "higher"
    assert "4.3" in parent.inner_text()  # the worst of its sub-items
    # No link to the self-check page, which is the bureau's and the school's.
    assert page.get_by_test_id("selfcheck-link").count() == 0
