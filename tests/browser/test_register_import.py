"""Bureau staff import the school register from Excel in a real Chromium on
a tablet: template, upload, preview with its row-by-row report, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from schools.models import School
from tests.browser.conftest import PHONE, TABLET, sign_in
from tests.factories import PASSWORD
from tests.schools.register_files import school_cells, workbook_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def test_bureau_uploads_sees_errors_then_previews_and_confirms(world, new_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(viewport=TABLET)
    sign_in(page, world.bureau.username, PASSWORD)
    page.get_by_test_id("register-import-export").click()
    assert "/bureau/register/" in page.url
    with page.expect_download() as download:
        page.get_by_test_id("template-schools").click()
    assert download.value.suggested_filename == "学校导入模板.xlsx"

    page.get_by_test_id("register-schools").get_by_text("从 Excel 导入").click()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes("schools", [school_cells(学校标识码="12345")]))
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并检查").click()
    report = page.get_by_test_id("import-errors")
    assert "学校标识码应为 10 位数字，“12345”不符合。" in report.inner_text()
    assert page.get_by_test_id("confirm-import").count() == 0
    page.screenshot(path=str(ARTIFACTS / "register-import-errors-tablet.png"), full_page=True)

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        workbook_bytes("schools", [school_cells(), school_cells(学校标识码=world.school_a.code, 学校名称="甲小学")])
    )
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并检查").click()
    assert page.get_by_test_id("count-create").inner_text() == "1"
    assert page.get_by_test_id("count-update").inner_text() == "1"
    assert "新建实验小学" in page.get_by_test_id("import-plan").inner_text()
    page.screenshot(path=str(ARTIFACTS / "register-import-preview-tablet.png"), full_page=True)
    assert not School.objects.filter(code="3133990001").exists()

    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    assert "已导入：新增 1 条，更新 1 条。" in page.content()
    assert page.get_by_test_id("batch-status").inner_text() == "已导入"
    assert School.objects.filter(code="3133990001").exists()

    phone = new_page(viewport=PHONE)
    sign_in(phone, world.bureau.username, PASSWORD)
    phone.goto("/bureau/register/")
    # On a phone the buttons stack and stay wide enough to tap.
    box = phone.get_by_test_id("export-schools").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] > 300
    phone.screenshot(path=str(ARTIFACTS / "register-index-phone.png"), full_page=True)
