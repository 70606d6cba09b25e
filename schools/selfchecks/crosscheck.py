"""The self-check cross-check (reads): for each school and checklist item, the
school's own latest standing self-assessment beside the latest supervisor
visit's result, flagged where the school rated itself better than the
supervisor found. This is where self-checks earn their keep.

Both sides come from the existing selectors, joined on ``(school_id,
item_id)``: :func:`schools.selfchecks.selectors.selfcheck_latest_results` and
:func:`supervision.visits.selectors.latest_visit_results` (its default:
"not applicable" on a visit is no rating, so an earlier real rating stands).
They are compared with :meth:`supervision.models.ItemResult.rank`; "not
applicable" in a self-check is never compared, so never flagged.

Roll-up between an item and its sub-items, when the visits never rated the
item the school assessed itself:

* a sub-item the school assessed (say 4.1) is compared with the latest visit
  result of its parent item (4) -- a finding on the whole area applies to
  each of its parts;
* a parent item the school assessed (4) is compared with the worst of the
  latest visit results of its sub-items (4.1 ... 4.8) -- an area is no better
  than its weakest part; the date and visit shown are those of that worst
  result (the most recent one if several are equally bad).

A direct rating of the item always wins over a roll-up, however old.

Every function here is a fixed number of queries whatever the number of
schools, items, self-checks and visits."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianfu.scoping import schools_visible_to
from schools.models import School, SelfCheckRound, Semester
from schools.selfchecks.selectors import SelfAssessment, selfcheck_latest_results
from supervision.models import DistrictMembership, ItemResult, SupervisionItem, SupervisoryDistrict
from supervision.visits.selectors import LatestResult, latest_visit_results


class Via(TextChoices):
    """Where a row's visit result comes from."""

    ITEM = "item", _("Rated on the item itself")
    PARENT = "parent", _("Rated on its parent item")
    SUB_ITEMS = "sub_items", _("Worst result of its sub-items")


class Comparison(TextChoices):
    HIGHER = "higher", _("Rated itself better than the supervisor found")
    SAME = "same", _("Same as the supervisor found")
    LOWER = "lower", _("Rated itself lower than the supervisor found")
    NONE = "none", _("Nothing to compare")


@dataclass(frozen=True)
class VisitSide:
    result: str
    date: datetime.date
    visit_id: int
    via: str
    item: SupervisionItem  # the item the visit rated (the parent or a sub-item on a roll-up)

    @property
    def rank(self) -> int | None:
        return ItemResult.rank(self.result)

    @property
    def result_label(self) -> str:
        return str(ItemResult(self.result).label)


@dataclass(frozen=True)
class CrossCheckRow:
    item: SupervisionItem
    own: SelfAssessment | None
    visit: VisitSide | None

    @property
    def self_rank(self) -> int | None:
        return ItemResult.rank(self.own.result) if self.own else None

    @property
    def visit_rank(self) -> int | None:
        return self.visit.rank if self.visit else None

    @property
    def comparison(self) -> Comparison:
        mine, theirs = self.self_rank, self.visit_rank
        if mine is None or theirs is None:
            return Comparison.NONE
        if mine > theirs:
            return Comparison.HIGHER
        return Comparison.SAME if mine == theirs else Comparison.LOWER

    @property
    def compared(self) -> bool:
        return self.comparison != Comparison.NONE

    @property
    def flagged(self) -> bool:
        """The school rated itself better than the supervisor found."""
        return self.comparison == Comparison.HIGHER

    @property
    def self_result_label(self) -> str:
        return str(ItemResult(self.own.result).label) if self.own else ""

    @property
    def self_date(self) -> datetime.date | None:
        return timezone.localdate(self.own.submitted_at) if self.own else None


