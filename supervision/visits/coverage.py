"""Visit coverage for the bureau: per district and calendar month, the share
of its schools visited at least once; the schools not visited in a month;
the visits each supervisor took part in. A fixed number of queries whatever
the number of schools, districts, months or visits.

Finished months are read from the summary (``VisitCoverageMonth``, one row
per district and month), kept in the writer's transaction by
:func:`visit_coverage_refresh` from the visit, membership and school
signals (``supervision/visits/signals.py``); the month still running (whose
reference day is today) is counted from the raw rows in the same single
query that fills any finished month without summary rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from schools.models import School
from supervision.districts.dated import active_on_q
from supervision.models import (
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
    Visit,
    VisitCoverageMonth,
)
from supervision.visits.models import month_bounds
from supervision.visits.selectors import month_due_passed


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

    @property
    def unvisited(self) -> int:
        return self.schools - self.visited


@dataclass
class DistrictCoverage:
    district: SupervisoryDistrict
    cells: list[MonthCell]
    # The schools not visited in the selected month; filled only for the
    # districts asked for (``unvisited_of``).
    unvisited: list[School] = field(default_factory=list)

    def cell(self, month: datetime.date | None) -> MonthCell | None:
        return next((c for c in self.cells if c.month == month), None)


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
        """Schools not visited in the selected month, all districts shown."""
        return next((t.unvisited for t in self.totals if t.month == self.selected_month), 0)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the calendar months from ``start``'s to ``end``'s."""
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def _visited_in(first: datetime.date, last: datetime.date) -> Exists:
    return Exists(Visit.objects.filter(school_id=OuterRef("school_id"), date__gte=first, date__lte=last))


def coverage_overdue_count(*, today: datetime.date) -> int:
    """The schools overdue for their monthly visit today, by the rule the
    supervisors' start page shows (:func:`~supervision.visits.selectors.month_state`):
    not visited this month, and either the month's due day has passed or
    last month had no visit either. Active schools in a district today. One
    query."""
    first, _last = month_bounds(today)
    members = DistrictMembership.objects.filter(active_on_q(today), school__active=True).exclude(
        _visited_in(first, today)
    )
    if not month_due_passed(month=today, today=today):
        previous_first, previous_last = month_bounds(first - datetime.timedelta(days=1))
        members = members.exclude(_visited_in(previous_first, previous_last))
    return members.values("school_id").distinct().count()


def coverage_counts(
    *,
    references: dict[datetime.date, datetime.date],
    district_ids: Collection[int] | None = None,
) -> dict[tuple[int, datetime.date], tuple[int, int]]:
    """From the raw memberships and visits, in one query: for each month
    (first day -> reference day: the day whose membership counts, the
    month's last or today), per district, ``(schools, visited)``. A school
    counts when it is active and a member on the reference day; visited
    when it had a visit in the month up to the reference day."""
    if not references:
        return {}
    range_start = min(references)
    range_end = max(references.values())
    qs = DistrictMembership.objects.filter(start_date__lte=range_end, school__active=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=range_start)
    )
    if district_ids is not None:
        qs = qs.filter(district_id__in=list(district_ids))
    aggregates: dict[str, Any] = {}
    for i, (month, reference) in enumerate(sorted(references.items())):
        member = active_on_q(reference)
        aggregates[f"s{i}"] = Count("pk", filter=member)
        aggregates[f"v{i}"] = Count("pk", filter=member & Q(_visited_in(month, reference)))
    counts: dict[tuple[int, datetime.date], tuple[int, int]] = {}
    for row in qs.order_by().values("district_id").annotate(**aggregates):
        for i, month in enumerate(sorted(references)):
            if row[f"s{i}"]:
                counts[(row["district_id"], month)] = (row[f"s{i}"], row[f"v{i}"])
    return counts


