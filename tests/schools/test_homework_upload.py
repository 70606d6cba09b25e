"""A week of homework uploaded from the Excel template: good files are saved
in a fixed number of queries, bad files are refused whole with every problem
reported by row and column."""

from __future__ import annotations

import datetime
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from schools.homework.upload import HEADERS, HomeworkUploadError, homework_template_build, homework_week_upload
from schools.models import GradeEnrolment, HomeworkDay, HomeworkItem
from tests.factories import SchoolFactory
from tests.schools.factories import MONDAY

pytestmark = pytest.mark.django_db

DAYS = [MONDAY + datetime.timedelta(days=i) for i in range(5)]


def workbook(rows: list[list], *, headers: list[str] = HEADERS, title_rows: int = 1) -> SimpleUploadedFile:  # type: ignore[type-arg]
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["作业登记表"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("作业.xlsx", out.getvalue())


def row(
    date=MONDAY,
    grade=3,
    number=1,
    subject="数学",
    content="练习册第5页",
    kind="基本",
    written="是",
    minutes=30,
    layered="否",
):  # type: ignore[no-untyped-def]
    return [date, grade, number, subject, content, kind, written, minutes, layered]


def school_with_classes(per_grade: int, grades=range(1, 7)):  # type: ignore[no-untyped-def]
    school = SchoolFactory()
    for grade in grades:
        GradeEnrolment.objects.create(school=school, grade=grade, classes=per_grade, pupils=per_grade * 40)
    return school


def week_rows(school, items_per_day: int = 4) -> list[list]:  # type: ignore[no-untyped-def,type-arg]
    rows = []
    for enrolment in school.enrolments.all():
        for number in range(1, enrolment.classes + 1):
            for day in DAYS:
                for i in range(items_per_day):
                    rows.append(
                        row(
                            day,
                            enrolment.grade,
                            number,
                            ["语文", "数学", "英语", "科学"][i % 4],
                            f"作业{i}",
                            minutes=10 + i,
                        )
                    )
    return rows


def test_good_file_is_saved_with_totals() -> None:
    school = school_with_classes(2, grades=[3])
    rows = [
        row(minutes=40),
        row(subject="语文", content="背诵古诗", minutes=25),
        row(subject="体育", content="跳绳300下", written="否", minutes=20),
        row(date="2026-09-08", number=2, kind="弹性", layered="是", minutes=15),
    ]
    result = homework_week_upload(school=school, upload=workbook(rows), by=None)
    assert (result.week_start, result.class_days, result.items) == (MONDAY, 2, 4)
    monday = HomeworkDay.objects.get(school_class__number=1, date=MONDAY)
    assert (monday.written_minutes, monday.total_minutes, monday.item_count, monday.grade) == (65, 85, 3, 3)
    tuesday_item = HomeworkItem.objects.get(day__date=datetime.date(2026, 9, 8))
    assert (tuesday_item.kind, tuesday_item.layered, tuesday_item.subject) == ("optional", True, "maths")


def test_upload_replaces_only_the_class_days_in_the_file() -> None:
    school = school_with_classes(2, grades=[3])
    homework_week_upload(school=school, upload=workbook([row(minutes=40), row(number=2, minutes=50)]), by=None)
    homework_week_upload(school=school, upload=workbook([row(minutes=20), row(minutes=15)]), by=None)
    assert HomeworkDay.objects.get(school_class__number=1).written_minutes == 35
    assert HomeworkDay.objects.get(school_class__number=2).written_minutes == 50
    assert HomeworkItem.objects.count() == 3


def test_template_round_trips_and_its_blank_rows_are_ignored() -> None:
    school = school_with_classes(2, grades=[3, 4])
    data = homework_template_build(school=school, week=MONDAY + datetime.timedelta(days=2))
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header_row = next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == "日期")
    placeholders = list(ws.iter_rows(min_row=header_row + 1, values_only=True))
    assert len(placeholders) == 4 * 5  # four classes, Monday to Friday
    assert placeholders[0][:3] == (datetime.datetime(2026, 9, 7), 3, 1)
    ws.cell(row=header_row + 1, column=4, value="数学")
    ws.cell(row=header_row + 1, column=5, value="口算")
    ws.cell(row=header_row + 1, column=8, value=20)
    out = io.BytesIO()
    wb.save(out)
    result = homework_week_upload(school=school, upload=SimpleUploadedFile("t.xlsx", out.getvalue()), by=None)
    assert (result.class_days, result.items) == (1, 1)


