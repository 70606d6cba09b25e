"""On a phone, the complaint form's school field offers the schools the
server finds for what is typed (no list of every school in the page), and
picking one fills the hidden school code."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.supervision.complaint_factories import ensure_complaint_seed_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_found_by_typing_on_a_phone(world, new_page) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    page = new_page(viewport=PHONE)
    page.goto("/complain/")
    assert page.locator("#school-options option").count() == 0
    page.fill("input[name=school_name]", world.school_b.name[:3])
    # (wait_for_function evaluates a string, which the CSP forbids)
    page.locator("#school-options option").first.wait_for(state="attached")
    values = page.eval_on_selector_all("#school-options option", "os => os.map(o => o.value)")
    assert world.school_b.name in values and len(values) <= 20
    page.fill("input[name=school_name]", world.school_b.name)
    assert page.input_value("input[name=school_code]", timeout=5000) == world.school_b.code
