"""A 系统管理员 opens the principal account of a school that came in by the
register import, in a real Chromium; the principal sets a password from the
one-time link and signs in to their school."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from jianfu.models import User
from jianfu.roles import SECTION_ACCOUNTS
from schools.models import School
from schools.register.services import import_batch_apply, register_import_preview
from tests.browser.conftest import PHONE, sign_in
from tests.factories import PASSWORD, BureauUserFactory
from tests.schools.register_files import school_cells, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
NEW_PASSWORD = "Chalk-and-ink-2026"


def test_bureau_opens_an_imported_schools_account_and_the_principal_signs_in(world: Any, new_page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    admin = BureauUserFactory(username="admin01", section=SECTION_ACCOUNTS)
    preview = register_import_preview(kind="schools", upload=upload("schools", [school_cells()]), by=admin)
    assert preview.batch is not None
    import_batch_apply(batch=preview.batch, by=admin)
    school = School.objects.get(code="3133990001")
    assert not User.objects.filter(school=school).exists()

    page = new_page()
    sign_in(page, "admin01", PASSWORD)
    page.get_by_test_id("nav-accounts").click()
    assert "1 所在用学校还没有校长账号" in page.get_by_test_id("missing-principals").inner_text()
    page.get_by_test_id("new-principal").click()
    page.select_option("select[name=school]", label=school.name)
    page.fill("input[name=phone]", "13911112222")
    page.get_by_test_id("create-submit").click()
    page.wait_for_load_state("networkidle")
    link = page.get_by_test_id("handover-link").input_value()
    assert "/accounts/link/" in link
    page.screenshot(path=str(ARTIFACTS / "accounts-handover.png"), full_page=True)
    # Shown once: reloading the hand-over page shows no link.
    page.reload()
    assert page.get_by_test_id("handover-link").count() == 0

    phone = new_page(viewport=PHONE)
    phone.goto(link.replace(settings.PORTAL_BASE_URL, ""))
    assert phone.get_by_test_id("link-username").inner_text() == school.code
    phone.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.fill("input[name=new_password2]", NEW_PASSWORD)
    phone.get_by_test_id("set-password").click()
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path=str(ARTIFACTS / "accounts-password-set-phone.png"), full_page=True)
    phone.get_by_test_id("go-sign-in").click()
    sign_in(phone, school.code, NEW_PASSWORD)
    assert f"/school/{school.pk}/" in phone.url
    assert school.name in phone.content()

    # The link is spent.
    again = new_page()
    again.goto(link.replace(settings.PORTAL_BASE_URL, ""))
    assert again.get_by_test_id("link-invalid").is_visible()