@dataclass
class SchoolCrossCheck:
    school: School
    district: SupervisoryDistrict | None
    rows: list[CrossCheckRow] = field(default_factory=list)

    @property
    def flagged_rows(self) -> list[CrossCheckRow]:
        return [r for r in self.rows if r.flagged]

    @property
    def flagged(self) -> int:
        return len(self.flagged_rows)

    @property
    def compared(self) -> int:
        return sum(1 for r in self.rows if r.compared)

    @property
    def self_assessed(self) -> int:
        return sum(1 for r in self.rows if r.own is not None)

    @property
    def has_gaps(self) -> bool:
        return self.flagged > 0

    @property
    def last_self_date(self) -> datetime.date | None:
        return max((r.self_date for r in self.rows if r.self_date), default=None)

    @property
    def last_visit_date(self) -> datetime.date | None:
        return max((r.visit.date for r in self.rows if r.visit), default=None)


class _Checklist:
    """Every checklist item (retired ones too: old records point at them),
    with parents and sub-items. One query."""

    def __init__(self) -> None:
        self.items = {i.pk: i for i in SupervisionItem.objects.order_by("order", "code")}
        self.children: dict[int, list[int]] = defaultdict(list)
        for item in self.items.values():
            if item.parent_id is not None:
                self.children[item.parent_id].append(item.pk)

    def sort_key(self, item_id: int) -> tuple[int, str]:
        item = self.items[item_id]
        return (item.order, item.code)


def _visit_side(
    school_id: int, item: SupervisionItem, visits: dict[tuple[int, int], LatestResult], checklist: _Checklist
) -> VisitSide | None:
    """The latest visit result for the item at the school, rolled up or down
    when the item itself was never rated (see the module docstring)."""
    direct = visits.get((school_id, item.pk))
    if direct is not None:
        return VisitSide(direct.result, direct.date, direct.visit_id, Via.ITEM, item)
    if item.parent_id is not None:
        parent = visits.get((school_id, item.parent_id))
        if parent is not None:
            return VisitSide(parent.result, parent.date, parent.visit_id, Via.PARENT, checklist.items[item.parent_id])
    rated = [visits[(school_id, c)] for c in checklist.children.get(item.pk, []) if (school_id, c) in visits]
    ranked = [r for r in rated if r.rank is not None]
    if not ranked:
        return None
    worst = min(ranked, key=lambda r: (r.rank, -r.date.toordinal(), -r.visit_id))
    return VisitSide(worst.result, worst.date, worst.visit_id, Via.SUB_ITEMS, checklist.items[worst.item_id])


def _rows_by_school(
    *,
    school_ids: Iterable[int],
    own: dict[tuple[int, int], SelfAssessment],
    visits: dict[tuple[int, int], LatestResult],
    checklist: _Checklist,
    round_item_ids: list[int] | None,
) -> dict[int, list[CrossCheckRow]]:
    """Rows per school: every item of the round when a round is given,
    otherwise every item the school assessed itself."""
    assessed: dict[int, set[int]] = defaultdict(set)
    for school_id, item_id in own:
        assessed[school_id].add(item_id)
    out: dict[int, list[CrossCheckRow]] = {}
    for school_id in school_ids:
        item_ids = round_item_ids if round_item_ids is not None else assessed.get(school_id, set())
        rows = []
        for item_id in sorted(item_ids, key=checklist.sort_key):
            item = checklist.items[item_id]
            rows.append(
                CrossCheckRow(
                    item=item,
                    own=own.get((school_id, item_id)),
                    visit=_visit_side(school_id, item, visits, checklist),
                )
            )
        out[school_id] = rows
    return out


