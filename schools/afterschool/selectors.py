"""Reading after-school service records and checking them against the rules
of the settings (5 days a week, at least 2 hours a day, ending no earlier than
the end of the working day, every pupil who asks served)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.homework.models import week_start
from schools.models import AfterSchoolContent, AfterSchoolDay, AfterSchoolPlan, School, Semester


@dataclass(frozen=True)
class Check:
    """One rule applied to a record: passed or not, with what was found."""

    label: str
    ok: bool
    found: str = ""


def afterschool_plan_of(*, school: School, semester: Semester) -> AfterSchoolPlan | None:
    return AfterSchoolPlan.objects.filter(school=school, semester=semester).first()


def afterschool_plan_checks(*, plan: AfterSchoolPlan) -> list[Check]:
    """The plan against the rules; computed on the one row in hand."""
    end_by = settings.AFTERSCHOOL_END_NOT_BEFORE
    return [
        Check(
            str(_("At least %(n)s days a week") % {"n": settings.AFTERSCHOOL_DAYS_PER_WEEK}),
            plan.days_per_week >= settings.AFTERSCHOOL_DAYS_PER_WEEK,
            str(_("%(n)s days") % {"n": plan.days_per_week}),
        ),
        Check(
            str(_("At least %(n)s minutes a day") % {"n": settings.AFTERSCHOOL_MIN_MINUTES_PER_DAY}),
            plan.minutes_per_day >= settings.AFTERSCHOOL_MIN_MINUTES_PER_DAY,
            str(_("%(n)s minutes") % {"n": plan.minutes_per_day}),
        ),
        Check(
            str(_("Ends no earlier than %(time)s") % {"time": end_by.strftime("%H:%M")}),
            plan.end_time >= end_by,
            plan.end_time.strftime("%H:%M"),
        ),
        Check(str(_("Contents chosen")), bool(plan.contents), contents_display(codes=plan.contents)),
        Check(str(_("Three no's declared")), plan.three_nos_declared),
    ]


def contents_display(*, codes: list[str]) -> str:
    labels = dict(AfterSchoolContent.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)


def _week_aggregates() -> dict[str, Any]:
    held = Q(held=True)
    return {
        "entered": Count("pk"),
        "no_school_days": Count("pk", filter=Q(no_school=True)),
        "held_days": Count("pk", filter=held),
        "short_days": Count("pk", filter=held & Q(minutes__lt=settings.AFTERSCHOOL_MIN_MINUTES_PER_DAY)),
        "early_days": Count("pk", filter=held & Q(end_time__lt=settings.AFTERSCHOOL_END_NOT_BEFORE)),
        "requested": Sum("pupils_requested", filter=held),
        "attended": Sum("pupils_attended", filter=held),
    }


@dataclass
class ServiceFigures:
    """Days and pupils of the service over a week or a semester."""

    entered: int = 0
    no_school_days: int = 0
    held_days: int = 0
    short_days: int = 0
    early_days: int = 0
    requested: int = 0
    attended: int = 0
    monday: datetime.date | None = None
    # School days of the week that have come (all of them once it is over).
    days_so_far: int | None = None

    @property
    def coverage(self) -> float | None:
        """Attending / asking, over the days held."""
        return self.attended / self.requested if self.requested else None

    @property
    def coverage_percent(self) -> float | None:
        coverage = self.coverage
        return None if coverage is None else coverage * 100

    @property
    def coverage_ok(self) -> bool:
        return self.coverage is None or self.coverage * 100 >= settings.AFTERSCHOOL_COVERAGE_TARGET_PERCENT

    @property
    def days_due(self) -> int:
        days = settings.AFTERSCHOOL_DAYS_PER_WEEK
        if self.days_so_far is not None:
            days = min(days, self.days_so_far)
        return max(days - self.no_school_days, 0)

    @property
    def days_ok(self) -> bool:
        return self.held_days >= self.days_due

    @property
    def ok(self) -> bool:
        return self.days_ok and not self.short_days and not self.early_days and self.coverage_ok


def _figures(row: dict[str, Any]) -> ServiceFigures:
    return ServiceFigures(
        entered=row["entered"],
        no_school_days=row["no_school_days"],
        held_days=row["held_days"],
        short_days=row["short_days"],
        early_days=row["early_days"],
        requested=row["requested"] or 0,
        attended=row["attended"] or 0,
        monday=row.get("week"),
    )


def _in_semester(semester: Semester) -> Q:
    return Q(date__range=(semester.start_date, semester.end_date))


def afterschool_weeks(
    *, school: School, semester: Semester, today: datetime.date | None = None
) -> list[ServiceFigures]:
    """The school's weeks of the semester with their figures, latest first;
    the week in progress owes only the days that have come. One grouped
    query."""
    today = today or timezone.localdate()
    rows = (
        AfterSchoolDay.objects.filter(_in_semester(semester), school=school)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(**_week_aggregates())
        .order_by("-week")
    )
    result = [_figures(r) for r in rows]
    for f in result:  # TruncWeek of a DateField is a date on PostgreSQL, maybe a datetime elsewhere
        if isinstance(f.monday, datetime.datetime):
            f.monday = f.monday.date()
        if f.monday is not None:
            f.days_so_far = min(max((today - f.monday).days + 1, 0), 5)
    return result


def afterschool_figures_by_school(
    *, schools: QuerySet[School] | list[int], semester: Semester
) -> dict[int, ServiceFigures]:
    """Semester figures of many schools in one grouped query."""
    rows = (
        AfterSchoolDay.objects.filter(_in_semester(semester), school__in=schools)
        .values("school")
        .annotate(**_week_aggregates())
        .order_by()
    )
    return {r["school"]: _figures(r) for r in rows}


def afterschool_week_days(*, school: School, monday: datetime.date) -> dict[datetime.date, AfterSchoolDay]:
    monday = week_start(monday)
    rows = AfterSchoolDay.objects.filter(school=school, date__range=(monday, monday + datetime.timedelta(days=4)))
    return {r.date: r for r in rows}
