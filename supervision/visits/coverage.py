"""Visit coverage for the bureau: per district and calendar month, the share
of its schools visited at least once; the schools not visited in a month;
the visits each supervisor took part in. A fixed number of queries whatever
the number of schools, districts, months or visits."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from schools.models import School
from supervision.districts.selectors import _school_load
from supervision.models import DistrictMembership, Supervisor, SupervisorAssignment, SupervisoryDistrict, Visit
from supervision.visits.models import month_bounds
from supervision.visits.selectors import _count_subquery, month_due_passed


@dataclass
class MonthCell:
    month: datetime.date  # first day of the month
    schools: int = 0
    visited: int = 0
    # False for the current month before its due day: schools not visited
    # yet are not late, and the page must not paint the month red.
    due: bool = True

    @property
    def share(self) -> float | None:
        return self.visited / self.schools if self.schools else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


@dataclass
class DistrictCoverage:
    district: SupervisoryDistrict
    cells: list[MonthCell]
    unvisited: list[School] = field(default_factory=list)  # in the selected month


@dataclass
class Coverage:
    start: datetime.date
    end: datetime.date
    months: list[datetime.date]
    selected_month: datetime.date | None
    rows: list[DistrictCoverage]
    totals: list[MonthCell]

    @property
    def selected_due(self) -> bool:
        """Whether the selected month's visits are due by now (its unvisited
        schools are late) or the month is still running before its due day."""
        return next((t.due for t in self.totals if t.month == self.selected_month), True)

    @property
    def unvisited_count(self) -> int:
        return sum(len(r.unvisited) for r in self.rows)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the calendar months from ``start``'s to ``end``'s."""
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def coverage_by_district(
    *,
    start: datetime.date,
    end: datetime.date,
    selected_month: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Coverage:
    """Coverage for the calendar months overlapping ``start``..``end`` (not
    beyond today). A school counts for the district it belonged to on the
    month's last day (today for the current month). ``selected_month``
    (default: the latest month) gets the list of schools not visited.
    Three queries."""
    day = today or timezone.localdate()
    last_day = min(end, day)
    months = months_between(start, last_day) if start <= last_day else []
    if selected_month is not None:
        selected_month = selected_month.replace(day=1)
    if selected_month not in months:
        selected_month = months[-1] if months else None
    if not months:
        return Coverage(start, end, [], None, [], [])
    range_start, range_end = months[0], month_bounds(months[-1])[1]

    districts = list(SupervisoryDistrict.objects.order_by("number"))
    memberships = list(
        DistrictMembership.objects.filter(start_date__lte=min(range_end, day), school__active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=range_start))
        .select_related("school")
    )
    visited: set[tuple[int, datetime.date]] = set(
        Visit.objects.filter(date__gte=range_start, date__lte=min(range_end, day))
        .annotate(month=TruncMonth("date"))
        .values_list("school_id", "month")
        .distinct()
    )
    visited = {(school_id, _as_date(month)) for school_id, month in visited}

    cells: dict[int, dict[datetime.date, MonthCell]] = defaultdict(dict)
    unvisited: dict[int, list[School]] = defaultdict(list)
    totals = {m: MonthCell(m, due=month_due_passed(month=m, today=day)) for m in months}
    for month in months:
        reference = min(month_bounds(month)[1], day)
        for membership in memberships:
            if not membership.is_active_on(reference):
                continue
            cell = cells[membership.district_id].setdefault(month, MonthCell(month, due=totals[month].due))
            cell.schools += 1
            totals[month].schools += 1
            if (membership.school_id, month) in visited:
                cell.visited += 1
                totals[month].visited += 1
            elif month == selected_month:
                unvisited[membership.district_id].append(membership.school)
    rows = [
        DistrictCoverage(
            district=d,
            cells=[cells[d.pk].get(m, MonthCell(m, due=totals[m].due)) for m in months],
            unvisited=sorted(unvisited[d.pk], key=lambda s: s.code),
        )
        for d in districts
        if d.pk in cells
    ]
    return Coverage(start, end, months, selected_month, rows, [totals[m] for m in months])


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclass(frozen=True)
class SupervisorVisits:
    supervisor: Supervisor
    visits: int
    school_load: int

    @property
    def districts(self) -> list[SupervisoryDistrict]:
        return [a.district for a in getattr(self.supervisor, "current_assignments", [])]


def supervisor_visit_counts(
    *, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[SupervisorVisits]:
    """Every active supervisor with the visits they took part in between
    ``start`` and ``end`` and the schools they are responsible for today.
    Two queries."""
    day = today or timezone.localdate()
    through = Visit.supervisors.through
    rows = (
        Supervisor.objects.filter(active=True)
        .annotate(
            visit_count=_count_subquery(
                through.objects.filter(supervisor=OuterRef("pk"), visit__date__gte=start, visit__date__lte=end),
                "supervisor",
            ),
            school_load=_school_load(day),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=SupervisorAssignment.objects.active_on(day).select_related("district"),
                to_attr="current_assignments",
            )
        )
        .order_by("-visit_count", "name")
    )
    return [SupervisorVisits(supervisor=s, visits=s.visit_count, school_load=s.school_load) for s in rows]
