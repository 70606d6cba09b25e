"""Reads about score runs: which runs a user may see, which run a page or a
report shows, how a draft differs from the last published run, and which
archived notices concern a user's schools."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet

from jianfu.scoping import schools_visible_to
from reports.models import PublishedNotice, RunStatus, SchoolScore, ScoreRun
from schools.models import Semester


def score_run_latest(*, semester: Semester, published: bool = False) -> ScoreRun | None:
    """The semester's most recent stored run (published only if asked), or None."""
    qs = ScoreRun.objects.filter(scheme__semester=semester)
    if published:
        qs = qs.filter(status=RunStatus.PUBLISHED)
    return qs.order_by("-computed_at", "-pk").first()


def score_runs_visible_to(*, user: Any) -> QuerySet[ScoreRun]:
    """Bureau staff see every run, drafts included; principals and
    supervisors only published ones."""
    if not getattr(user, "is_authenticated", False):
        return ScoreRun.objects.none()
    if user.is_bureau:
        return ScoreRun.objects.all()
    return ScoreRun.objects.filter(status=RunStatus.PUBLISHED)


def score_run_for_page(*, user: Any, semester: Semester, run_id: Any = None) -> ScoreRun | None:
    """The run a scores page shows: the one asked for if the user may see
    it, else the semester's latest the user may see (bureau: drafts too)."""
    qs = score_runs_visible_to(user=user).filter(scheme__semester=semester).select_related("scheme__semester")
    if run_id:
        chosen = qs.filter(pk=run_id).first() if str(run_id).isdigit() else None
        if chosen is not None:
            return chosen
    return qs.order_by("-computed_at", "-pk").first()


def score_runs_of_semester(*, semester: Semester) -> QuerySet[ScoreRun]:
    return ScoreRun.objects.filter(scheme__semester=semester).order_by("-computed_at", "-pk")


def scores_visible_in_run(*, run: ScoreRun, user: Any) -> QuerySet[SchoolScore]:
    """The run's scores of the schools ``user`` may see now (bureau: all,
    without a semi-join that would exclude nothing)."""
    if getattr(user, "is_bureau", False):
        return run.scores.all()
    return run.scores.filter(school__in=schools_visible_to(user).values("pk"))


def score_district_summaries(*, scores: QuerySet[SchoolScore]) -> list[dict[str, Any]]:
    """One row per district of ``scores``, computed by the database: schools,
    schools assessed, average, best and lowest score, vetoed schools. One
    query."""
    return list(
        scores.order_by()
        .values("district_name")
        .annotate(
            schools=Count("pk"),
            assessed=Count("score"),
            average=Avg("score"),
            best=Max("score"),
            lowest=Min("score"),
            vetoed=Count("pk", filter=Q(vetoed=True)),
            pending=Count("pk", filter=~Q(pending_veto="")),
        )
    )


# The columns a list of scores shows; the breakdown (a JSON document per
# school) is left in the database.
SCORE_LIST_FIELDS = (
    "id",
    "run_id",
    "school_id",
    "school__name",
    "school__school_type",
    "score",
    "rank",
    "rank_in_type",
    "rank_in_district",
    "district_name",
    "vetoed",
    "pending_veto",
)


def score_rows_for_list(*, scores: QuerySet[SchoolScore]) -> QuerySet[SchoolScore]:
    return scores.select_related("school").only(*SCORE_LIST_FIELDS)


def score_rank_order(*, field: str = "rank") -> tuple[Any, ...]:
    """Best rank first, the schools without a rank (without a score) last on
    every database (SQLite sorts NULL first), then by school code."""
    return (F(field).asc(nulls_last=True), "school__code")


def scores_of_run(*, run: ScoreRun) -> QuerySet[SchoolScore]:
    return run.scores.order_by(*score_rank_order())


@dataclass
class Move:
    """One school's change between the last published run and a draft."""

    school: Any
    before: SchoolScore | None
    after: SchoolScore
    rank_change: int | None  # positive: moved up
    reasons: list[str]


def score_run_compare(*, draft: ScoreRun, published: ScoreRun) -> list[Move]:
    """Who moved between the published run and the draft, and why: the
    indicators whose points changed and the vetoes that came or went. Two
    queries."""
    before = {s.school_id: s for s in published.scores.all()}
    moves = []
    for after in draft.scores.select_related("school").order_by(*score_rank_order()):
        old = before.get(after.school_id)
        reasons: list[str] = []
        if old is None:
            moves.append(Move(after.school, None, after, None, reasons))
            continue
        points_before = {b["indicator"]: b for b in old.breakdown}
        for b in after.breakdown:
            a_points, o = b.get("points"), points_before.get(b["indicator"], {})
            if a_points != o.get("points"):
                reasons.append(
                    f"{b['name']}：{o.get('points') or '—'} → {a_points or '—'}"
                    + (f"（{b['detail']}）" if b.get("detail") else "")
                )
        if after.vetoed != old.vetoed or after.veto_reason != old.veto_reason:
            reasons.append(f"一票否决：{old.veto_reason or '—'} → {after.veto_reason or '—'}")
        # A school gaining or losing its score gains or loses its rank: no
        # number of places to show, the before and after columns say it.
        change = old.rank - after.rank if old.rank is not None and after.rank is not None else 0
        if change or reasons or (after.score or Decimal(0)) != (old.score or Decimal(0)):
            moves.append(Move(after.school, old, after, change, reasons))
    return moves


def notices_visible_to(*, user: Any) -> QuerySet[PublishedNotice]:
    """Archived notices of published (or since corrected) runs that concern
    one of the user's schools: every school the run scored."""
    if not getattr(user, "is_authenticated", False):
        return PublishedNotice.objects.none()
    qs = PublishedNotice.objects.select_related("run__scheme__semester__school_year").exclude(file="")
    if user.is_bureau:
        return qs
    return qs.filter(run__scores__school__in=schools_visible_to(user)).distinct()
