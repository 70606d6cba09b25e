"""A parent on a phone finds a training institution on the public white
list by searching for it, opens its page and files a complaint about it;
no page scrolls sideways at 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from supervision.institutions import services
from supervision.models import ComplaintCase, ListKind
from tests.browser.conftest import PHONE
from tests.browser.test_complaint_phone import _captcha_answer
from tests.supervision.institutions.factories import make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_parent_finds_an_institution_and_complains(world, new_page) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from django.utils import timezone

    for n, name in enumerate(
        ["平湖市启航英语培训学校", "平湖市博学数学培训学校有限公司第二分校", "平湖市墨香书法艺术培训学校"]
    ):
        institution = make_institution(world.bureau, name=name, address=f"当湖街道新华路{n + 1}号")
        services.institution_fees_set(
            institution=institution,
            rows=[services.FeeRow("小班课", "课时", Decimal("60"), timezone.localdate())],
            by=world.bureau,
        )
        entry = services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau)
        services.list_entry_publish(entry=entry, by=world.bureau)

    parent = new_page(viewport=PHONE)
    parent.goto("/institutions/")
    assert parent.get_by_test_id("entry").count() == 3
    _no_sideways_scroll(parent)
    parent.fill("input[name=q]", "博学")
    parent.get_by_test_id("search").click()
    parent.wait_for_load_state("networkidle")
    assert parent.get_by_test_id("entry").count() == 1
    _no_sideways_scroll(parent)
    parent.get_by_test_id("entry-name").click()
    parent.wait_for_load_state("networkidle")
    assert parent.get_by_test_id("institution-name").inner_text() == "平湖市博学数学培训学校有限公司第二分校"
    assert parent.get_by_test_id("institution-status").inner_text() == "已登记"
    _no_sideways_scroll(parent)

    parent.get_by_test_id("complain").click()
    parent.wait_for_load_state("networkidle")
    assert parent.input_value("input[name=institution_name]") == "平湖市博学数学培训学校有限公司第二分校"
    assert parent.is_visible("input[name=institution_name]") and not parent.is_visible("input[name=school_name]")
    parent.select_option("select[name=category]", label="校外培训")
    parent.fill("textarea[name=description]", "周六上午仍在给五年级学生上数学课，一节课收费一百五十元。")
    parent.fill("input[name=captcha]", _captcha_answer(parent))
    _no_sideways_scroll(parent)
    parent.get_by_test_id("submit-complaint").click()
    parent.wait_for_load_state("networkidle")
    number = parent.get_by_test_id("case-number").inner_text().strip()
    case = ComplaintCase.objects.get(number=number)
    assert case.institution is not None and case.institution.name == "平湖市博学数学培训学校有限公司第二分校"
    assert case.school is None and not case.real_name
