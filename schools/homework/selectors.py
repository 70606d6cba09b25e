"""Reading homework records: a school's week, a class-day, the public week,
and the compliance report of a school, a district or the whole bureau.

Compliance is decided by the database: every figure here comes from
COUNT(... FILTER over-cap) and SUM, grouped in SQL. The report's totals,
grades, weeks, months, districts and schools read the summaries
(:class:`~schools.homework.models.HomeworkSummary`, one row per school, grade
and week-within-a-month fragment) for the fragments the period covers whole,
and the raw class-days only for the fragments it covers in part: their days
in the period, or the fragment's summary less its days outside the period,
whichever holds fewer school days (at most two at each end; none at the end
of a period that ends today). The classes over the cap are listed from the
over-cap class-days alone (a partial index), grouped by class before
anything is joined. Each page is a fixed number of
queries whatever the number of classes, days or schools."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, QuerySet, Sum, Value, When, Window
from django.utils import timezone

from jianfu.scoping import districts_visible_to, schools_visible_to
from schools.homework.models import fragment_of, week_start
from schools.homework.rules import GRADE_NAMES, caps_summary, over_cap_q, reason_expression, reason_text, written_cap
from schools.models import (
    HomeworkDay,
    HomeworkItem,
    HomeworkMonthSummary,
    HomeworkPublication,
    HomeworkSummary,
    School,
    SchoolClass,
)
from supervision.models import DistrictMembership, SupervisoryDistrict


def records_editable_by(*, user: Any, school: School) -> bool:
    """Homework, after-school and five-management records are entered by the
    school's own account; supervisors and the bureau read them."""
    return bool(getattr(user, "is_authenticated", False) and user.is_principal and user.school_id == school.pk)


def homework_days_visible_to(*, user: Any) -> QuerySet[HomeworkDay]:
    """Class-days of the schools the user may see (see jianfu.scoping).

    When the scope is every school (the bureau), no filter is added: the
    semi-join with the whole school table excludes nothing, yet at city scale
    it doubles the time of a year's aggregation and stops PostgreSQL from
    answering from the compliance index alone."""
    visible = schools_visible_to(user)
    if not visible.query.has_filters():
        return HomeworkDay.objects.all()
    return HomeworkDay.objects.filter(school__in=visible.values("pk"))


def homework_month_summaries_visible_to(*, user: Any) -> QuerySet[HomeworkMonthSummary]:
    """Month summary rows of the schools the user may see (no filter for
    the bureau)."""
    visible = schools_visible_to(user)
    if not visible.query.has_filters():
        return HomeworkMonthSummary.objects.all()
    return HomeworkMonthSummary.objects.filter(school__in=visible.values("pk"))


def homework_summaries_visible_to(*, user: Any) -> QuerySet[HomeworkSummary]:
    """Summary rows of the schools the user may see (no filter for the
    bureau, as for the class-days)."""
    visible = schools_visible_to(user)
    if not visible.query.has_filters():
        return HomeworkSummary.objects.all()
    return HomeworkSummary.objects.filter(school__in=visible.values("pk"))


@dataclass(frozen=True)
class EdgePlan:
    """How a period is read: the whole fragments of ``covered`` from the
    summaries (none when it is empty: start after end), the class-days of
    the ``plus`` dates (in the period, outside those fragments) from the raw
    rows, and the class-days of the ``minus`` dates (outside the period,
    inside a fragment read whole) from the raw rows, taken away."""

    covered: tuple[datetime.date, datetime.date]
    plus: tuple[datetime.date, ...] = ()
    minus: tuple[datetime.date, ...] = ()


