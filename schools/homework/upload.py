"""A week of homework uploaded from the Excel template (作业登记表).

The template has Chinese headers, one row per homework item. Every row is
checked before anything is written; a file with any bad row is refused whole,
with each problem reported by row and column. A good file replaces the
homework of every class-day it contains (other class-days of the week stay as
they are), in a fixed number of queries whatever its size: one read of the
classes, one of the week's days, one delete, two bulk inserts, one UPDATE of
the totals (SQLite splits the bulk inserts into batches of its variable
limit)."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.imports import RowError, RowReader, import_rows_read
from jianfu.models import AuditAction
from jianfu.xlsx import Column, Sheet, write_workbook
from schools.homework.models import MAX_ITEM_MINUTES, SUBJECT_ALIASES, week_start
from schools.homework.services import ItemSpec, homework_days_recompute, item_objects
from schools.models import HomeworkDay, HomeworkItem, HomeworkKind, School, SchoolClass, Subject
from schools.register.classes import school_classes_sync

COL_DATE = "日期"


COL_GRADE = "年级"


COL_CLASS = "班级"


COL_SUBJECT = "学科"


COL_CONTENT = "作业内容"


COL_KIND = "基本/弹性"


COL_WRITTEN = "书面作业"


COL_MINUTES = "预计时长（分钟）"


COL_LAYERED = "分层布置"


HEADERS = [COL_DATE, COL_GRADE, COL_CLASS, COL_SUBJECT, COL_CONTENT, COL_KIND, COL_WRITTEN, COL_MINUTES, COL_LAYERED]


REQUIRED = [COL_DATE, COL_GRADE, COL_CLASS, COL_SUBJECT, COL_CONTENT, COL_MINUTES]


MAX_ERRORS_REPORTED = 200


_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_JUNIOR = {"初一": 7, "初二": 8, "初三": 9}
_BASIC = {"基本", "基础", "必做", "basic"}
_OPTIONAL = {"弹性", "选做", "拓展", "提高", "optional"}


class HomeworkUploadError(ValidationError):
    """The file was refused; ``messages`` lists every problem found."""


@dataclass(frozen=True)
class UploadResult:
    week_start: datetime.date
    class_days: int
    items: int


# The homework columns' own words; dates, numbers, yes/no, required cells and
# the wording of every row error come from the one import framework
# (jianfu.imports.RowReader), as for the register import.


def _grade(reader: RowReader) -> int | None:
    text = reader.text(COL_GRADE, required=True).replace("年级", "").replace(" ", "")
    if not text:
        return None
    # isdecimal, not isdigit: "²" is a digit that int() refuses; full-width "３" is decimal and fine.
    grade = _JUNIOR.get(text) or _NUMERALS.get(text) or (int(text) if text.isdecimal() else 0)
    if not 1 <= grade <= 9:
        reader.error(COL_GRADE, _("a grade from 1 to 9 is expected"))
        return None
    return grade


def _class_number(reader: RowReader) -> int | None:
    text = re.sub(r"[()（）班\s]", "", reader.text(COL_CLASS, required=True))
    if not text and reader.failed(COL_CLASS):
        return None
    if text.isdecimal() and int(text) >= 1:
        return int(text)
    reader.error(COL_CLASS, _("a class number such as 2 is expected"))
    return None


def _subject(reader: RowReader) -> str | None:
    text = reader.text(COL_SUBJECT, required=True)
    if not text:
        return None
    if text in SUBJECT_ALIASES:
        return SUBJECT_ALIASES[text]
    if text in Subject.values:
        return text
    reader.error(COL_SUBJECT, _("unknown subject; use one of: %(names)s") % {"names": "、".join(SUBJECT_ALIASES)})
    return None


def _kind(reader: RowReader) -> str:
    text = reader.text(COL_KIND).replace("作业", "").lower()
    if not text or text in _BASIC:
        return HomeworkKind.BASIC
    if text in _OPTIONAL:
        return HomeworkKind.OPTIONAL
    reader.error(COL_KIND, _("write 基本 or 弹性"))
    return HomeworkKind.BASIC


def _is_placeholder(values: dict[str, Any]) -> bool:
    """The template lists every class-day with the rest of the row blank;
    such a row is not an item."""
    return all(values.get(c) in (None, "") for c in (COL_SUBJECT, COL_CONTENT, COL_MINUTES))


def _parse(
    rows: list[dict[str, Any]], classes: dict[tuple[int, int], SchoolClass]
) -> tuple[dict[tuple[SchoolClass, datetime.date], list[ItemSpec]], list[RowError]]:
    errors: list[RowError] = []
    parsed: dict[tuple[SchoolClass, datetime.date], list[ItemSpec]] = defaultdict(list)
    monday: datetime.date | None = None
    for raw in rows:
        if _is_placeholder(raw["values"]):
            continue
        reader = RowReader(int(raw["row"]), raw["values"], errors)
        date = reader.date(COL_DATE, required=True)
        grade = _grade(reader)
        number = _class_number(reader)
        subject = _subject(reader)
        content = reader.text(COL_CONTENT, required=True, max_length=200)
        kind = _kind(reader)
        written = reader.yes_no(COL_WRITTEN, default=True)
        minutes = reader.integer(COL_MINUTES, minimum=1, maximum=MAX_ITEM_MINUTES, required=True, unit="分钟")
        layered = reader.yes_no(COL_LAYERED, default=False)
        if date is not None and date > timezone.localdate():
            reader.error(COL_DATE, _("this day has not come yet"))
        if reader.failed() or date is None or grade is None or number is None or subject is None or minutes is None:
            continue
        if monday is None:
            monday = week_start(date)
        elif week_start(date) != monday:
            reader.error(
                COL_DATE,
                _("all rows of a file belong to one week (Monday %(monday)s to Sunday %(sunday)s)")
                % {"monday": monday.isoformat(), "sunday": (monday + datetime.timedelta(days=6)).isoformat()},
            )
            continue
        school_class = classes.get((grade, number))
        if school_class is None:
            reader.error(
                COL_CLASS,
                _("the school has no class %(class)s in grade %(grade)s") % {"class": number, "grade": grade},
            )
            continue
        parsed[(school_class, date)].append(
            ItemSpec(subject=subject, content=content, minutes=minutes, kind=kind, written=written, layered=layered)
        )
    return parsed, errors


def homework_week_upload(*, school: School, upload: IO[bytes], by: Any) -> UploadResult:
    """Record a week of the school's homework from an uploaded template.
    Raises :class:`HomeworkUploadError` (or the ValidationError of
    :func:`jianfu.xlsx.read_rows` for a file that is not a usable workbook)
    and writes nothing when anything is wrong."""
    rows = import_rows_read(upload, headers=HEADERS, required=REQUIRED)
    classes = {(c.grade, c.number): c for c in school_classes_sync(school=school)}
    parsed, row_errors = _parse(rows, classes)
    if row_errors:
        errors = [str(e) for e in row_errors]
        shown = errors[:MAX_ERRORS_REPORTED]
        if len(errors) > len(shown):
            shown.append(_("… and %(n)s more problems.") % {"n": len(errors) - len(shown)})
        raise HomeworkUploadError(shown)
    if not parsed:
        raise HomeworkUploadError(
            _("The file has no homework rows: fill in at least the subject, content and minutes.")
        )
    monday = week_start(next(iter(parsed))[1])
    sunday = monday + datetime.timedelta(days=6)
    with transaction.atomic():
        week_days = HomeworkDay.objects.filter(school=school, date__range=(monday, sunday))
        existing = {(d.school_class_id, d.date): d for d in week_days.only("pk", "school_class_id", "date")}
        touched = [existing[(c.pk, d)].pk for (c, d) in parsed if (c.pk, d) in existing]
        if touched:
            HomeworkItem.objects.filter(day__in=touched).delete()
            HomeworkDay.objects.filter(pk__in=touched).update(updated_by=by, updated_at=timezone.now())
        new_days = HomeworkDay.objects.bulk_create(
            [
                HomeworkDay(school_class=c, school=school, grade=c.grade, date=d, updated_by=by)
                for (c, d) in parsed
                if (c.pk, d) not in existing
            ]
        )
        days = existing | {(d.school_class_id, d.date): d for d in new_days}
        items: list[HomeworkItem] = []
        for (school_class, date), specs in parsed.items():
            items.extend(item_objects(day=days[(school_class.pk, date)], items=specs))
        HomeworkItem.objects.bulk_create(items)
        homework_days_recompute(days=HomeworkDay.objects.filter(school=school, date__range=(monday, sunday)))
    audit_record(
        action=AuditAction.UPDATE,
        obj=school,
        user=by,
        changes={"homework_week": [None, monday.isoformat()], "class_days": [None, len(parsed)]},
        note="homework_week_upload",
    )
    return UploadResult(week_start=monday, class_days=len(parsed), items=len(items))


def homework_template_build(*, school: School, week: datetime.date) -> bytes:
    """The upload template for one week: a row for every class and school
    day (Monday to Friday) with the date, grade and class filled in. More
    rows for the same class-day may be added; untouched rows are ignored."""
    monday = week_start(week)
    classes = school_classes_sync(school=school)
    days = [monday + datetime.timedelta(days=i) for i in range(5)]
    notes = [
        _("%(school)s: homework of the week starting %(monday)s") % {"school": school.name, "monday": monday},
        _(
            "One row per homework item. Add rows for more items of the same class and day. Rows without subject, "
            "content and minutes are ignored. Basic/optional: 基本 or 弹性; written and layered: 是 or 否."
        ),
        _("Uploading replaces the homework of every class and day that appears in the file."),
    ]
    rows = ([d, c.grade, c.number, None, None, "基本", "是", None, "否"] for c in classes for d in days)
    return write_workbook(
        [
            Sheet(
                title=_("Homework"),
                notes=[str(n) for n in notes],
                columns=[
                    Column(COL_DATE, 12, "yyyy-mm-dd"),
                    Column(COL_GRADE, 6),
                    Column(COL_CLASS, 6),
                    Column(COL_SUBJECT, 10),
                    Column(COL_CONTENT, 40),
                    Column(COL_KIND, 10),
                    Column(COL_WRITTEN, 9),
                    Column(COL_MINUTES, 10),
                    Column(COL_LAYERED, 9),
                ],
                rows=rows,
            )
        ]
    )