def visit_coverage_refresh(*, months: Iterable[datetime.date]) -> None:
    """Recompute the summary rows of ``months`` (every district) from the
    raw rows, the school counted as a member on each month's last day.
    Call inside the writer's transaction: the district rows are locked
    first, so two writers of one month take turns and the second counts
    what the first committed."""
    wanted = sorted({m.replace(day=1) for m in months})
    if not wanted:
        return
    with transaction.atomic():
        # NO KEY UPDATE: a membership or assignment being inserted (a KEY
        # SHARE lock on its district) neither waits for this nor deadlocks.
        list(SupervisoryDistrict.objects.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        counts: dict[tuple[int, datetime.date], tuple[int, int]] = {}
        # A year at a time keeps the one query's columns bounded.
        for i in range(0, len(wanted), 12):
            counts.update(coverage_counts(references={m: month_bounds(m)[1] for m in wanted[i : i + 12]}))
        VisitCoverageMonth.objects.filter(month__in=wanted).delete()
        VisitCoverageMonth.objects.bulk_create(
            [
                VisitCoverageMonth(district_id=district_id, month=month, schools=schools, visited=visited)
                for (district_id, month), (schools, visited) in sorted(counts.items())
            ],
            batch_size=2000,
        )


def visit_coverage_rebuild() -> int:
    """Rebuild the whole summary from the raw rows: every month from the
    first membership or visit to the current one. Returns the rows written."""
    today = timezone.localdate()
    firsts = [
        d
        for d in (
            DistrictMembership.objects.order_by("start_date").values_list("start_date", flat=True).first(),
            Visit.objects.order_by("date").values_list("date", flat=True).first(),
        )
        if d is not None
    ]
    with transaction.atomic():
        VisitCoverageMonth.objects.all().delete()
        if not firsts:
            return 0
        visit_coverage_refresh(months=months_between(min(firsts), max(today, min(firsts))))
        return VisitCoverageMonth.objects.count()


def coverage_by_district(
    *,
    start: datetime.date,
    end: datetime.date,
    selected_month: datetime.date | None = None,
    today: datetime.date | None = None,
    district_ids: Collection[int] | None = None,
    unvisited_of: Collection[int] | None = None,
) -> Coverage:
    """Coverage for the calendar months overlapping ``start``..``end`` (not
    beyond today), of the districts ``district_ids`` (default: all). A
    school counts for the district it belonged to on the month's last day
    (today for the current month). ``selected_month`` (default: the latest
    month) gets the list of schools not visited, for the districts in
    ``unvisited_of`` (default: every district shown; pass ``()`` for none).
    At most four queries."""
    day = today or timezone.localdate()
    last_day = min(end, day)
    months = months_between(start, last_day) if start <= last_day else []
    if selected_month is not None:
        selected_month = selected_month.replace(day=1)
    if selected_month not in months:
        selected_month = months[-1] if months else None
    if not months:
        return Coverage(start, end, [], None, [], [])

    districts_qs = SupervisoryDistrict.objects.order_by("number")
    if district_ids is not None:
        districts_qs = districts_qs.filter(pk__in=list(district_ids))
    districts = list(districts_qs)
    shown = {d.pk for d in districts}
    finished = [m for m in months if month_bounds(m)[1] < day]
    stored = VisitCoverageMonth.objects.filter(month__in=finished)
    if district_ids is not None:
        stored = stored.filter(district_id__in=shown)
    counts: dict[tuple[int, datetime.date], tuple[int, int]] = {
        (district_id, month): (schools, visited)
        for district_id, month, schools, visited in stored.values_list("district_id", "month", "schools", "visited")
    }
    # A finished month without any summary row for any district had nothing
    # to summarise when it was written (or predates the summary): count it
    # with the running month, in the same query.
    summarised = {month for _district, month in counts}
    live = {m: min(month_bounds(m)[1], day) for m in months if m not in summarised}
    if district_ids is None and live:
        counts.update(coverage_counts(references=live))
    elif live:
        counts.update(coverage_counts(references=live, district_ids=shown))

    totals = {m: MonthCell(m, due=month_due_passed(month=m, today=day)) for m in months}
    rows = []
    for district in districts:
        cells = []
        for month in months:
            schools, visited = counts.get((district.pk, month), (0, 0))
            cells.append(MonthCell(month, schools, visited, due=totals[month].due))
            totals[month].schools += schools
            totals[month].visited += visited
        if any(c.schools for c in cells):
            rows.append(DistrictCoverage(district=district, cells=cells))

    wanted = shown if unvisited_of is None else set(unvisited_of) & shown
    if wanted and selected_month is not None:
        by_district: dict[int, list[School]] = defaultdict(list)
        for district_id, school in coverage_unvisited(month=selected_month, today=day, district_ids=wanted):
            by_district[district_id].append(school)
        for row in rows:
            row.unvisited = by_district.get(row.district.pk, [])
    return Coverage(start, end, months, selected_month, rows, [totals[m] for m in months])


def coverage_unvisited(
    *, month: datetime.date, today: datetime.date, district_ids: Collection[int]
) -> list[tuple[int, School]]:
    """``(district id, school)`` for each active school of ``district_ids``
    on ``month``'s reference day (its last day, today for the current month)
    without a visit that month, ordered by code. One query."""
    first, last = month_bounds(month)
    reference = min(last, today)
    members = (
        DistrictMembership.objects.filter(active_on_q(reference), school__active=True)
        .filter(district_id__in=list(district_ids))
        .exclude(_visited_in(first, reference))
        .select_related("school")
        .order_by("school__code")
    )
    return [(m.district_id, m.school) for m in members]


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
    ``start`` and ``end`` and the schools they are responsible for today,
    most visits first. Three queries."""
    day = today or timezone.localdate()
    # One grouped pass over the period's visits: as a correlated count per
    # supervisor PostgreSQL read every visit of the period once per
    # supervisor (0.7 s at 3,000 schools).
    through = Visit.supervisors.through
    visits = dict(
        through.objects.filter(visit__date__gte=start, visit__date__lte=end)
        .order_by()
        .values("supervisor_id")
        .annotate(n=Count("pk"))
        .values_list("supervisor_id", "n")
    )
    supervisors = (
        Supervisor.objects.filter(active=True)
        .annotate(
            # A correlated count rather than a join grouped by supervisor,
            # which set off PostgreSQL's JIT compiler at city scale.
            school_load=Coalesce(
                Subquery(
                    DistrictMembership.objects.filter(
                        active_on_q(day),
                        district__in=SupervisorAssignment.objects.filter(
                            active_on_q(day), supervisor=OuterRef(OuterRef("pk"))
                        ).values("district_id"),
                    )
                    .order_by()
                    .values(grouped=Value(1))
                    .annotate(n=Count("school_id", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=SupervisorAssignment.objects.active_on(day).select_related("district"),
                to_attr="current_assignments",
            )
        )
    )
    rows = [SupervisorVisits(supervisor=s, visits=visits.get(s.pk, 0), school_load=s.school_load) for s in supervisors]
    rows.sort(key=lambda r: (-r.visits, r.supervisor.name, r.supervisor.pk))
    return rows