def homework_edge_plan(*, date_from: datetime.date, date_to: datetime.date, today: datetime.date) -> EdgePlan:
    """The cheapest exact reading of [date_from, date_to]: the fragments it
    covers whole from the summaries and, for each fragment it covers in
    part, either its days in the period read raw, or the fragment's summary
    less its days outside the period read raw, whichever holds fewer school
    days (Monday to Friday) up to ``today``. Records are never dated after
    today, so a period that ends today (the report as first opened, the
    semester to date) reads the current week's summary and no raw row at
    its end. Both ways are exact whatever the rows: the choice is only
    about speed. The dates are named one by one, which an index can look up
    (a range excluded would be a filter after reading the whole period)."""
    one = datetime.timedelta(days=1)

    def span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
        return [first + one * n for n in range((last - first).days + 1)]

    def cost(dates: list[datetime.date]) -> int:
        return sum(1 for d in dates if d <= today and d.weekday() < 5)

    first_lo, first_hi = fragment_of(date_from)
    last_lo, last_hi = fragment_of(date_to)
    if first_lo == last_lo:
        if (date_from, date_to) == (first_lo, first_hi):
            return EdgePlan(covered=(date_from, date_to))
        inside = span(date_from, date_to)
        outside = span(first_lo, date_from - one) + span(date_to + one, first_hi)
        if cost(outside) < cost(inside):
            return EdgePlan(covered=(first_lo, first_hi), minus=tuple(outside))
        return EdgePlan(covered=(date_to, date_from), plus=tuple(inside))
    covered_from, covered_to = date_from, date_to
    plus: list[datetime.date] = []
    minus: list[datetime.date] = []
    if date_from != first_lo:
        inside, outside = span(date_from, first_hi), span(first_lo, date_from - one)
        if cost(outside) < cost(inside):
            covered_from, minus = first_lo, minus + outside
        else:
            covered_from, plus = first_hi + one, plus + inside
    if date_to != last_hi:
        inside, outside = span(last_lo, date_to), span(date_to + one, last_hi)
        if cost(outside) < cost(inside):
            covered_to, minus = last_hi, minus + outside
        else:
            covered_to, plus = last_lo - one, plus + inside
    return EdgePlan(covered=(covered_from, covered_to), plus=tuple(plus), minus=tuple(minus))


def _edge_sums(minus: Iterable[datetime.date]) -> dict[str, Any]:
    """:func:`_aggregates` with the class-days of the ``minus`` dates
    counted negatively (an :class:`EdgePlan`'s days taken away)."""
    away = list(minus)
    if not away:
        return _aggregates()
    out = Q(date__in=away)
    return {
        "recorded": Sum(Case(When(out, then=Value(-1)), default=Value(1))),
        "over": Sum(
            Case(When(out & over_cap_q(), then=Value(-1)), When(over_cap_q(), then=Value(1)), default=Value(0))
        ),
        "written": Sum(
            Case(When(out, then=-F("written_minutes")), default=F("written_minutes"), output_field=IntegerField())
        ),
    }


def with_reason(*, days: QuerySet[HomeworkDay]) -> QuerySet[HomeworkDay]:
    return days.annotate(reason=reason_expression())


def homework_day_describe(*, day: HomeworkDay) -> str:
    """Why an annotated day is not compliant ("" when it is)."""
    return reason_text(getattr(day, "reason", ""), grade=day.grade, written_minutes=day.written_minutes)


@dataclass
class WeekRow:
    school_class: SchoolClass
    cells: list[tuple[datetime.date, HomeworkDay | None]]


@dataclass
class WeekGrid:
    monday: datetime.date
    days: list[datetime.date]
    rows: list[WeekRow]
    publication: HomeworkPublication | None
    recorded: int
    over: int

    @property
    def previous(self) -> datetime.date:
        return self.monday - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=7)


def homework_week_grid(*, school: School, monday: datetime.date) -> WeekGrid:
    """Every class of the school against the days of a week, each cell the
    class-day with its totals and reason. Three queries."""
    monday = week_start(monday)
    sunday = monday + datetime.timedelta(days=6)
    days = list(
        with_reason(days=HomeworkDay.objects.filter(school=school, date__range=(monday, sunday)))
        .select_related("school_class")
        .order_by()
    )
    classes = {c.pk: c for c in SchoolClass.objects.filter(school=school, active=True)}
    for d in days:  # a class retired since still shows its records
        classes.setdefault(d.school_class_id, d.school_class)
    dates = [monday + datetime.timedelta(days=i) for i in range(5)]
    dates += sorted({d.date for d in days if d.date.weekday() >= 5})
    by_key = {(d.school_class_id, d.date): d for d in days}
    rows = [
        WeekRow(school_class=c, cells=[(date, by_key.get((c.pk, date))) for date in dates])
        for c in sorted(classes.values(), key=lambda c: (c.grade, c.number))
    ]
    return WeekGrid(
        monday=monday,
        days=dates,
        rows=rows,
        publication=HomeworkPublication.objects.filter(school=school, week_start=monday).first(),
        recorded=len(days),
        over=sum(1 for d in days if getattr(d, "reason", "")),
    )


