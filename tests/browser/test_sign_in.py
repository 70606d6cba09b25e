"""Bureau staff and a principal sign in through a real Chromium and each sees
what their role allows."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TABLET, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_sees_overview_and_principal_sees_only_own_school(world, new_page) -> None:  # type: ignore[no-untyped-def]
    bureau = new_page()
    sign_in(bureau, world.bureau.username, PASSWORD)
    assert "/bureau/" in bureau.url
    assert bureau.get_by_test_id("school-count").inner_text() == "2"
    assert "第一责任区" in bureau.content()
    bureau.click("text=管理后台")
    bureau.wait_for_selector("#content-main")
    assert "/admin/" in bureau.url
    # The register apps are there, in Chinese.
    assert bureau.locator("#content-main").get_by_text("学校名册").count() == 1
    assert bureau.locator("#content-main").get_by_text("督学责任区").count() >= 1

    principal = new_page(viewport=TABLET)
    sign_in(principal, world.principal_a.username, PASSWORD)
    assert principal.get_by_test_id("school-name").inner_text() == world.school_a.name
    # Typing another school's address gives "not found", not its page.
    response = principal.goto(f"/school/{world.school_b.pk}/")
    assert response is not None and response.status == 404
    assert world.school_b.name not in principal.content()
    response = principal.goto("/admin/")
    assert "/admin/login/" in principal.url
