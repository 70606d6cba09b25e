"""The national caps on written homework, at every boundary: a class-day is
compliant or not, with its reason, and the database and the entry page agree."""

from __future__ import annotations

import pytest
from django.test import override_settings

from schools.homework.rules import REASON_LOWER_GRADES, REASON_OVER_CAP, day_reason, over_cap_q
from schools.homework.selectors import homework_day_describe, homework_day_of
from schools.models import HomeworkDay
from tests.schools.factories import MONDAY, SchoolClassFactory, item, record_day

pytestmark = pytest.mark.django_db


def reason_of(grade: int, *items) -> str:  # type: ignore[no-untyped-def]
    from schools.homework.services import homework_day_save

    school_class = SchoolClassFactory(grade=grade)
    homework_day_save(school_class=school_class, date=MONDAY, items=list(items), by=None)
    day = homework_day_of(school_class=school_class, date=MONDAY)
    assert day is not None
    return day.reason  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("grade", "minutes", "reason"),
    [
        (3, 59, ""),
        (3, 60, ""),
        (3, 61, REASON_OVER_CAP),
        (6, 60, ""),
        (6, 61, REASON_OVER_CAP),
        (7, 89, ""),
        (7, 90, ""),
        (7, 91, REASON_OVER_CAP),
        (9, 90, ""),
        (9, 91, REASON_OVER_CAP),
        (1, 1, REASON_LOWER_GRADES),
        (2, 5, REASON_LOWER_GRADES),
    ],
)
def test_written_minutes_against_the_cap_of_the_grade(grade, minutes, reason) -> None:  # type: ignore[no-untyped-def]
    assert reason_of(grade, item(minutes)) == reason


def test_cap_counts_the_sum_of_written_items() -> None:
    assert reason_of(4, item(30), item(30)) == ""
    assert reason_of(4, item(30), item(31)) == REASON_OVER_CAP


def test_non_written_homework_does_not_count() -> None:
    assert reason_of(3, item(60), item(45, written=False, subject="pe", content="跳绳")) == ""
    assert reason_of(2, item(20, written=False, subject="chinese", content="亲子阅读")) == ""


def test_optional_written_homework_counts_toward_the_cap() -> None:
    assert reason_of(5, item(50), item(15, kind="optional")) == REASON_OVER_CAP


def test_day_without_homework_is_compliant() -> None:
    assert reason_of(2) == ""


def test_totals_are_computed_from_items() -> None:
    school_class = SchoolClassFactory(grade=5)
    day = record_day(school_class, MONDAY, 20, 25)
    assert (day.written_minutes, day.total_minutes, day.item_count) == (45, 45, 2)
    from schools.homework.services import homework_day_save

    day = homework_day_save(school_class=school_class, date=MONDAY, items=[item(20), item(30, written=False)], by=None)
    assert (day.written_minutes, day.total_minutes, day.item_count) == (20, 50, 2)
    assert HomeworkDay.objects.count() == 1


@override_settings(
    HOMEWORK_WRITTEN_CAP_GRADES_3_6=45, HOMEWORK_WRITTEN_CAP_GRADES_7_9=70, HOMEWORK_WRITTEN_CAP_GRADES_1_2=10
)
def test_caps_come_from_settings() -> None:
    assert reason_of(3, item(46)) == REASON_OVER_CAP
    assert reason_of(3, item(45)) == ""
    assert reason_of(8, item(71)) == REASON_OVER_CAP
    assert reason_of(2, item(10)) == ""


def test_reason_is_a_sentence_with_the_numbers() -> None:
    school_class = SchoolClassFactory(grade=3)
    record_day(school_class, MONDAY, 40, 35)
    text = homework_day_describe(day=homework_day_of(school_class=school_class, date=MONDAY))  # type: ignore[arg-type]
    assert "75" in text and "60" in text
    lower = SchoolClassFactory(grade=2)
    record_day(lower, MONDAY, 5)
    assert "5" in homework_day_describe(day=homework_day_of(school_class=lower, date=MONDAY))  # type: ignore[arg-type]


@pytest.mark.parametrize("grade", range(1, 10))
def test_page_rule_and_database_rule_agree(grade) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(grade=grade)
    for minutes in (0, 1, 5, 59, 60, 61, 89, 90, 91, 120):
        HomeworkDay.objects.update_or_create(
            school_class=school_class,
            date=MONDAY,
            defaults={
                "school": school_class.school,
                "grade": grade,
                "written_minutes": minutes,
                "total_minutes": minutes,
            },
        )
        in_db = HomeworkDay.objects.filter(over_cap_q(), school_class=school_class).exists()
        assert in_db == bool(day_reason(grade=grade, written_minutes=minutes)), (grade, minutes)