def homework_day_of(*, school_class: SchoolClass, date: datetime.date) -> HomeworkDay | None:
    """The class-day with its reason and items, or None. Two queries."""
    return (
        with_reason(days=HomeworkDay.objects.filter(school_class=school_class, date=date))
        .prefetch_related(Prefetch("items", queryset=HomeworkItem.objects.order_by("order", "pk")))
        .first()
    )


@dataclass
class PublicClassWeek:
    school_class: SchoolClass
    days: list[HomeworkDay]


def published_weeks(*, school: School, limit: int = 12) -> list[datetime.date]:
    return list(
        HomeworkPublication.objects.filter(school=school)
        .order_by("-week_start")
        .values_list("week_start", flat=True)[:limit]
    )


def homework_public_week(*, school: School, monday: datetime.date) -> list[PublicClassWeek] | None:
    """The published homework of a week by class, or None when the week is
    not published. Only what the school gave: no pupil data exists here.
    Three queries."""
    if not HomeworkPublication.objects.filter(school=school, week_start=monday).exists():
        return None
    days = (
        HomeworkDay.objects.filter(school=school, date__range=(monday, monday + datetime.timedelta(days=6)))
        .select_related("school_class")
        .prefetch_related(Prefetch("items", queryset=HomeworkItem.objects.order_by("order", "pk")))
        .order_by("grade", "school_class__number", "date")
    )
    result: list[PublicClassWeek] = []
    for day in days:
        if not result or result[-1].school_class.pk != day.school_class_id:
            result.append(PublicClassWeek(school_class=day.school_class, days=[]))
        result[-1].days.append(day)
    return result


@dataclass
class Rate:
    """Class-days recorded and over the cap in one group."""

    key: Any
    label: str = ""
    recorded: int = 0
    over: int = 0
    written_sum: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, recorded: int, over: int, written_sum: int) -> None:
        self.recorded += recorded
        self.over += over
        self.written_sum += written_sum

    @property
    def compliant(self) -> int:
        return self.recorded - self.over

    @property
    def rate(self) -> float | None:
        return self.compliant / self.recorded if self.recorded else None

    @property
    def rate_percent(self) -> float | None:
        rate = self.rate
        return None if rate is None else rate * 100

    @property
    def average_written(self) -> float | None:
        return self.written_sum / self.recorded if self.recorded else None


@dataclass
class OverCapClass:
    school_id: int
    school_name: str
    school_class_id: int
    grade: int
    number: int
    days: int
    max_written: int
    last_date: datetime.date

    @property
    def label(self) -> str:
        return SchoolClass(grade=self.grade, number=self.number).label

    @property
    def cap(self) -> int:
        return written_cap(self.grade)


@dataclass
class ComplianceReport:
    date_from: datetime.date
    date_to: datetime.date
    total: Rate
    by_grade: list[Rate]
    by_week: list[Rate]
    by_month: list[Rate]
    by_district: list[Rate]
    worst_schools: list[Rate]
    school_count: int
    over_cap_classes: list[OverCapClass]
    over_cap_class_count: int
    over_cap_days: list[HomeworkDay]
    # Over a long period city-wide, the classes listed are those of
    # ``worst_schools`` only (see ``homework_compliance``), and figures by
    # week are left out (``by_week`` empty), figures by month stand.
    classes_of_listed_schools: bool = False
    weekly: bool = True

    @property
    def caps(self) -> list[tuple[str, int]]:
        return caps_summary()


