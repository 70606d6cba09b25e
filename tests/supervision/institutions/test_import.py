"""Excel import of the register: row errors name the row and the column and
save nothing; a clean file previews, then imports on confirmation."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from supervision.institutions.imports import InstitutionImporter
from supervision.models import InstitutionEvent, TrainingInstitution
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import VALID_CODES, credit_code

pytestmark = pytest.mark.django_db
URL = reverse("institutions:import")


def _workbook(rows: list[dict[str, object]]) -> io.BytesIO:
    headers = InstitutionImporter().headers
    book = Workbook()
    sheet = book.active
    sheet.title = "校外培训机构"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "机构.xlsx"  # type: ignore[attr-defined]
    return out


def test_row_errors_save_nothing(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"统一社会信用代码": VALID_CODES[0], "机构名称": "甲培训学校", "类别": "学科类"},
        {"统一社会信用代码": "91350100M000100Y44", "机构名称": "乙培训学校", "类别": "学科类"},
        {"统一社会信用代码": credit_code(900), "机构名称": "", "类别": "游泳"},
        {"统一社会信用代码": VALID_CODES[0], "机构名称": "丙培训学校", "类别": "科技", "容纳人数": "很多"},
    ]
    response = login(world.bureau).post(URL, {"file": _workbook(rows)})
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert (3, "统一社会信用代码") in errors  # wrong check character
    assert (4, "机构名称") in errors and (4, "类别") in errors
    assert (5, "统一社会信用代码") in errors and (5, "容纳人数") in errors  # repeated code, not a number
    assert not TrainingInstitution.objects.exists()


def test_clean_file_previews_then_imports(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    rows = [
        {
            "统一社会信用代码": VALID_CODES[1].lower(),
            "机构名称": "甲培训学校",
            "类别": "学科类",
            "督学责任区": "第一责任区",
        },
        {
            "统一社会信用代码": VALID_CODES[2],
            "机构名称": "乙篮球中心",
            "类别": "体育",
            "许可证发证日期": "2024-09-01",
            "场所面积（平方米）": "320.5",
        },
    ]
    response = client.post(URL, {"file": _workbook(rows)})
    assert response.status_code == 200 and response.context["counts"]["create"] == 2
    assert not TrainingInstitution.objects.exists()  # not before confirmation
    client.post(reverse("institutions:import_confirm"))
    assert TrainingInstitution.objects.count() == 2
    first = TrainingInstitution.objects.get(credit_code=VALID_CODES[1])
    assert first.district == world.district_x and first.status == "registered"
    assert InstitutionEvent.objects.filter(institution=first).count() == 1
    # The same file again is unchanged; a kind change across subject/non-subject is refused.
    response = client.post(URL, {"file": _workbook(rows)})
    assert response.context["counts"]["unchanged"] == 2
    rows[0]["类别"] = "科技"
    response = client.post(URL, {"file": _workbook(rows)})
    assert response.status_code == 400 and [(e.row, e.column) for e in response.context["errors"]] == [(2, "类别")]
