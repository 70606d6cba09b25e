"""Writing after-school service plans and weekly records."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from schools.errors import RecordError, refuse_future_day
from schools.homework.models import week_start
from schools.models import AfterSchoolDay, AfterSchoolPlan, School, Semester

PLAN_FIELDS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "start_time",
    "end_time",
    "contents",
    "staff",
    "staff_count",
    "fee_policy",
    "fee_note",
    "three_nos_declared",
)


DAY_FIELDS = ("no_school", "held", "start_time", "end_time", "pupils_requested", "pupils_attended", "contents")


@transaction.atomic
def afterschool_plan_save(*, school: School, semester: Semester, fields: Mapping[str, Any], by: Any) -> AfterSchoolPlan:
    """Create or update the school's plan (一校一案) for the semester."""
    plan = AfterSchoolPlan.objects.filter(school=school, semester=semester).first() or AfterSchoolPlan(
        school=school, semester=semester
    )
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    plan.updated_by = by
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def afterschool_week_save(
    *, school: School, week: datetime.date, days: Sequence[tuple[datetime.date, Mapping[str, Any]]], by: Any
) -> list[AfterSchoolDay]:
    """Record the service on the school days (Monday to Friday) of one week.
    ``days`` pairs each date with its fields; every day is checked before
    any is written."""
    monday = week_start(week)
    friday = monday + datetime.timedelta(days=4)
    existing = {d.date: d for d in AfterSchoolDay.objects.filter(school=school, date__range=(monday, friday))}
    rows: list[AfterSchoolDay] = []
    for date, fields in days:
        if week_start(date) != monday or date.weekday() > 4:
            raise RecordError(_("The days of a weekly record are Monday to Friday of that week."))
        refuse_future_day(date)
        row = existing.get(date) or AfterSchoolDay(school=school, date=date)
        for name in DAY_FIELDS:
            if name in fields:
                setattr(row, name, fields[name])
        if row.no_school or not row.held:
            row.held = False
            row.start_time = row.end_time = None
        if row.no_school:
            row.pupils_requested = row.pupils_attended = 0
        row.updated_by = by
        row.full_clean(validate_unique=False)
        rows.append(row)
    for row in rows:
        row.save()
    return rows