def crosscheck_for_schools(
    *,
    schools: QuerySet[School],
    round: SelfCheckRound | None = None,
    on: datetime.date | None = None,
) -> list[SchoolCrossCheck]:
    """The cross-check of each school of ``schools`` (in code order), with the
    district it belongs to on the day.

    Without a round: each school's latest standing self-assessment of every
    item it ever assessed, submitted by the end of ``on`` (default today).
    With a round: the round's items, and the school's answers in that round
    (an item the school has not answered shows the visit side alone).
    Either way against the latest visit that rated the item, dated on or
    before ``on``, rolled up from sub-items or down from the parent item
    when the item itself was never rated (see the module docstring). Five
    queries (six with a round)."""
    day = on or timezone.localdate()
    school_list = list(
        schools.prefetch_related(
            Prefetch(
                "district_memberships",
                queryset=DistrictMembership.objects.active_on(day).select_related("district"),
                to_attr="crosscheck_memberships",
            )
        ).order_by("code")
    )
    if not school_list:
        return []
    ids = [s.pk for s in school_list]
    checklist = _Checklist()
    round_item_ids = list(round.items.values_list("pk", flat=True)) if round is not None else None
    own = selfcheck_latest_results(schools=schools, on=day, round=round)
    visits = latest_visit_results(schools=schools, on=day)
    rows = _rows_by_school(school_ids=ids, own=own, visits=visits, checklist=checklist, round_item_ids=round_item_ids)
    return [
        SchoolCrossCheck(
            school=s,
            district=s.crosscheck_memberships[0].district if s.crosscheck_memberships else None,
            rows=rows[s.pk],
        )
        for s in school_list
    ]


@dataclass
class CrossCheckOverview:
    schools: list[SchoolCrossCheck]  # after the filters, most gaps first
    total_schools: int  # before the "only schools with gaps" filter

    @property
    def schools_with_gaps(self) -> int:
        return sum(1 for s in self.schools if s.has_gaps)

    @property
    def flagged(self) -> int:
        return sum(s.flagged for s in self.schools)


def crosscheck_overview(
    *,
    user: Any,
    round: SelfCheckRound | None = None,
    district: SupervisoryDistrict | None = None,
    only_gaps: bool = False,
    on: datetime.date | None = None,
) -> CrossCheckOverview:
    """The schools the user may see (bureau staff: all; a supervisor: the
    schools they are responsible for on the day), those of ``round`` and of
    ``district`` (on the day) when given, each with its cross-check; with
    ``only_gaps``, only the schools that rated some item better than the
    supervisor found. Schools with the most such items come first."""
    day = on or timezone.localdate()
    schools = schools_visible_to(user, on=day)
    schools = schools.filter(selfcheck_rounds=round) if round is not None else schools.filter(active=True)
    if district is not None:
        members = DistrictMembership.objects.active_on(day).filter(district=district).values("school_id")
        schools = schools.filter(pk__in=members)
    checks = crosscheck_for_schools(schools=schools, round=round, on=day)
    total = len(checks)
    if only_gaps:
        checks = [c for c in checks if c.has_gaps]
    checks.sort(key=lambda c: (-c.flagged, c.school.code))
    return CrossCheckOverview(schools=checks, total_schools=total)


def crosscheck_of_school(
    *, school: School, round: SelfCheckRound | None = None, on: datetime.date | None = None
) -> SchoolCrossCheck:
    """One school's cross-check. The caller has checked the user may see it."""
    [check] = crosscheck_for_schools(schools=School.objects.filter(pk=school.pk), round=round, on=on)
    return check


def selfcheck_gap_counts(*, semester: Semester, school_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """For the semester scoring: per school id, ``(flagged, compared)``.

    Each school's latest standing self-assessment of each item among the
    self-checks last submitted within the semester's dates, against the
    latest visit result up to the semester's end (rolled up or down as the
    module docstring says). ``compared`` counts the items where both sides
    have a rating ("not applicable" is none); ``flagged`` those where the
    school rated itself better than the supervisor found. A school with no
    such self-check is absent; one whose items were never rated by a visit
    has ``(0, 0)``. Three queries."""
    schools = School.objects.all() if school_ids is None else School.objects.filter(pk__in=list(school_ids))
    own = selfcheck_latest_results(schools=schools, since=semester.start_date, on=semester.end_date)
    if not own:
        return {}
    ids = sorted({school_id for school_id, _item in own})
    visits = latest_visit_results(schools=schools, on=semester.end_date)
    checklist = _Checklist()
    rows = _rows_by_school(school_ids=ids, own=own, visits=visits, checklist=checklist, round_item_ids=None)
    return {
        school_id: (sum(1 for r in school_rows if r.flagged), sum(1 for r in school_rows if r.compared))
        for school_id, school_rows in rows.items()
    }
