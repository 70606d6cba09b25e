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
from jianfu.models import AuditAction
from jianfu.xlsx import Column, Row, Sheet, read_rows, write_workbook
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


_YES = {"是", "y", "yes", "true", "1", "√", "✓"}


_NO = {"否", "n", "no", "false", "0", "×", "x"}


_BASIC = {"基本", "基础", "必做", "basic"}


_OPTIONAL = {"弹性", "选做", "拓展", "提高", "optional"}


class HomeworkUploadError(ValidationError):
    """The file was refused; ``messages`` lists every problem found."""


@dataclass(frozen=True)
class UploadResult:
    week_start: datetime.date
    class_days: int
    items: int


class _CellError(Exception):
    pass


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_grade(value: Any) -> int:
    text = _text(value).replace("年级", "").replace(" ", "")
    if text in _JUNIOR:
        return _JUNIOR[text]
    if text in _NUMERALS:
        return _NUMERALS[text]
    if text.isdigit() and 1 <= int(text) <= 9:
        return int(text)
    raise _CellError(_("a grade from 1 to 9 is expected"))


def parse_class_number(value: Any) -> int:
    text = re.sub(r"[()（）班\s]", "", _text(value))
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise _CellError(_("a class number such as 2 is expected"))


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _not_future(value.date())
    if isinstance(value, datetime.date):
        return _not_future(value)
    text = _text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match:
        try:
            return _not_future(datetime.date(*(int(g) for g in match.groups())))
        except ValueError:
            pass
    raise _CellError(_("a date such as 2026-03-02 is expected"))


def _not_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise _CellError(_("this day has not come yet"))
    return day


def parse_yes_no(value: Any, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError(_("write 是 or 否"))


def parse_kind(value: Any) -> str:
    if value is None:
        return HomeworkKind.BASIC
    text = _text(value).replace("作业", "").lower()
    if text in _BASIC:
        return HomeworkKind.BASIC
    if text in _OPTIONAL:
        return HomeworkKind.OPTIONAL
    raise _CellError(_("write 基本 or 弹性"))


def parse_subject(value: Any) -> str:
    text = _text(value)
    if text in SUBJECT_ALIASES:
        return SUBJECT_ALIASES[text]
    if text in Subject.values:
        return text
    raise _CellError(_("unknown subject; use one of: %(names)s") % {"names": "、".join(SUBJECT_ALIASES)})


def parse_minutes(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value).replace("分钟", "")
        number = int(text) if text.isdigit() else -1
    if number != int(number) or not 1 <= number <= MAX_ITEM_MINUTES:
        raise _CellError(_("a whole number of minutes from 1 to %(max)s is expected") % {"max": MAX_ITEM_MINUTES})
    return int(number)


_PARSERS: list[tuple[str, Any]] = [
    (COL_DATE, parse_date),
    (COL_GRADE, parse_grade),
    (COL_CLASS, parse_class_number),
    (COL_SUBJECT, parse_subject),
    (COL_KIND, parse_kind),
    (COL_WRITTEN, lambda v: parse_yes_no(v, default=True)),
    (COL_MINUTES, parse_minutes),
    (COL_LAYERED, lambda v: parse_yes_no(v, default=False)),
]


def _is_placeholder(row: Row) -> bool:
    """The template lists every class-day with the rest of the row blank;
    such a row is not an item."""
    return all(row.values.get(c) is None for c in (COL_SUBJECT, COL_CONTENT, COL_MINUTES))


def _message(row: int, column: str, text: str) -> str:
    return _("Row %(row)s, column “%(column)s”: %(message)s") % {"row": row, "column": column, "message": text}


def _parse(
    rows: list[Row], classes: dict[tuple[int, int], SchoolClass]
) -> tuple[dict[tuple[SchoolClass, datetime.date], list[ItemSpec]], list[str]]:
    errors: list[str] = []
    parsed: dict[tuple[SchoolClass, datetime.date], list[ItemSpec]] = defaultdict(list)
    monday: datetime.date | None = None
    for row in rows:
        if _is_placeholder(row):
            continue
        values: dict[str, Any] = {}
        row_ok = True
        for column, parser in _PARSERS:
            if column in REQUIRED and row.values.get(column) is None:
                errors.append(_message(row.number, column, _("this cell is required")))
                row_ok = False
                continue
            try:
                values[column] = parser(row.values.get(column))
            except _CellError as exc:
                errors.append(_message(row.number, column, str(exc)))
                row_ok = False
        content = _text(row.values.get(COL_CONTENT))
        if not content:
            errors.append(_message(row.number, COL_CONTENT, _("this cell is required")))
            row_ok = False
        elif len(content) > 200:
            errors.append(_message(row.number, COL_CONTENT, _("at most 200 characters")))
            row_ok = False
        if not row_ok:
            continue
        date = values[COL_DATE]
        if monday is None:
            monday = week_start(date)
        elif week_start(date) != monday:
            errors.append(
                _message(
                    row.number,
                    COL_DATE,
                    _("all rows of a file belong to one week (Monday %(monday)s to Sunday %(sunday)s)")
                    % {"monday": monday.isoformat(), "sunday": (monday + datetime.timedelta(days=6)).isoformat()},
                )
            )
            continue
        school_class = classes.get((values[COL_GRADE], values[COL_CLASS]))
        if school_class is None:
            errors.append(
                _message(
                    row.number,
                    COL_CLASS,
                    _("the school has no class %(class)s in grade %(grade)s")
                    % {"class": values[COL_CLASS], "grade": values[COL_GRADE]},
                )
            )
            continue
        parsed[(school_class, date)].append(
            ItemSpec(
                subject=values[COL_SUBJECT],
                content=content,
                minutes=values[COL_MINUTES],
                kind=values[COL_KIND],
                written=values[COL_WRITTEN],
                layered=values[COL_LAYERED],
            )
        )
    return parsed, errors


def homework_week_upload(*, school: School, upload: IO[bytes], by: Any) -> UploadResult:
    """Record a week of the school's homework from an uploaded template.
    Raises :class:`HomeworkUploadError` (or the ValidationError of
    :func:`jianfu.xlsx.read_rows` for a file that is not a usable workbook)
    and writes nothing when anything is wrong."""
    rows = read_rows(upload, headers=HEADERS, required=REQUIRED)
    classes = {(c.grade, c.number): c for c in school_classes_sync(school=school)}
    parsed, errors = _parse(rows, classes)
    if errors:
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
            items.extend(item_objects(days[(school_class.pk, date)], specs))
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
