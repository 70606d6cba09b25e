"""Factories of the school records (homework, after-school service, five
managements)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import factory

from schools.homework.services import ItemSpec, homework_day_save
from schools.models import AfterSchoolPlan, HomeworkDay, SchoolClass
from tests.factories import SchoolFactory, SemesterFactory

MONDAY = datetime.date(2026, 9, 7)  # a Monday in the first semester of the factories' school year


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = 3
    number = factory.Sequence(lambda n: n + 1)


class AfterSchoolPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AfterSchoolPlan

    school = factory.SubFactory(SchoolFactory)
    semester = factory.SubFactory(SemesterFactory)
    start_time = datetime.time(15, 30)
    end_time = datetime.time(17, 30)
    contents = ["homework_help", "reading", "sport"]
    staff_count = 12
    three_nos_declared = True


def item(
    minutes: int, *, written: bool = True, kind: str = "basic", subject: str = "maths", content: str = "练习册"
) -> ItemSpec:
    return ItemSpec(subject=subject, content=content, minutes=minutes, written=written, kind=kind)


def record_day(school_class: SchoolClass, date: datetime.date, *minutes: int, by: Any = None, **kw: Any) -> HomeworkDay:
    """Record written items of the given minutes through the service."""
    return homework_day_save(school_class=school_class, date=date, items=[item(m, **kw) for m in minutes], by=by)


def bulk_days(classes: Iterable[SchoolClass], dates: Iterable[datetime.date], written: int) -> list[HomeworkDay]:
    """Class-days with totals but no items, fast, for counting queries (and
    their summaries, as a writer of class-days keeps them)."""
    from schools.homework.services import homework_summaries_refresh

    days = HomeworkDay.objects.bulk_create(
        [
            HomeworkDay(
                school_class=c,
                school_id=c.school_id,
                grade=c.grade,
                date=d,
                written_minutes=written,
                total_minutes=written,
                item_count=1,
            )
            for c in classes
            for d in dates
        ]
    )
    homework_summaries_refresh(school_ids={d.school_id for d in days}, dates={d.date for d in days})
    return days
