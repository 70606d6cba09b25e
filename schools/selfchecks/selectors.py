"""Reads about self-checks: rounds with their completeness and timeliness,
each school's state in a round, one self-check's answers, and the schools'
latest self-assessments per item (for the cross-check against visits). Each
is a fixed number of queries whatever the number of schools and items.

Completeness and timeliness are DHIS2's reporting rates: of the schools
expected to report in a round, the share that reported, and the share that
reported on time (first submitted on or before the closing day)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from jianfu.scoping import schools_visible_to
from schools.models import (
    RoundState,
    School,
    SelfCheck,
    SelfCheckEvent,
    SelfCheckItemResult,
    SelfCheckRound,
    SelfCheckStatus,
)
from schools.selfchecks.models import Timing, selfcheck_on_time_q, selfcheck_timing_of
from supervision.models import SupervisionItem


def selfcheck_timing(
    *, round: SelfCheckRound, selfcheck: SelfCheck | None, today: datetime.date | None = None
) -> Timing:
    """A school's timing in a round (:func:`selfcheck_timing_of` is the rule)."""
    return selfcheck_timing_of(
        first_submitted_on=selfcheck.first_submitted_on if selfcheck is not None else None,
        closes_on=round.closes_on,
        today=today or timezone.localdate(),
    )


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """A correlated COUNT(*) subquery (0 when nothing matches)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def _with_rates(rounds: QuerySet[SelfCheckRound]) -> QuerySet[SelfCheckRound]:
    through = SelfCheckRound.schools.through
    # Only self-checks of schools still in the round count, so that removing
    # a school from a round never makes more reports than expected.
    in_round = SelfCheck.objects.filter(round=OuterRef("pk"), school__selfcheck_rounds=OuterRef("pk"))
    reported = in_round.filter(first_submitted_on__isnull=False)
    return rounds.annotate(
        expected=_count(through.objects.filter(selfcheckround=OuterRef("pk")), "selfcheckround"),
        reported=_count(reported, "round"),
        on_time=_count(in_round.filter(selfcheck_on_time_q(OuterRef("closes_on"))), "round"),
        awaiting_review=_count(in_round.filter(status=SelfCheckStatus.SUBMITTED), "round"),
        returned=_count(in_round.filter(status=SelfCheckStatus.RETURNED), "round"),
        accepted=_count(in_round.filter(status=SelfCheckStatus.ACCEPTED), "round"),
    )


@dataclass(frozen=True)
class RoundRates:
    round: SelfCheckRound
    expected: int
    reported: int
    on_time: int
    awaiting_review: int
    returned: int
    accepted: int
    today: datetime.date

    @property
    def late(self) -> int:
        return self.reported - self.on_time

    @property
    def not_reported(self) -> int:
        return self.expected - self.reported

    @property
    def missing(self) -> int:
        """Schools that did not report by the deadline (0 while still open)."""
        return self.not_reported if self.state == RoundState.CLOSED else 0

    @property
    def completeness(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None

    @property
    def state(self) -> RoundState:
        return self.round.state(self.today)


def _rates(round: Any, today: datetime.date) -> RoundRates:
    return RoundRates(
        round=round,
        expected=round.expected,
        reported=round.reported,
        on_time=round.on_time,
        awaiting_review=round.awaiting_review,
        returned=round.returned,
        accepted=round.accepted,
        today=today,
    )


def selfcheck_rounds_with_rates(*, today: datetime.date | None = None) -> list[RoundRates]:
    """Every round, newest first, with its counts and rates. One query."""
    day = today or timezone.localdate()
    rounds = _with_rates(SelfCheckRound.objects.select_related("semester__school_year")).order_by("-opens_on", "-pk")
    return [_rates(r, day) for r in rounds]


def selfcheck_round_rates(*, round: SelfCheckRound, today: datetime.date | None = None) -> RoundRates:
    day = today or timezone.localdate()
    annotated = _with_rates(SelfCheckRound.objects.filter(pk=round.pk)).get()
    return _rates(annotated, day)


@dataclass(frozen=True)
class RoundRow:
    school: School
    selfcheck: SelfCheck | None
    timing: Timing

    @property
    def status(self) -> str:
        return self.selfcheck.status if self.selfcheck else "not_started"


def selfcheck_round_rows(*, round: SelfCheckRound, user: Any, today: datetime.date | None = None) -> list[RoundRow]:
    """Each school of the round the user may see, with its self-check and
    timing. Two queries."""
    day = today or timezone.localdate()
    schools = (
        schools_visible_to(user)
        .filter(selfcheck_rounds=round)
        .prefetch_related(
            Prefetch(
                "selfchecks",
                queryset=SelfCheck.objects.filter(round=round).select_related("submitted_by"),
                to_attr="round_selfchecks",
            )
        )
        .order_by("code")
    )
    rows = []
    for school in schools:
        selfcheck = school.round_selfchecks[0] if school.round_selfchecks else None
        rows.append(
            RoundRow(
                school=school, selfcheck=selfcheck, timing=selfcheck_timing(round=round, selfcheck=selfcheck, today=day)
            )
        )
    return rows


@dataclass(frozen=True)
class SchoolRoundRow:
    round: SelfCheckRound
    selfcheck: SelfCheck | None
    timing: Timing
    state: RoundState


def selfcheck_rounds_of_school(*, school: School, today: datetime.date | None = None) -> list[SchoolRoundRow]:
    """The rounds a school must report in, newest first, with its self-check
    in each. Two queries."""
    day = today or timezone.localdate()
    rounds = (
        SelfCheckRound.objects.filter(schools=school)
        .select_related("semester__school_year")
        .prefetch_related(
            Prefetch("selfchecks", queryset=SelfCheck.objects.filter(school=school), to_attr="school_selfchecks")
        )
        .order_by("-opens_on", "-pk")
    )
    rows = []
    for r in rounds:
        selfcheck = r.school_selfchecks[0] if r.school_selfchecks else None
        rows.append(
            SchoolRoundRow(
                round=r,
                selfcheck=selfcheck,
                timing=selfcheck_timing(round=r, selfcheck=selfcheck, today=day),
                state=r.state(day),
            )
        )
    return rows


@dataclass
class ItemRow:
    item: SupervisionItem
    result: SelfCheckItemResult | None
    in_round: bool = True
    form: Any = None  # the school's form for the item, while it may edit

    @property
    def code(self) -> str:
        return self.result.item_code if self.result else self.item.code

    @property
    def title(self) -> str:
        return self.result.item_title if self.result else self.item.title

    @property
    def evidence(self) -> list[Any]:
        return list(self.result.evidence.all()) if self.result else []


def selfcheck_item_rows(*, round: SelfCheckRound, selfcheck: SelfCheck | None) -> list[ItemRow]:
    """One row per item of the round, with the school's answer and evidence;
    answers to items since removed from the round follow. Three queries."""
    items = list(round.items.order_by("order", "code"))
    results: dict[int, SelfCheckItemResult] = {}
    if selfcheck is not None:
        results = {
            r.item_id: r
            for r in SelfCheckItemResult.objects.filter(selfcheck=selfcheck)
            .select_related("item")
            .prefetch_related("evidence")
        }
    rows = [ItemRow(item=item, result=results.pop(item.pk, None)) for item in items]
    rows += [
        ItemRow(item=r.item, result=r, in_round=False) for r in sorted(results.values(), key=lambda r: r.item_code)
    ]
    return rows


def selfcheck_events(*, selfcheck: SelfCheck) -> list[SelfCheckEvent]:
    return list(selfcheck.events.select_related("by").order_by("at", "pk"))


@dataclass(frozen=True)
class SelfAssessment:
    result: str
    submitted_at: datetime.datetime
    selfcheck_id: int
    status: str
    round_id: int | None = None
    round_title: str = ""


# A self-check whose answers stand: submitted (awaiting review) or accepted.
# A returned one is being revised and a draft was never submitted.
STANDING_STATUSES = (SelfCheckStatus.SUBMITTED, SelfCheckStatus.ACCEPTED)


def selfcheck_latest_results(
    *,
    schools: Iterable[School] | QuerySet[School],
    on: datetime.date | None = None,
    since: datetime.date | None = None,
    round: SelfCheckRound | None = None,
) -> dict[tuple[int, int], SelfAssessment]:
    """Per ``(school_id, item_id)``, the school's own result in its latest
    standing self-check that rated the item (by the round's closing day, then
    the submission time), submitted by the end of ``on``. One query.

    ``since`` leaves out self-checks last submitted before that day (a
    semester's self-checks); ``round`` keeps only that round's self-checks.

    The keys match ``supervision.visits.selectors.latest_visit_results``, so the
    cross-check is a join of the two dictionaries, compared with
    ``ItemResult.rank``."""
    day = on or timezone.localdate()
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    standing = SelfCheckItemResult.objects.filter(
        selfcheck__status__in=STANDING_STATUSES, selfcheck__submitted_at__lt=end
    ).exclude(result="")
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        standing = standing.filter(selfcheck__submitted_at__gte=start)
    if round is not None:
        standing = standing.filter(selfcheck__round=round)
    latest = (
        standing.filter(item=OuterRef("item"), selfcheck__school=OuterRef("selfcheck__school"))
        .order_by("-selfcheck__round__closes_on", "-selfcheck__submitted_at", "-selfcheck_id")
        .values("pk")[:1]
    )
    rows = (
        standing.filter(selfcheck__school__in=schools)
        .annotate(latest=Subquery(latest))
        .filter(pk=F("latest"))
        .values_list(
            "selfcheck__school_id",
            "item_id",
            "result",
            "selfcheck__submitted_at",
            "selfcheck_id",
            "selfcheck__status",
            "selfcheck__round_id",
            "selfcheck__round__title",
        )
    )
    return {
        (school_id, item_id): SelfAssessment(
            result=result,
            submitted_at=at,
            selfcheck_id=sc_id,
            status=status,
            round_id=round_id,
            round_title=round_title,
        )
        for school_id, item_id, result, at, sc_id, status, round_id, round_title in rows
        if at is not None  # always set on a standing self-check
    }


def selfchecks_awaiting_review(*, user: Any) -> QuerySet[SelfCheck]:
    """Submitted self-checks of schools the user may see, waiting for the
    bureau, oldest first."""
    return (
        SelfCheck.objects.filter(status=SelfCheckStatus.SUBMITTED, school__in=schools_visible_to(user))
        .select_related("school", "round")
        .order_by("submitted_at", "pk")
    )