def errors_of(school, upload) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(HomeworkUploadError) as info:
        homework_week_upload(school=school, upload=upload, by=None)
    return info.value.messages


def test_every_bad_cell_is_reported_with_row_and_column_and_nothing_is_saved() -> None:
    school = school_with_classes(2, grades=[3])
    rows = [
        row(minutes=30),  # row 3: good
        row(grade=11),  # row 4
        row(number=9),  # row 5: no such class
        row(subject="魔法"),  # row 6
        row(minutes=0),  # row 7
        row(minutes="半小时"),  # row 8
        row(written="也许"),  # row 9
        row(kind="随便"),  # row 10
        row(date="明天"),  # row 11
        row(content=None),  # row 12
        row(date=MONDAY + datetime.timedelta(days=7)),  # row 13: another week
    ]
    with translation.override("en"):
        errors = errors_of(school, workbook(rows))
    expected = [
        ("Row 4,", "年级"),
        ("Row 5,", "班级"),
        ("Row 6,", "学科"),
        ("Row 7,", "预计时长（分钟）"),
        ("Row 8,", "预计时长（分钟）"),
        ("Row 9,", "书面作业"),
        ("Row 10,", "基本/弹性"),
        ("Row 11,", "日期"),
        ("Row 12,", "作业内容"),
        ("Row 13,", "日期"),
    ]
    assert len(errors) == len(expected), errors
    for message, (row_text, column) in zip(errors, expected, strict=True):
        assert row_text in message and f"“{column}”" in message, message
    assert not HomeworkDay.objects.exists() and not HomeworkItem.objects.exists()


def test_bad_file_leaves_earlier_records_alone() -> None:
    school = school_with_classes(1, grades=[3])
    homework_week_upload(school=school, upload=workbook([row(minutes=40)]), by=None)
    errors_of(school, workbook([row(minutes=20), row(minutes=999)]))
    assert HomeworkDay.objects.get().written_minutes == 40


