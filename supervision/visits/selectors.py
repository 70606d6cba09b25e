"""Reads about inspection visits, each a fixed number of queries.

Who sees a visit: bureau staff all; a principal the visits of their school; a
supervisor the visits of the schools they are responsible for today, and the
visits they submitted or took part in (their own past visits stay readable
after a change of district, read-only and as they were on the last day the
supervisor was responsible for the school: without later amendments, nor
the school's demands, answers and evidence)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianfu.scoping import schools_visible_to, supervisor_of, supervisor_responsible_until
from schools.models import School
from supervision.districts.selectors import schools_of_supervisor_now
from supervision.models import (
    ItemResult,
    Rectification,
    RectificationStatus,
    SupervisionItem,
    Visit,
    VisitAmendment,
    VisitItemResult,
    VisitPhoto,
)
from supervision.rectifications.models import rectification_overdue_q
from supervision.visits.models import VisitQuerySet, month_bounds


def visits_visible_to(*, user: Any) -> VisitQuerySet:
    if not getattr(user, "is_authenticated", False):
        return Visit.objects.none()
    if user.is_bureau:
        return Visit.objects.all()
    schools = schools_visible_to(user).values("pk")
    if user.is_supervisor:
        own = Q(submitted_by=user)
        supervisor = supervisor_of(user)
        if supervisor is not None:
            own |= Q(pk__in=Visit.supervisors.through.objects.filter(supervisor=supervisor).values("visit_id"))
        return Visit.objects.filter(Q(school__in=schools) | own)
    return Visit.objects.filter(school__in=schools)


def visit_list(
    *,
    user: Any,
    school_id: int | None = None,
    month: datetime.date | None = None,
) -> QuerySet[Visit]:
    """Visits the user may see, newest first, with school, submitter, the
    supervisors present and counts of non-compliant items, photos, demands
    and amendments. Two queries per page (rows, supervisors) and the count.

    A supervisor's own visits of schools no longer in their scope are
    listed without demands or amendments, as their pages show them
    (:func:`visit_get_visible`): whatever was added since is not theirs to
    read, not even as a count."""
    qs = visits_visible_to(user=user)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if month:
        qs = qs.in_month(month)
    demands: Coalesce | Case = _count_subquery(Rectification.objects.filter(visit=OuterRef("pk")), "visit")
    amendments: Coalesce | Case = _count_subquery(VisitAmendment.objects.filter(visit=OuterRef("pk")), "visit")
    if getattr(user, "is_supervisor", False):
        in_scope = Q(school__in=schools_visible_to(user).values("pk"))
        demands = Case(When(in_scope, then=demands), default=Value(0))
        amendments = Case(When(in_scope, then=amendments), default=Value(0))
    return (
        qs.select_related("school", "submitted_by")
        .prefetch_related("supervisors")
        .annotate(
            non_compliant_count=_count_subquery(
                VisitItemResult.objects.filter(visit=OuterRef("pk"), result=ItemResult.NON_COMPLIANT), "visit"
            ),
            photo_count=_count_subquery(VisitPhoto.objects.filter(visit=OuterRef("pk")), "visit"),
            rectification_count=demands,
            amendment_count=amendments,
        )
        .order_by("-date", "-submitted_at")
    )


def _count_subquery(qs: QuerySet[Any], group: str) -> Coalesce:
    """COUNT(*) of ``qs`` as a correlated subquery: counting through
    subqueries keeps several counts from multiplying each other's joins."""
    counted = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def former_view_until(*, user: Any, visit: Visit) -> datetime.date | None:
    """For a supervisor reading their own visit of a school they are no
    longer responsible for: the last day they were (or the visit's day if
    they never were). None when the user reads the visit in full."""
    if not getattr(user, "is_authenticated", False) or not user.is_supervisor:
        return None
    today = timezone.localdate()
    until = supervisor_responsible_until(user, school_id=visit.school_id, on=today)
    if until == today:
        return None
    return max(until, visit.date) if until else visit.date


def visit_get_visible(*, user: Any, pk: int) -> Visit:
    """One visit with its results, photos, supervisors, demands and
    amendments, or 404 outside the user's scope. A fixed number of queries.

    A former supervisor reading their own visit gets it as it was on their
    last responsible day (``visit.former_until`` is that day): its photos
    (all submitted with the visit), the amendments up to then, and none of
    the school's demands, whose pages are out of their scope now."""
    visit = visits_visible_to(user=user).select_related("school", "submitted_by").filter(pk=pk).first()
    if visit is None:
        raise Http404
    until = former_view_until(user=user, visit=visit)
    demands = Rectification.objects.order_by("pk")
    amendments = VisitAmendment.objects.select_related("by")
    if until is not None:
        demands = demands.none()
        amendments = amendments.filter(at__date__lte=until)
    prefetch_related_objects(
        [visit],
        "supervisors",
        "photos",  # taken by the visit's own supervisors when they submitted it
        Prefetch("results", queryset=VisitItemResult.objects.prefetch_related(Prefetch("rectifications", demands))),
        Prefetch("amendments", queryset=amendments),
        Prefetch("rectifications", queryset=demands),
        Prefetch("checked_rectifications", queryset=demands),
    )
    visit.former_until = until  # type: ignore[attr-defined]
    return visit


def checklist_items() -> list[SupervisionItem]:
    """The active checklist in order, parents before their sub-items. One query."""
    items = list(SupervisionItem.objects.filter(active=True).select_related("parent").order_by("order", "code"))
    return [i for i in items if i.parent is None or i.parent.active]