def _rollup(groups: Iterable[dict[str, Any]], key: Any) -> list[Rate]:
    rates: dict[Any, Rate] = {}
    for g in groups:
        k = key(g)
        rates.setdefault(k, Rate(key=k)).add(g["recorded"], g["over"], g["written"] or 0)
    # A group whose days were all taken away again (an EdgePlan's minus
    # dates) adds up to nothing: it is not in the period.
    return [rates[k] for k in sorted(rates) if rates[k].recorded]


def _aggregates() -> dict[str, Any]:
    # Count rows by columns of the compliance index (COUNT(*), and COUNT of the
    # never-null grade where a filter is needed), not by the id: naming the id
    # would send PostgreSQL to the table instead of the index alone.
    return {
        "recorded": Count("*"),
        "over": Count("grade", filter=over_cap_q()),
        "written": Sum("written_minutes"),
    }


def _summary_sums() -> dict[str, Any]:
    # The summaries' counterpart of _aggregates(): the same three figures,
    # summed from rows that already hold them.
    return {"recorded": Sum("recorded"), "over": Sum("over"), "written": Sum("written_sum")}


def whole_months(*, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The part of [start, end] made of whole calendar months. Empty (start
    after end) when it holds none."""
    one = datetime.timedelta(days=1)
    first = start if start.day == 1 else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = end if (end + one).day == 1 else end.replace(day=1) - one
    return first, last


@dataclass
class _Sources:
    """Where a period's figures come from. ``fragments`` cover the whole
    covered range (for figures by week); figures without weeks read its whole
    months from ``months`` and only the rest of it from ``month_fragments``;
    ``edges`` are the class-days of the plan's dates, summed with
    ``edge_sums`` (the days taken away counted negatively)."""

    days: QuerySet[HomeworkDay]
    fragments: QuerySet[HomeworkSummary]
    months: QuerySet[HomeworkMonthSummary]
    month_fragments: QuerySet[HomeworkSummary]
    edges: QuerySet[HomeworkDay]
    edge_sums: dict[str, Any]

    def groups_by(self, field: str) -> list[dict[str, Any]]:
        """Recorded, over and written sums by ``field`` ("school" or
        "grade") over the period, without weeks: three queries at most
        (none for what the plan does not read)."""
        sums = _summary_sums()
        groups = list(self.months.values(field).annotate(**sums).order_by())
        groups += list(self.month_fragments.values(field).annotate(**sums).order_by())
        groups += list(self.edges.values(field).annotate(**self.edge_sums).order_by())
        return groups


def _sources(
    *,
    user: Any,
    date_from: datetime.date,
    date_to: datetime.date,
    district: SupervisoryDistrict | None = None,
    school: School | None = None,
    from_summaries: bool = True,
) -> _Sources:
    """The visible class-days of the period, the summaries of the fragments
    and months its plan (:func:`homework_edge_plan`) reads whole, and the
    class-days of the plan's dates."""
    visible = homework_days_visible_to(user=user)
    summaries = homework_summaries_visible_to(user=user)
    months = homework_month_summaries_visible_to(user=user)
    if district is not None:
        members = DistrictMembership.objects.active_on(timezone.localdate()).filter(district=district)
        visible = visible.filter(school__in=members.values("school_id"))
        summaries = summaries.filter(school__in=members.values("school_id"))
        months = months.filter(school__in=members.values("school_id"))
    if school is not None:
        visible = visible.filter(school=school)
        summaries = summaries.filter(school=school)
        months = months.filter(school=school)
    days = visible.filter(date__range=(date_from, date_to))
    if from_summaries:
        plan = homework_edge_plan(date_from=date_from, date_to=date_to, today=timezone.localdate())
        dates = plan.plus + plan.minus
        edges = visible.filter(date__in=dates) if dates else visible.none()
    else:
        # No summary: the raw rows of the period answer alone.
        plan, edges = EdgePlan(covered=(date_to, date_from)), days
    covered_from, covered_to = plan.covered
    # An empty covered range (start after end) selects no summary.
    # first_date <= covered_to follows from the last condition, but bounds
    # the scan of the range index, which would otherwise read every later
    # fragment to the end of the data.
    summaries = summaries.filter(first_date__gte=covered_from, first_date__lte=covered_to, last_date__lte=covered_to)
    # Months never straddle a fragment, so the covered range's whole months
    # and its fragments outside them add up to the covered range.
    month_from, month_to = whole_months(start=covered_from, end=covered_to)
    if month_from <= month_to:
        months = months.filter(month__gte=month_from, month__lte=month_to)
        # On first_date in both arms, so each is a range of the index.
        month_fragments = summaries.filter(Q(first_date__lt=month_from) | Q(first_date__gt=month_to))
    else:
        months, month_fragments = months.none(), summaries
    return _Sources(
        days=days,
        fragments=summaries,
        months=months,
        month_fragments=month_fragments,
        edges=edges,
        edge_sums=_edge_sums(plan.minus),
    )


def homework_rates_by_grade(
    *, user: Any, date_from: datetime.date, date_to: datetime.date, from_summaries: bool = True
) -> list[Rate]:
    """Compliance by grade of the class-days between two dates that the user
    may see, as in :func:`homework_compliance`'s ``by_grade`` but nothing
    else (the dashboard's panel): the whole months' summaries, the other
    fragments' and the few edge days, each grouped by grade (at most three
    queries)."""
    sources = _sources(user=user, date_from=date_from, date_to=date_to, from_summaries=from_summaries)
    return _grade_rates(sources.groups_by("grade"))


def _grade_rates(groups: Iterable[dict[str, Any]]) -> list[Rate]:
    by_grade = _rollup(groups, lambda g: g["grade"])
    for rate in by_grade:
        rate.label = str(GRADE_NAMES.get(rate.key, rate.key))
        rate.extra["cap"] = written_cap(rate.key)
    return by_grade


def _over_cap_classes(over_days: QuerySet[HomeworkDay], *, limit: int) -> tuple[list[OverCapClass], int]:
    """The ``limit`` classes with the most class-days over the cap (then the
    highest minutes, school, grade, class number) and how many classes are
    over it at all, in one query, none with ``limit=0``.

    The over-cap class-days are read from their partial index
    (``homework_day_over_cap``: a few per cent of the rows) and grouped by
    class before the join that brings the class numbers and school names:
    joined first, a year's half a million over-cap class-days would each be
    joined and grouped by a name; only the first groups are joined. The
    window counts the groups in the same pass that picks the worst few."""
    if limit <= 0:
        return [], 0
    if connection.vendor != "postgresql":  # SQLite, for development: the plain grouped join
        rows = [
            tuple(r.values())
            for r in over_days.values("school", "school__name", "school_class", "school_class__number", "grade")
            .annotate(n=Count("*"), top=Max("written_minutes"), last=Max("date"), classes=Window(Count("*")))
            .order_by("-n", "-top", "school", "grade", "school_class__number")[:limit]
        ]
        return _over_cap_rows(rows)
    grouped = (
        over_days.values("school_id", "school_class_id", "grade")
        .annotate(n=Count("*"), top=Max("written_minutes"), last=Max("date"), classes=Window(Count("*")))
        .order_by()
    )
    sql, params = grouped.query.get_compiler(using=over_days.db).as_sql()
    quote = connection.ops.quote_name
    # The first ``limit`` groups by every key but the class number, with
    # their ties, hold the first ``limit`` by every key: only they are joined.
    # They are taken as the first ``limit`` (a bounded sort, which keeps a
    # heap of ``limit`` rows) and the groups tied with the last of those:
    # FETCH FIRST ... WITH TIES would sort every group (a calendar month of a
    # city: 43,000, a quarter of the query's time).
    query = (
        f"WITH a (s, c, g, n, top, last, classes) AS MATERIALIZED ({sql}), "  # noqa: S608 - names are ours
        "b AS (SELECT * FROM a ORDER BY n DESC, top DESC, s, g LIMIT %s), "
        "t AS (SELECT * FROM b UNION SELECT a.* FROM a JOIN "
        "(SELECT n, top, s, g FROM b ORDER BY n, top, s DESC, g DESC LIMIT 1) AS e "
        "ON a.n = e.n AND a.top IS NOT DISTINCT FROM e.top AND a.s = e.s AND a.g = e.g) "
        "SELECT t.s, school.name, t.c, cls.number, t.g, t.n, t.top, t.last, t.classes FROM t "
        f"JOIN {quote(School._meta.db_table)} AS school ON school.id = t.s "
        f"JOIN {quote(SchoolClass._meta.db_table)} AS cls ON cls.id = t.c "
        "ORDER BY t.n DESC, t.top DESC, t.s, t.g, cls.number LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, limit, limit))
        return _over_cap_rows(cursor.fetchall())


def _over_cap_rows(rows: list[tuple[Any, ...]]) -> tuple[list[OverCapClass], int]:
    classes = [
        OverCapClass(
            school_id=s,
            school_name=name,
            school_class_id=c,
            grade=g,
            number=number,
            days=n,
            max_written=top,
            last_date=last,
        )
        for s, name, c, number, g, n, top, last, _count in rows
    ]
    return classes, rows[0][-1] if rows else 0


# Longer periods than these read the month summaries instead of the weekly
# ones and list the classes over the cap of the listed schools only, unless
# the report is of one district or one school: a year of a city's weeks
# (half a million summary rows) or of its over-cap class-days (half a
# million rows of the partial index, grouped by class) cannot be read in the
# time of a page, and a year's trend reads by month.
WEEKLY_FIGURES_MAX_DAYS = 92
CITY_CLASS_LIST_MAX_DAYS = 62


def homework_compliance(
    *,
    user: Any,
    date_from: datetime.date,
    date_to: datetime.date,
    district: SupervisoryDistrict | None = None,
    school: School | None = None,
    school_limit: int = 20,
    class_limit: int = 100,
    day_limit: int = 50,
    from_summaries: bool = True,
) -> ComplianceReport:
    """Compliance of the class-days between two dates (inclusive) that the
    user may see, optionally of one district or one school (the caller has
    checked that the user may see it). Eight queries: one fewer when what
    it reads from the summaries holds no whole calendar month, one fewer
    when its plan (:func:`homework_edge_plan`) names no raw day; one more
    with a school; with
    ``class_limit=0`` the classes over the cap are neither listed nor
    counted (one fewer). ``from_summaries=False`` computes everything from
    the raw class-days (the benchmark and the tests compare the two).

    Over more than ``WEEKLY_FIGURES_MAX_DAYS`` the figures by week are left
    out and the rest read the month summaries; over more than
    ``CITY_CLASS_LIST_MAX_DAYS`` without a district or a school, the classes
    over the cap are those of the ``school_limit`` schools listed, counted
    among them.

    Other features (visits, semester notices) call this for a school's or a
    district's figures."""
    sources = _sources(
        user=user, date_from=date_from, date_to=date_to, district=district, school=school, from_summaries=from_summaries
    )
    days, summaries, edges = sources.days, sources.fragments, sources.edges
    span = (date_to - date_from).days + 1
    weekly = span <= WEEKLY_FIGURES_MAX_DAYS
    sums = _summary_sums()

    if weekly:
        groups = [
            {"grade": g["grade"], "week": g["week_start"], "month": g["month"], **g}
            for g in summaries.values("grade", "week_start", "month").annotate(**sums).order_by()
        ]
    else:
        groups = list(sources.months.values("grade", "month").annotate(**sums).order_by())
        groups += list(sources.month_fragments.values("grade", "month").annotate(**sums).order_by())
    groups += [
        {"grade": g["grade"], "week": week_start(g["date"]), "month": g["date"].replace(day=1), **g}
        for g in edges.values("grade", "date").annotate(**sources.edge_sums).order_by()
    ]
    total = Rate(key=None)
    for g in groups:
        total.add(g["recorded"], g["over"], g["written"] or 0)
    by_grade = _grade_rates(groups)
    by_week = _rollup(groups, lambda g: g["week"]) if weekly else []
    by_month = _rollup(groups, lambda g: g["month"])

    by_school: dict[int, Rate] = {}
    for g in sources.groups_by("school"):
        by_school.setdefault(g["school"], Rate(key=g["school"])).add(g["recorded"], g["over"], g["written"] or 0)
    # (a school whose days were all taken away again is not in the period)
    by_school = {key: rate for key, rate in by_school.items() if rate.recorded}
    # Worst first: the lowest rate, then the most class-days over the cap.
    worst = sorted(by_school.values(), key=lambda r: (r.rate or 0, -r.over, r.key))[:school_limit]
    names = dict(School.objects.filter(pk__in=[r.key for r in worst]).values_list("pk", "name"))
    for rate in worst:
        rate.label = names.get(rate.key, "")

    memberships = DistrictMembership.objects.active_on(timezone.localdate()).filter(
        district__in=districts_visible_to(user).values("pk")
    )
    districts: dict[int, Rate] = {}
    for school_id, district_id, name, number in memberships.values_list(
        "school_id", "district_id", "district__name", "district__number"
    ):
        if school_id in by_school:
            s = by_school[school_id]
            districts.setdefault(district_id, Rate(key=number, label=name)).add(s.recorded, s.over, s.written_sum)
    by_district = sorted(districts.values(), key=lambda r: r.key)

    over_days = days.filter(over_cap_q())
    of_listed = district is None and school is None and span > CITY_CLASS_LIST_MAX_DAYS
    if of_listed:
        over_days = over_days.filter(school__in=[rate.key for rate in worst])
    over_cap_classes, over_cap_class_count = (
        _over_cap_classes(over_days, limit=class_limit) if worst or not of_listed else ([], 0)
    )
    over_cap_days: list[HomeworkDay] = []
    if school is not None:
        over_cap_days = list(
            with_reason(days=over_days).select_related("school_class").order_by("-date", "grade")[:day_limit]
        )

    return ComplianceReport(
        date_from=date_from,
        date_to=date_to,
        total=total,
        by_grade=by_grade,
        by_week=by_week,
        by_month=by_month,
        by_district=by_district,
        worst_schools=worst,
        school_count=len(by_school),
        over_cap_classes=over_cap_classes,
        over_cap_class_count=over_cap_class_count,
        over_cap_days=over_cap_days,
        classes_of_listed_schools=of_listed,
        weekly=weekly,
    )


def default_period(*, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The current semester up to today, or the last four weeks without one."""
    from schools.models import Semester

    today = today or timezone.localdate()
    semester = Semester.objects.current(today)
    if semester is not None:
        return semester.start_date, min(semester.end_date, today)
    return today - datetime.timedelta(days=27), today


def homework_counts_by_school(
    *, school_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date
) -> dict[int, tuple[int, int]]:
    """(class-days recorded, over the cap) of each given school with records
    between two dates (inclusive): the summaries and raw class-days of the
    period's plan (:func:`homework_edge_plan`), as the compliance report
    counts them. Two queries at most whatever the period, so
    a semester's scores read a few dozen summary rows per school instead of
    thousands of class-days."""
    ids = list(school_ids)
    plan = homework_edge_plan(date_from=date_from, date_to=date_to, today=timezone.localdate())
    covered_from, covered_to = plan.covered
    counts: dict[int, tuple[int, int]] = {}
    summaries = (
        HomeworkSummary.objects.filter(school_id__in=ids, first_date__gte=covered_from, last_date__lte=covered_to)
        .values("school_id")
        .annotate(recorded=Sum("recorded"), over=Sum("over"))
        .order_by()
    )
    sums = _edge_sums(plan.minus)
    dates = plan.plus + plan.minus
    edges = (
        (HomeworkDay.objects.filter(school_id__in=ids, date__in=dates) if dates else HomeworkDay.objects.none())
        .values("school_id")
        .annotate(recorded=sums["recorded"], over=sums["over"])
        .order_by()
    )
    for query in (summaries, edges):
        for row in query:
            recorded, over = counts.get(row["school_id"], (0, 0))
            counts[row["school_id"]] = (recorded + row["recorded"], over + row["over"])
    # (a school whose days were all taken away again has none in the period)
    return {school_id: pair for school_id, pair in counts.items() if pair[0]}