def test_not_a_workbook_is_refused() -> None:
    school = school_with_classes(1, grades=[3])
    with pytest.raises(ValidationError) as info, translation.override("en"):
        homework_week_upload(school=school, upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really"), by=None)
    assert "Excel" in " ".join(info.value.messages)


def test_missing_headers_are_named() -> None:
    school = school_with_classes(1, grades=[3])
    with pytest.raises(ValidationError) as info:
        homework_week_upload(
            school=school, upload=workbook([row()[:4]], headers=["日期", "年级", "班级", "学科"]), by=None
        )
    assert "作业内容" in " ".join(info.value.messages)
    assert not HomeworkDay.objects.exists()


def test_file_with_only_template_rows_is_refused() -> None:
    school = school_with_classes(1, grades=[3])
    errors = errors_of(school, workbook([[MONDAY, 3, 1, None, None, "基本", "是", None, "否"]]))
    assert len(errors) == 1


def test_upload_page_reports_errors_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    GradeEnrolment.objects.create(school=world.school_a, grade=3, classes=1, pupils=40)
    client = Client()
    client.force_login(world.principal_a)
    url = reverse("homework_upload", args=[world.school_a.pk])
    response = client.post(url, {"file": workbook([row(minutes=30), row(grade=3, number=4)])})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="upload-errors"' in html and "「班级」" in html
    assert not HomeworkDay.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert response.status_code == 200 and not HomeworkDay.objects.exists()
    response = client.post(url, {"file": workbook([row(minutes=30)])})
    assert response.status_code == 302 and f"week={MONDAY.isoformat()}" in response["Location"]
    assert HomeworkDay.objects.count() == 1


def test_template_download_is_an_attachment_for_the_school_account_only(world) -> None:  # type: ignore[no-untyped-def]
    url = reverse("homework_template", args=[world.school_a.pk]) + f"?week={MONDAY.isoformat()}"
    client = Client()
    client.force_login(world.principal_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for persona in ("principal_b", "supervisor_x", "bureau"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404


def _insert_batches(model, n: int) -> int:  # type: ignore[no-untyped-def]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(n / connection.ops.bulk_batch_size(fields, [None] * n))


def _upload_queries(school, principal) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(principal)
    rows = week_rows(school)
    upload = workbook(rows)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("homework_upload", args=[school.pk]), {"file": upload})
    assert response.status_code == 302
    days = len(rows) // 4
    batches = _insert_batches(HomeworkDay, days) + _insert_batches(HomeworkItem, len(rows))
    return len(ctx.captured_queries), batches, len(rows)


def test_a_sixty_class_week_is_one_request_with_a_fixed_number_of_queries() -> None:
    from tests.factories import PrincipalFactory

    small = school_with_classes(2, grades=[3, 4, 5])  # 6 classes
    big = school_with_classes(10)  # 60 classes, grades 1-6
    small_queries, small_batches, _small_rows = _upload_queries(small, PrincipalFactory(school=small))
    big_queries, big_batches, big_rows = _upload_queries(big, PrincipalFactory(school=big))
    assert big_rows == 60 * 5 * 4
    assert HomeworkItem.objects.filter(day__school=big).count() == big_rows
    assert HomeworkDay.objects.filter(school=big).count() == 300
    # Ten times the rows, the same queries (apart from SQLite's insert batches).
    assert big_queries - big_batches == small_queries - small_batches
    assert big_queries < 40


def test_reuploading_a_sixty_class_week_is_also_a_fixed_number_of_queries() -> None:
    from tests.factories import PrincipalFactory

    big = school_with_classes(10)
    principal = PrincipalFactory(school=big)
    first, _batches, _rows = _upload_queries(big, principal)
    second, _batches, _rows = _upload_queries(big, principal)
    assert second <= first + 2  # one delete of the old items, one update of the days
    assert HomeworkItem.objects.filter(day__school=big).count() == 1200


@pytest.mark.parametrize(
    ("grade", "number", "date", "expected_grade"),
    [("一年级", "1班", "2026/9/7", 1), ("初二", "（1）班", "2026年9月7日", 8), (" 3 ", 1.0, "2026-09-07", 3)],
)
def test_cells_written_the_way_clerks_write_them(grade, number, date, expected_grade) -> None:  # type: ignore[no-untyped-def]
    school = school_with_classes(1, grades=[expected_grade])
    school.school_type = "nine_year"
    school.save()
    homework_week_upload(
        school=school, upload=workbook([row(date=date, grade=grade, number=number, minutes=5)]), by=None
    )
    day = HomeworkDay.objects.get()
    assert (day.grade, day.date, day.written_minutes) == (expected_grade, MONDAY, 5)


def test_homework_upload_and_register_import_read_cells_through_one_framework() -> None:
    """The same bad date gets the same Chinese row error in the homework
    upload as in the register import: both read rows with jianfu.imports."""
    from jianfu.imports import RowError, RowReader

    school = school_with_classes(1, grades=[3])
    with translation.override("zh-hans"):
        (message,) = errors_of(school, workbook([row(date="2026-02-30")]))
        errors: list[RowError] = []
        RowReader(3, {"日期": "2026-02-30"}, errors).date("日期")
    assert message == str(errors[0])
    assert "2026-02-30" in message and "日期" in message
