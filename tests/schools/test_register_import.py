"""Excel import of the register: the preview, the row-by-row error report in
Chinese, nothing saved when a row is bad, the confirmation applied in one
transaction, and the import batch's transitions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jianfu.models import User
from jianfu.roles import Role
from schools.models import GradeEnrolment, ImportBatch, ImportStatus, School, SchoolType
from schools.register.services import ImportRefused, import_batch_apply, import_batch_cancel, register_import_preview
from supervision.models import DistrictMembership, Supervisor, SupervisorAssignment, SupervisoryDistrict
from tests.factories import (
    BureauUserFactory,
    DistrictMembershipFactory,
    GradeEnrolmentFactory,
    SchoolFactory,
    SupervisorFactory,
)
from tests.schools.register_files import (
    EducationGroupFactory,
    school_cells,
    supervisor_cells,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview(kind: str, rows: list[dict[str, Any]], by: Any) -> Any:
    with translation.override("zh-hans"):
        return register_import_preview(kind=kind, upload=upload(kind, rows), by=by, file_name="名册.xlsx")


def error_texts(result: Any) -> list[str]:
    with translation.override("zh-hans"):
        return [str(e) for e in result.plan.errors]


def register_snapshot() -> tuple[Any, ...]:
    return (
        list(School.objects.order_by("pk").values()),
        list(GradeEnrolment.objects.order_by("pk").values()),
        list(DistrictMembership.objects.order_by("pk").values()),
        list(Supervisor.objects.order_by("pk").values()),
        list(SupervisorAssignment.objects.order_by("pk").values()),
        User.objects.count(),
    )


# -- a good file ---------------------------------------------------------------------


def test_good_school_file_previews_without_saving_then_confirm_creates(world) -> None:  # type: ignore[no-untyped-def]
    group = EducationGroupFactory(name="当湖教育集团")
    rows = [
        school_cells(教育集团="当湖教育集团"),
        school_cells(
            学校标识码="3133990002",
            学校名称="新建初级中学",
            学校类型="初中",
            办学性质="民办",
            督学责任区="第二责任区",
            **{f"{w}年级班数": None for w in "一二三四五六"},
            **{f"{w}年级学生数": None for w in "一二三四五六"},
            七年级班数=6,
            七年级学生数=270,
            八年级班数=6,
            八年级学生数=265,
            九年级班数=5,
            九年级学生数=230,
        ),
    ]
    before = register_snapshot()
    result = preview("schools", rows, world.bureau)

    assert result.plan.errors == []
    assert [(r.row, r.action) for r in result.plan.rows] == [(2, "create"), (3, "create")]
    assert result.batch.status == ImportStatus.PENDING
    assert register_snapshot() == before  # a preview saves nothing to the register

    outcome = import_batch_apply(batch=result.batch, by=world.bureau)

    assert (outcome.created, outcome.updated) == (2, 0)
    primary = School.objects.get(code="3133990001")
    assert (primary.name, primary.school_type, primary.ownership, primary.group) == (
        "新建实验小学",
        SchoolType.PRIMARY,
        "public",
        group,
    )
    assert primary.phone == "0573-85012345"
    assert list(primary.enrolments.values_list("grade", "classes", "pupils")) == [(g, 4, 160 + g) for g in range(1, 7)]
    assert primary.district_memberships.get().district == world.district_x
    junior = School.objects.get(code="3133990002")
    assert (junior.school_type, junior.ownership) == (SchoolType.JUNIOR, "private")
    assert list(junior.enrolments.values_list("grade", "classes")) == [(7, 6), (8, 6), (9, 5)]
    membership = junior.district_memberships.get()
    assert (membership.district, membership.start_date, membership.end_date) == (
        world.district_y,
        timezone.localdate(),
        None,
    )
    result.batch.refresh_from_db()
    assert (result.batch.status, result.batch.decided_by) == (ImportStatus.APPLIED, world.bureau)


def test_upload_page_redirects_to_preview_and_confirm_applies(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    response = client.post(reverse("register_import", args=["schools"]), {"file": upload("schools", [school_cells()])})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register_import_batch", args=[batch.pk])

    page = client.get(response["Location"])
    content = page.content.decode()
    assert "新建实验小学" in content and "新增" in content
    assert 'data-testid="confirm-import"' in content
    assert not School.objects.filter(code="3133990001").exists()

    response = client.post(reverse("register_import_confirm", args=[batch.pk]), follow=True)
    assert School.objects.filter(code="3133990001").exists()
    assert "已导入：新增 1 条，更新 0 条。" in response.content.decode()
    assert 'data-testid="confirm-import"' not in response.content.decode()


# -- bad rows ----------------------------------------------------------------------------

BAD_SCHOOL_ROWS = [
    ({"学校标识码": "31339900"}, "学校标识码", "学校标识码应为 10 位数字，“31339900”不符合。"),
    ({"学校标识码": "313399000X"}, "学校标识码", "学校标识码应为 10 位数字"),
    ({"学校标识码": None}, "学校标识码", "此列必填。"),
    ({"学校名称": None}, "学校名称", "此列必填。"),
    ({"学校名称": "校" * 101}, "学校名称", "最多 100 个字。"),
    ({"学校类型": "高中"}, "学校类型", "“高中”不是允许的值，请填写：小学、初中、九年一贯制、完全中学。"),
    ({"办学性质": "公立"}, "办学性质", "“公立”不是允许的值，请填写：公办、民办。"),
    ({"督学责任区": "第九十九责任区"}, "督学责任区", "未知的督学责任区“第九十九责任区”。"),
    ({"教育集团": "不存在集团"}, "教育集团", "未知的教育集团“不存在集团”，请先在管理后台添加。"),
    ({"联系电话": "打电话给我"}, "联系电话", "“打电话给我”不是有效的电话号码"),
    ({"联系电话": "12345"}, "联系电话", "不是有效的电话号码"),
    ({"七年级班数": 3}, "七年级班数", "小学不开设 7 年级，此格请留空。"),
    ({"一年级班数": 0}, "一年级班数", "有学生的年级至少要有一个班。"),
    ({"二年级学生数": -5}, "二年级学生数", "“-5”不是 0 到 20000 之间的整数。"),
    ({"二年级学生数": "很多"}, "二年级学生数", "“很多”不是 0 到 20000 之间的整数。"),
    ({"三年级班数": 2.5}, "三年级班数", "不是 0 到 200 之间的整数"),
]


@pytest.mark.parametrize(("overrides", "column", "message"), BAD_SCHOOL_ROWS)
def test_bad_school_row_names_row_and_column_and_saves_nothing(world, overrides, column, message) -> None:  # type: ignore[no-untyped-def]
    before = register_snapshot()
    rows = [school_cells(学校标识码="3133990009", 学校名称="好学校"), school_cells(**overrides)]
    result = preview("schools", rows, world.bureau)

    texts = error_texts(result)
    assert len(texts) == 1, texts
    assert texts[0].startswith(f"第 3 行「{column}」列：")
    assert message in texts[0]
    assert result.batch is None
    assert ImportBatch.objects.count() == 0
    assert register_snapshot() == before


def test_inactive_district_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    SupervisoryDistrict.objects.filter(pk=world.district_y.pk).update(active=False)
    result = preview("schools", [school_cells(督学责任区="第二责任区")], world.bureau)
    assert error_texts(result) == ["第 2 行「督学责任区」列：督学责任区“第二责任区”已停用。"]


def test_duplicate_code_and_name_within_file_are_reported_on_the_later_row(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        school_cells(),
        school_cells(学校名称="另一所小学"),  # same code as row 2
        school_cells(学校标识码="3133990005"),  # same name as row 2
    ]
    result = preview("schools", rows, world.bureau)
    assert error_texts(result) == [
        "第 3 行「学校标识码」列：学校标识码 3133990001 在第 2 行重复出现。",
        "第 4 行「学校名称」列：名称“新建实验小学”在第 2 行重复出现。",
    ]
    assert not School.objects.filter(code__startswith="313399").exists()


def test_name_of_another_school_in_register_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    result = preview("schools", [school_cells(学校名称=world.school_b.name)], world.bureau)
    assert error_texts(result) == [
        f"第 2 行「学校名称」列：名册中已有另一所学校（标识码 {world.school_b.code}）使用此名称。"
    ]


def test_every_bad_row_is_reported_and_upload_page_has_no_confirm(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        school_cells(),
        school_cells(学校标识码="123", 学校名称="乙"),
        school_cells(学校标识码="3133990003", 学校类型="大学"),
    ]
    response = login(world.bureau).post(reverse("register_import", args=["schools"]), {"file": upload("schools", rows)})
    content = response.content.decode()
    assert response.status_code == 200
    assert "未保存任何内容：2 行有错误" in content
    assert "学校标识码应为 10 位数字，“123”不符合。" in content
    assert "“大学”不是允许的值" in content
    assert "confirm-import" not in content
    assert ImportBatch.objects.count() == 0
    assert not School.objects.filter(code__startswith="313399").exists()


NOT_XLSX = "The file is not an Excel workbook (.xlsx). Please use the template."
NO_HEADER = "The header row was not found. The first sheet must have the columns: %(cols)s."


# Columns added to the template later: a file without them is still read.
MAY_BE_ABSENT = {"校长手机", "校长电子邮箱"}


def zh(message: str, **params: Any) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % params if params else text


@pytest.mark.parametrize("case", ["not-xlsx", "wrong-headers", "no-rows"])
def test_unusable_file_gives_a_message_not_a_500(world, case) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.html import escape

    from schools.register.imports import get_importer

    data, message = {
        "not-xlsx": (b"this is not a spreadsheet", zh(NOT_XLSX)),
        "wrong-headers": (
            workbook_bytes("schools", [{"姓名": "张三"}], headers=["姓名", "类别"]),
            zh(NO_HEADER, cols="、".join(h for h in get_importer("schools").headers if h not in MAY_BE_ABSENT)),
        ),
        "no-rows": (workbook_bytes("schools", []), "文件中没有数据行。"),
    }[case]
    response = login(world.bureau).post(
        reverse("register_import", args=["schools"]), {"file": SimpleUploadedFile("名册.xlsx", data)}
    )
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_supervisor_file_uploaded_as_schools_is_refused_by_its_headers(world) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        register_import_preview(kind="schools", upload=upload("supervisors", [supervisor_cells()]), by=world.bureau)
    # The columns are listed in the template's order.
    assert exc.value.messages == [
        zh(
            NO_HEADER,
            cols="学校标识码、学校名称、学校类型、办学性质、镇街、地址、校长、联系电话、督学责任区、教育集团、"
            + "、".join(f"{w}年级{x}" for w in "一二三四五六七八九" for x in ("班数", "学生数")),
        )
    ]


# -- updates and history --------------------------------------------------------------


def test_existing_code_updates_that_school_and_lists_the_changes(world) -> None:  # type: ignore[no-untyped-def]
    school = world.school_a
    GradeEnrolmentFactory(school=school, grade=1, classes=3, pupils=120)
    rows = [
        school_cells(
            学校标识码=school.code,
            学校名称="甲小学（新校名）",
            联系电话="0573-85000000",
            督学责任区="第一责任区",
        )
    ]
    result = preview("schools", rows, world.bureau)
    (planned,) = result.plan.rows
    assert planned.action == "update"
    changed = {header: (before, after) for header, before, after in planned.changes}
    assert changed["学校名称"] == ("甲小学", "甲小学（新校名）")
    assert changed["一年级班数"] == ("3", "4")
    assert "督学责任区" not in changed  # same district: no change

    import_batch_apply(batch=result.batch, by=world.bureau)
    school.refresh_from_db()
    assert (school.name, school.phone) == ("甲小学（新校名）", "0573-85000000")
    assert school.enrolments.get(grade=1).classes == 4
    assert school.enrolments.count() == 6
    assert School.objects.count() == 2  # updated, not added
    assert school.district_memberships.get().end_date is None


def test_empty_district_and_group_cells_leave_them_as_they_are(world) -> None:  # type: ignore[no-untyped-def]
    group = EducationGroupFactory()
    School.objects.filter(pk=world.school_a.pk).update(group=group)
    result = preview(
        "schools", [school_cells(学校标识码=world.school_a.code, 学校名称="甲小学", 督学责任区=None)], world.bureau
    )
    assert all(h not in ("督学责任区", "教育集团") for h, _b, _a in result.plan.rows[0].changes)
    import_batch_apply(batch=result.batch, by=world.bureau)
    world.school_a.refresh_from_db()
    assert world.school_a.group == group
    assert world.school_a.district_memberships.get().district == world.district_x


def test_new_school_type_drops_grades_no_longer_taught(world) -> None:  # type: ignore[no-untyped-def]
    nine_year = SchoolFactory(school_type=SchoolType.NINE_YEAR, name="九年制学校")
    for grade in range(1, 10):
        GradeEnrolmentFactory(school=nine_year, grade=grade)
    cells = school_cells(学校标识码=nine_year.code, 学校名称="九年制学校", 学校类型="初中", 督学责任区=None)
    for w in "一二三四五六":
        cells[f"{w}年级班数"] = cells[f"{w}年级学生数"] = None
    cells.update(七年级班数=5, 七年级学生数=200, 八年级班数=5, 八年级学生数=200, 九年级班数=5, 九年级学生数=200)
    result = preview("schools", [cells], world.bureau)
    import_batch_apply(batch=result.batch, by=world.bureau)
    assert list(nine_year.enrolments.values_list("grade", flat=True)) == [7, 8, 9]


def test_district_change_closes_old_membership_and_keeps_history(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    result = preview(
        "schools",
        [school_cells(学校标识码=world.school_a.code, 学校名称="甲小学", 督学责任区="第二责任区")],
        world.bureau,
    )
    (planned,) = result.plan.rows
    assert ("督学责任区", "第一责任区", "第二责任区") in planned.changes

    import_batch_apply(batch=result.batch, by=world.bureau)

    old, new = DistrictMembership.objects.filter(school=world.school_a).order_by("start_date")
    assert (old.district, old.start_date, old.end_date) == (
        world.district_x,
        datetime.date(2024, 9, 1),
        today - datetime.timedelta(days=1),
    )
    assert (new.district, new.start_date, new.end_date) == (world.district_y, today, None)
    # Scoping follows: the supervisor of the new district is responsible now,
    # the old one was responsible yesterday.
    from jianfu.scoping import schools_visible_to

    assert world.school_a in schools_visible_to(world.supervisor_y)
    assert world.school_a not in schools_visible_to(world.supervisor_x)
    assert world.school_a in schools_visible_to(world.supervisor_x, on=today - datetime.timedelta(days=1))


# -- supervisors -----------------------------------------------------------------------


def test_good_supervisor_file_creates_supervisors_assignments_and_account(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        supervisor_cells(登录账号="zhaoming", 是否组长="是"),
        supervisor_cells(
            姓名="钱红",
            类别="特约",
            联系电话=13900002222,  # typed as a number in Excel
            督学责任区="第一责任区、第二责任区",
            是否组长="第二责任区",
            任期开始=datetime.datetime(2024, 9, 1),
            任期结束="2027/8/31",
        ),
    ]
    result = preview("supervisors", rows, world.bureau)
    assert result.plan.errors == []
    assert [r.action for r in result.plan.rows] == ["create", "create"]
    outcome = import_batch_apply(batch=result.batch, by=world.bureau)
    assert outcome.accounts_created == ["zhaoming"]

    zhao = Supervisor.objects.get(name="赵明")
    assert (zhao.kind, zhao.phone, zhao.term_start, zhao.term_end) == (
        "part_time",
        "13900001111",
        datetime.date(2024, 9, 1),
        datetime.date(2027, 8, 31),
    )
    assert zhao.user.username == "zhaoming"
    assert zhao.user.role == Role.SUPERVISOR
    assert not zhao.user.has_usable_password()
    # Like an account made on the accounts page: the register's phone, a first-sign-in link, a forced choice.
    assert (zhao.user.phone, zhao.user.must_change_password) == ("13900001111", True)
    assert list(zhao.user.links.values_list("purpose", flat=True)) == ["first"]
    assert list(zhao.assignments.values_list("district__name", "is_leader", "start_date")) == [
        ("第一责任区", True, timezone.localdate())
    ]
    qian = Supervisor.objects.get(name="钱红")
    assert qian.user is None
    assert qian.phone == "13900002222"
    assert set(qian.assignments.values_list("district__name", "is_leader")) == {
        ("第一责任区", False),
        ("第二责任区", True),
    }


BAD_SUPERVISOR_ROWS = [
    ({"姓名": None}, "姓名", "此列必填。"),
    ({"类别": "临时"}, "类别", "“临时”不是允许的值，请填写：专职、兼职、特约。"),
    ({"联系电话": "1390000abcd"}, "联系电话", "不是有效的电话号码"),
    ({"督学责任区": "第一责任区、不存在区"}, "督学责任区", "未知的督学责任区“不存在区”。"),
    ({"是否组长": "第二责任区"}, "是否组长", "“第二责任区”不在其中。"),
    ({"督学责任区": None, "是否组长": "是"}, "是否组长", "请先在「督学责任区」列填写责任区，再标注组长。"),
    ({"任期开始": "2024-13-01"}, "任期开始", "“2024-13-01”不是日期，请按 2024-09-01 的格式填写。"),
    ({"任期结束": "明年"}, "任期结束", "“明年”不是日期"),
    ({"任期结束": "2023-08-31"}, "任期结束", "任期结束早于任期开始。"),
    ({"登录账号": "zhao ming"}, "登录账号", "“zhao ming”不是有效的登录账号"),
]


@pytest.mark.parametrize(("overrides", "column", "message"), BAD_SUPERVISOR_ROWS)
def test_bad_supervisor_row_names_row_and_column_and_saves_nothing(world, overrides, column, message) -> None:  # type: ignore[no-untyped-def]
    before = register_snapshot()
    result = preview("supervisors", [supervisor_cells(**overrides)], world.bureau)
    texts = error_texts(result)
    assert len(texts) == 1, texts
    assert texts[0].startswith(f"第 2 行「{column}」列：")
    assert message in texts[0]
    assert result.batch is None
    assert register_snapshot() == before


def test_account_of_a_principal_cannot_become_a_supervisor(world) -> None:  # type: ignore[no-untyped-def]
    result = preview("supervisors", [supervisor_cells(登录账号=world.principal_a.username)], world.bureau)
    assert error_texts(result) == [f"第 2 行「登录账号」列：登录账号“{world.principal_a.username}”属于非督学用户。"]


def test_same_supervisor_twice_in_file_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    rows = [
        supervisor_cells(),
        supervisor_cells(职务="副主任"),  # same name and phone: the same new person
        supervisor_cells(姓名="督学甲"),  # the register's 督学甲 ...
        supervisor_cells(姓名="孙丽", 登录账号=world.supervisor_x.username),  # ... and again through the account
        supervisor_cells(姓名="李四", 联系电话="13900003333", 登录账号="li4"),
        supervisor_cells(姓名="李五", 联系电话="13900004444", 登录账号="li4"),
    ]
    result = preview("supervisors", rows, world.bureau)
    assert error_texts(result) == [
        "第 3 行「姓名」列：与第 2 行是同一位督学。",
        "第 5 行「姓名」列：与第 4 行是同一位督学。",
        "第 7 行「登录账号」列：登录账号“li4”在第 6 行重复出现。",
    ]


def test_homonyms_are_told_apart_by_phone_or_refused(world) -> None:  # type: ignore[no-untyped-def]
    first = SupervisorFactory(name="王伟", phone="13911110000", user=None)
    SupervisorFactory(name="王伟", phone="13922220000", user=None)
    result = preview("supervisors", [supervisor_cells(姓名="王伟", 联系电话="13911110000", 职务="主任")], world.bureau)
    assert result.plan.errors == []
    assert result.plan.rows[0].parsed.existing == first

    result = preview("supervisors", [supervisor_cells(姓名="王伟", 联系电话="13933330000")], world.bureau)
    assert error_texts(result) == ["第 2 行「姓名」列：名册中有多位名为王伟的督学，请填写联系电话或登录账号加以区分。"]


def test_account_identifies_supervisor_and_assignment_change_keeps_history(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    profile = world.supervisor_x.supervisor_profile
    rows = [supervisor_cells(姓名=profile.name, 登录账号=world.supervisor_x.username, 督学责任区="第二责任区")]
    result = preview("supervisors", rows, world.bureau)
    assert result.plan.rows[0].action == "update"
    import_batch_apply(batch=result.batch, by=world.bureau)

    old, new = SupervisorAssignment.objects.filter(supervisor=profile).order_by("start_date")
    assert (old.district, old.end_date) == (world.district_x, today - datetime.timedelta(days=1))
    assert (new.district, new.start_date, new.end_date) == (world.district_y, today, None)
    assert Supervisor.objects.count() == 2
    profile.refresh_from_db()
    assert profile.employer == "示范区教师发展中心"


def test_new_account_is_linked_to_the_one_homonym_without_account(world) -> None:  # type: ignore[no-untyped-def]
    existing = SupervisorFactory(name="周敏", user=None, phone="")
    result = preview("supervisors", [supervisor_cells(姓名="周敏", 登录账号="zhoumin")], world.bureau)
    import_batch_apply(batch=result.batch, by=world.bureau)
    existing.refresh_from_db()
    assert existing.user.username == "zhoumin"
    assert Supervisor.objects.filter(name="周敏").count() == 1


# -- the batch's transitions ---------------------------------------------------------


@pytest.fixture
def pending(world):  # type: ignore[no-untyped-def]
    return preview("schools", [school_cells()], world.bureau).batch


def test_cancel_pending_batch_saves_nothing(world, pending) -> None:  # type: ignore[no-untyped-def]
    import_batch_cancel(batch=pending, by=world.bureau)
    assert (pending.status, pending.decided_by) == (ImportStatus.CANCELLED, world.bureau)
    assert pending.decided_at is not None
    assert not School.objects.filter(code="3133990001").exists()


@pytest.mark.parametrize("first", ["apply", "cancel"])
@pytest.mark.parametrize("second", ["apply", "cancel"])
def test_decided_batch_refuses_any_further_transition(world, pending, first, second) -> None:  # type: ignore[no-untyped-def]
    transition = {"apply": import_batch_apply, "cancel": import_batch_cancel}
    transition[first](batch=pending, by=world.bureau)
    status = pending.status
    with translation.override("zh-hans"), pytest.raises(ImportRefused) as exc:
        transition[second](batch=pending, by=world.bureau)
    assert exc.value.messages == ["此导入已确认或已取消。"]
    pending.refresh_from_db()
    assert pending.status == status


def test_confirm_revalidates_and_marks_outdated_when_register_changed(world, pending) -> None:  # type: ignore[no-untyped-def]
    # Someone gave another school the name meanwhile.
    SchoolFactory(name="新建实验小学")
    before = register_snapshot()
    with translation.override("zh-hans"), pytest.raises(ImportRefused) as exc:
        import_batch_apply(batch=pending, by=world.bureau)
    assert "名册已发生变化" in exc.value.messages[0]
    assert "使用此名称" in str(exc.value.row_errors[0])
    assert pending.status == ImportStatus.OUTDATED
    assert register_snapshot() == before
    with pytest.raises(ImportRefused):
        import_batch_cancel(batch=pending, by=world.bureau)


def test_confirm_refuses_when_rows_would_now_do_something_else(world, pending) -> None:  # type: ignore[no-untyped-def]
    # The code was added meanwhile: the row would now update instead of add.
    SchoolFactory(code="3133990001", name="别的名字")
    with pytest.raises(ImportRefused):
        import_batch_apply(batch=pending, by=world.bureau)
    pending.refresh_from_db()
    assert pending.status == ImportStatus.OUTDATED
    assert School.objects.get(code="3133990001").name == "别的名字"


def test_confirm_applies_kept_rows_not_anything_posted(world, pending) -> None:  # type: ignore[no-untyped-def]
    login(world.bureau).post(
        reverse("register_import_confirm", args=[pending.pk]),
        {"学校名称": "伪造的名字", "rows": '[{"row": 2}]'},
    )
    assert School.objects.get(code="3133990001").name == "新建实验小学"


def test_a_failing_write_rolls_back_every_row(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    from schools.register import imports

    batch = preview(
        "schools", [school_cells(), school_cells(学校标识码="3133990002", 学校名称="第二所")], world.bureau
    ).batch
    original = imports.SchoolImporter.apply_row
    calls = []

    def apply_row(self, row, *, by):  # type: ignore[no-untyped-def]
        calls.append(row.code)
        if len(calls) == 2:
            raise IntegrityError("simulated clash")
        original(self, row, by=by)

    monkeypatch.setattr(imports.SchoolImporter, "apply_row", apply_row)
    with pytest.raises(ImportRefused):
        import_batch_apply(batch=batch, by=world.bureau)
    assert calls == ["3133990001", "3133990002"]
    assert not School.objects.filter(code__startswith="313399").exists()
    assert batch.status == ImportStatus.OUTDATED


# -- who may do it ---------------------------------------------------------------------


def _urls(batch: ImportBatch) -> list[tuple[str, str]]:
    return [
        ("get", reverse("register_index")),
        ("get", reverse("register_import", args=["schools"])),
        ("get", reverse("register_import", args=["supervisors"])),
        ("get", reverse("register_import_batch", args=[batch.pk])),
        ("post", reverse("register_import_confirm", args=[batch.pk])),
        ("post", reverse("register_import_cancel", args=[batch.pk])),
    ]


@pytest.mark.parametrize("persona", ["principal_a", "principal_b", "supervisor_x", "supervisor_y", "other_bureau"])
def test_other_roles_and_other_clerks_get_404(world, pending, persona) -> None:  # type: ignore[no-untyped-def]
    user = BureauUserFactory() if persona == "other_bureau" else getattr(world, persona)
    client = login(user)
    urls = _urls(pending)
    if persona == "other_bureau":
        urls = urls[3:]  # another clerk has the pages, but not this clerk's batch
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    pending.refresh_from_db()
    assert pending.status == ImportStatus.PENDING
    # An upload by another role is refused before anything is read.
    if persona != "other_bureau":
        response = client.post(
            reverse("register_import", args=["schools"]), {"file": upload("schools", [school_cells()])}
        )
        assert response.status_code == 404
        assert ImportBatch.objects.count() == 1


def test_anonymous_is_sent_to_login(world, pending) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for method, url in _urls(pending):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    pending.refresh_from_db()
    assert pending.status == ImportStatus.PENDING


def test_bureau_pages_render(world, pending) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    for method, url in _urls(pending)[:4]:
        assert getattr(client, method)(url).status_code == 200, url
    assert client.get(reverse("register_import", args=["pupils"])).status_code == 404


def test_overview_and_admin_changelists_link_to_the_register_pages(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    target = reverse("register_index")
    for url in (
        reverse("bureau_overview"),
        reverse("admin:schools_school_changelist"),
        reverse("admin:supervision_supervisor_changelist"),
    ):
        assert f'href="{target}"' in client.get(url).content.decode(), url


def _preview_queries(world, n: int) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for i in range(n):
        code = f"31338{n:02d}{i:03d}"
        school = SchoolFactory(code=code, name=f"学校{n}-{i}")
        DistrictMembershipFactory(school=school, district=world.district_x)
        GradeEnrolmentFactory(school=school, grade=1)
        rows.append(school_cells(学校标识码=code, 学校名称=f"学校{n}-{i}", 联系电话=None))
    rows.append(school_cells())
    data = upload("schools", rows)
    with CaptureQueriesContext(connection) as ctx:
        result = register_import_preview(kind="schools", upload=data, by=world.bureau, file_name="x.xlsx")
    assert result.plan.errors == []
    assert result.plan.count("update") == n
    return len(ctx.captured_queries)


def test_preview_query_count_does_not_grow_with_rows(world) -> None:  # type: ignore[no-untyped-def]
    assert _preview_queries(world, 3) == _preview_queries(world, 25)


def test_sheet_value_helpers_round_trip() -> None:
    from jianfu.imports import parse_date, to_json

    assert parse_date("2024年9月1日") == datetime.date(2024, 9, 1)
    assert parse_date("2024.09.01") == datetime.date(2024, 9, 1)
    assert parse_date("2024-02-30") is None
    assert to_json('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert to_json("'普通文字") == "'普通文字"
    assert to_json(datetime.datetime(2024, 9, 1)) == "2024-09-01"