class MonthState:
    VISITED = "visited"
    DUE = "due"
    OVERDUE = "overdue"

    LABELS = {
        VISITED: _("Visited this month"),
        DUE: _("Due this month"),
        OVERDUE: _("Overdue"),
    }


@dataclass(frozen=True)
class SchoolMonth:
    school: School
    state: str
    last_visit: datetime.date | None
    open_rectifications: int
    overdue_rectifications: int
    answered_rectifications: int

    @property
    def state_label(self) -> str:
        return str(MonthState.LABELS[self.state])

    @property
    def districts(self) -> list[Any]:
        return [m.district for m in getattr(self.school, "current_memberships", [])]


def month_due_passed(*, month: datetime.date, today: datetime.date, due_day: int | None = None) -> bool:
    """Whether the monthly visit of ``month`` is due by now: a past month
    always, the current month only after its due day (VISIT_MONTHLY_DUE_DAY),
    a future month never."""
    day = settings.VISIT_MONTHLY_DUE_DAY if due_day is None else due_day
    first = month.replace(day=1)
    current = today.replace(day=1)
    if first != current:
        return first < current
    return today.day > day


def month_state(
    *, today: datetime.date, visited_this_month: bool, visited_last_month: bool, due_day: int | None = None
) -> str:
    """This month's state of a school (see VISIT_MONTHLY_DUE_DAY): visited
    once it has a visit dated this month; otherwise overdue after the due
    day of the month, or at once if last month had no visit either; due
    before that."""
    if visited_this_month:
        return MonthState.VISITED
    if month_due_passed(month=today, today=today, due_day=due_day) or not visited_last_month:
        return MonthState.OVERDUE
    return MonthState.DUE


def supervisor_school_months(*, user: Any, today: datetime.date | None = None) -> list[SchoolMonth]:
    """Each school the supervisor is responsible for today with this month's
    visit state, the last visit date and its open, overdue and answered
    demands. Two queries whatever the number of schools or visits."""
    day = today or timezone.localdate()
    first, last = month_bounds(day)
    prev_first, prev_last = month_bounds(first - datetime.timedelta(days=1))
    visits = Visit.objects.filter(school=OuterRef("pk"))
    open_demands = Rectification.objects.filter(school=OuterRef("pk")).not_closed()
    schools = schools_of_supervisor_now(user=user, on=day).annotate(
        last_visit=Subquery(visits.filter(date__lte=day).order_by("-date").values("date")[:1]),
        visited_this_month=Exists(visits.filter(date__gte=first, date__lte=last)),
        visited_last_month=Exists(visits.filter(date__gte=prev_first, date__lte=prev_last)),
        open_count=_count_subquery(open_demands, "school"),
        overdue_count=_count_subquery(open_demands.filter(rectification_overdue_q(day)), "school"),
        answered_count=_count_subquery(open_demands.filter(status=RectificationStatus.ANSWERED), "school"),
    )
    return [
        SchoolMonth(
            school=s,
            state=month_state(
                today=day, visited_this_month=s.visited_this_month, visited_last_month=s.visited_last_month
            ),
            last_visit=s.last_visit,
            open_rectifications=s.open_count,
            overdue_rectifications=s.overdue_count,
            answered_rectifications=s.answered_count,
        )
        for s in schools
    ]


def recent_visits_by(*, user: Any, limit: int = 10) -> list[Visit]:
    """The user's latest visits to the schools they are responsible for today
    (a school that has left their district leaves their start page)."""
    return list(
        Visit.objects.filter(submitted_by=user, school__in=schools_visible_to(user).values("pk"))
        .select_related("school")
        .order_by("-date", "-submitted_at")[:limit]
    )


@dataclass(frozen=True)
class LatestResult:
    school_id: int
    item_id: int
    result: str
    date: datetime.date
    visit_id: int

    @property
    def rank(self) -> int | None:
        return ItemResult.rank(self.result)


def latest_visit_results(
    *,
    schools: QuerySet[School] | Iterable[School | int],
    on: datetime.date | None = None,
    include_not_applicable: bool = False,
) -> dict[tuple[int, int], LatestResult]:
    """For each (school id, item id), the result and date of the most recent
    submitted visit (dated on or before ``on``, default today) that rated the
    item. "Not applicable" is not a rating unless ``include_not_applicable``.

    Computed in the database with a window function: one query, whatever the
    number of schools, items or visits. Results reflect amendments."""
    day = on or timezone.localdate()
    if isinstance(schools, QuerySet):
        school_filter = Q(visit__school__in=schools.values("pk"))
    else:
        ids = [s if isinstance(s, int) else s.pk for s in schools]
        school_filter = Q(visit__school_id__in=ids)
    rated = VisitItemResult.objects.filter(school_filter, visit__date__lte=day)
    if not include_not_applicable:
        rated = rated.exclude(result=ItemResult.NOT_APPLICABLE)
    rows = (
        rated.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("visit__school_id"), F("item_id")],
                order_by=[F("visit__date").desc(), F("visit__submitted_at").desc(), F("visit_id").desc()],
            )
        )
        .filter(position=1)
        .values_list("visit__school_id", "item_id", "result", "visit__date", "visit_id")
    )
    return {
        (school_id, item_id): LatestResult(school_id, item_id, result, date, visit_id)
        for school_id, item_id, result, date, visit_id in rows
    }
