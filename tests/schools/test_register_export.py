"""Excel export of the register: the files opened back with openpyxl cell by
cell, formula-like text kept as text, the export re-importing unchanged
through the same template, scoping, and a query count that does not grow
with the register."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from schools.models import SchoolType
from schools.register.imports import get_importer
from schools.register.services import import_batch_apply, register_import_preview
from supervision.models import SupervisorKind
from tests.factories import (
    DistrictMembershipFactory,
    GradeEnrolmentFactory,
    SchoolFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    SupervisoryDistrictFactory,
)
from tests.schools.register_files import XLSX, EducationGroupFactory, as_dicts, sheet_rows

pytestmark = pytest.mark.django_db

SCHOOL_HEADERS = [
    "学校标识码",
    "学校名称",
    "学校类型",
    "办学性质",
    "镇街",
    "地址",
    "校长",
    "联系电话",
    "督学责任区",
    "教育集团",
    *[f"{w}年级{what}" for w in "一二三四五六七八九" for what in ("班数", "学生数")],
]
SUPERVISOR_HEADERS = [
    "姓名",
    "类别",
    "联系电话",
    "工作单位",
    "职务",
    "督学责任区",
    "是否组长",
    "任期开始",
    "任期结束",
    "登录账号",
]


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, name: str, kind: str) -> bytes:
    response = client.get(reverse(name, args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    return response.content


def test_templates_have_chinese_headers_and_an_instructions_sheet(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    for kind, headers in (("schools", SCHOOL_HEADERS), ("supervisors", SUPERVISOR_HEADERS)):
        data = download(client, "register_template", kind)
        wb = load_workbook(io.BytesIO(data))
        assert wb.sheetnames == [{"schools": "学校", "supervisors": "督学"}[kind], "填写说明"]
        assert sheet_rows(data) == [headers]
        assert wb.worksheets[0].freeze_panes == "A2"
        help_rows = sheet_rows(data, 1)
        assert help_rows[0] == ["列", "必填", "填写说明"]
        assert [r[0] for r in help_rows[1:]] == headers
    help_text = "\n".join(str(r[2]) for r in sheet_rows(download(client, "register_template", "schools"), 1))
    assert "小学、初中、九年一贯制、完全中学" in help_text
    assert "公办" in help_text and "民办" in help_text
    help_text = "\n".join(str(r[2]) for r in sheet_rows(download(client, "register_template", "supervisors"), 1))
    assert "专职、兼职或特约" in help_text


def test_school_export_cell_by_cell(world) -> None:  # type: ignore[no-untyped-def]
    group = EducationGroupFactory(name="当湖教育集团")
    hyperlink = '=HYPERLINK("http://evil.example","点击")'
    school = SchoolFactory(
        code="3133000099",
        name=hyperlink,
        school_type=SchoolType.NINE_YEAR,
        ownership="private",
        town="乍浦镇",
        address="+86 路",
        principal_name="@张",
        phone="0573-85012345",
        group=group,
    )
    for grade in (1, 7):
        GradeEnrolmentFactory(school=school, grade=grade, classes=grade, pupils=grade * 40)
    DistrictMembershipFactory(school=school, district=world.district_y)
    SchoolFactory(active=False, name="已停办学校")

    data = download(login(world.bureau), "register_export", "schools")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in ws[1]] == SCHOOL_HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 4  # header + three active schools, ordered by code
    cells = dict(zip(SCHOOL_HEADERS, ws[4], strict=True))
    assert cells["学校标识码"].value == "3133000099"
    # Formula-like text stays text, neutralised with a leading apostrophe.
    assert cells["学校名称"].data_type == "s"
    assert cells["学校名称"].value == "'" + hyperlink
    assert cells["地址"].value == "'+86 路"
    assert cells["校长"].value == "'@张"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert [cells[h].value for h in ("学校类型", "办学性质", "镇街", "联系电话", "督学责任区", "教育集团")] == [
        "九年一贯制",
        "民办",
        "乍浦镇",
        "0573-85012345",
        "第二责任区",
        "当湖教育集团",
    ]
    grades = [cells[f"{w}年级{what}"].value for w in "一二三四五六七八九" for what in ("班数", "学生数")]
    assert grades == [1, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 280, 0, 0, 0, 0]
    primary_row = {h: c.value for h, c in zip(SCHOOL_HEADERS, ws[2], strict=True)}
    assert primary_row["学校名称"] == world.school_a.name
    assert primary_row["督学责任区"] == "第一责任区"
    assert primary_row["七年级班数"] is None  # a primary school has no grade 7
    assert "已停办学校" not in str([c.value for row in ws.iter_rows() for c in row])


def test_supervisor_export_has_current_districts_and_leaders(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    district_z = SupervisoryDistrictFactory(name="第三责任区", number=30000)  # after any sequence number
    sup = SupervisorFactory(
        name="孙丽",
        kind=SupervisorKind.FULL_TIME,
        phone="+86 13900000000",
        employer="督导室",
        position="主任",
        term_start=datetime.date(2024, 9, 1),
        term_end=datetime.date(2027, 8, 31),
    )
    SupervisorAssignmentFactory(supervisor=sup, district=world.district_x, is_leader=True)
    SupervisorAssignmentFactory(supervisor=sup, district=district_z)
    # An ended assignment is history, not a current district.
    SupervisorAssignmentFactory(supervisor=sup, district=world.district_y, end_date=today - datetime.timedelta(days=1))
    special = SupervisorFactory(name="特约甲", kind=SupervisorKind.SPECIAL, user=None, phone="")

    rows = as_dicts(download(login(world.bureau), "register_export", "supervisors"))
    assert [r["姓名"] for r in rows] == sorted(["督学甲", "督学乙", "孙丽", "特约甲"])
    row = next(r for r in rows if r["姓名"] == "孙丽")
    assert row == {
        "姓名": "孙丽",
        "类别": "专职",
        "联系电话": "'+86 13900000000",
        "工作单位": "督导室",
        "职务": "主任",
        "督学责任区": "第一责任区、第三责任区",
        "是否组长": "第一责任区",
        "任期开始": datetime.datetime(2024, 9, 1),
        "任期结束": datetime.datetime(2027, 8, 31),
        "登录账号": sup.user.username,
    }
    row = next(r for r in rows if r["姓名"] == special.name)
    assert (row["督学责任区"], row["是否组长"], row["登录账号"]) == (None, "否", None)
    row = next(r for r in rows if r["姓名"] == "督学甲")
    assert (row["督学责任区"], row["是否组长"]) == ("第一责任区", "否")


@pytest.mark.parametrize("kind", ["schools", "supervisors"])
def test_export_reimports_unchanged_then_an_edit_is_one_update(world, kind) -> None:  # type: ignore[no-untyped-def]
    hyperlink = SchoolFactory(name='=HYPERLINK("http://evil.example","点击")', phone="+86 0573 8501")
    DistrictMembershipFactory(school=hyperlink, district=world.district_x)
    GradeEnrolmentFactory(school=world.school_a, grade=3, classes=5, pupils=210)
    sup = SupervisorFactory(name="=SUM(A1)", kind=SupervisorKind.SPECIAL, term_start=datetime.date(2024, 9, 1))
    SupervisorAssignmentFactory(supervisor=sup, district=world.district_x, is_leader=True)
    SupervisorAssignmentFactory(supervisor=sup, district=world.district_y)
    SupervisorFactory(name="无账号", user=None)

    data = download(login(world.bureau), "register_export", kind)
    with translation.override("zh-hans"):
        result = register_import_preview(kind=kind, upload=io.BytesIO(data), by=world.bureau)
    assert result.plan.errors == []
    assert {r.action for r in result.plan.rows} == {"unchanged"}
    assert len(result.plan.rows) == len(as_dicts(data))

    # Edit one cell in the exported file, as a clerk would, and import it.
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("联系电话") + 1, value="0573-85999999")
    edited = io.BytesIO()
    wb.save(edited)
    result = register_import_preview(kind=kind, upload=io.BytesIO(edited.getvalue()), by=world.bureau)
    assert [r.action for r in result.plan.rows].count("update") == 1
    (updated,) = [r for r in result.plan.rows if r.action == "update"]
    assert [h for h, _before, _after in updated.changes] == ["联系电话"]
    import_batch_apply(batch=result.batch, by=world.bureau)

    again = download(login(world.bureau), "register_export", kind)
    assert as_dicts(again)[0]["联系电话"] == "0573-85999999"
    result = register_import_preview(kind=kind, upload=io.BytesIO(again), by=world.bureau)
    assert {r.action for r in result.plan.rows} == {"unchanged"}


def _export_queries(client: Client, kind: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        download(client, "register_export", kind)
    return len(ctx.captured_queries)


def _grow(world, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        school = SchoolFactory()
        GradeEnrolmentFactory(school=school, grade=1)
        GradeEnrolmentFactory(school=school, grade=2)
        DistrictMembershipFactory(school=school, district=world.district_x)
        sup = SupervisorFactory()
        SupervisorAssignmentFactory(supervisor=sup, district=world.district_x)
        SupervisorAssignmentFactory(supervisor=sup, district=world.district_y, is_leader=True)


@pytest.mark.parametrize("kind", ["schools", "supervisors"])
def test_export_query_count_does_not_grow_with_the_register(world, kind) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    _grow(world, 2)
    few = _export_queries(client, kind)
    _grow(world, 15)
    many = _export_queries(client, kind)
    assert few == many
    assert len(as_dicts(download(client, "register_export", kind))) > 15


@pytest.mark.parametrize("name", ["register_export", "register_template"])
@pytest.mark.parametrize("kind", ["schools", "supervisors"])
@pytest.mark.parametrize("persona", ["principal_a", "principal_b", "supervisor_x", "supervisor_y"])
def test_other_roles_get_404_for_exports_and_templates(world, name, kind, persona) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse(name, args=[kind]))
    assert response.status_code == 404
    assert not response.content.startswith(b"PK")


@pytest.mark.parametrize("name", ["register_export", "register_template"])
def test_anonymous_is_sent_to_login_for_exports(world, name) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse(name, args=["schools"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_list_is_404(world) -> None:  # type: ignore[no-untyped-def]
    assert login(world.bureau).get(reverse("register_export", args=["pupils"])).status_code == 404


def test_export_file_name_is_chinese_and_dated(world) -> None:  # type: ignore[no-untyped-def]
    response = login(world.bureau).get(reverse("register_export", args=["schools"]))
    today = timezone.localdate()
    from urllib.parse import quote

    assert quote(f"学校名册-{today:%Y-%m-%d}.xlsx") in response["Content-Disposition"]


def test_importer_headers_match_the_documented_template() -> None:
    assert get_importer("schools").headers == SCHOOL_HEADERS
    assert get_importer("supervisors").headers == SUPERVISOR_HEADERS
