"""Computing a semester's scores and rankings.

points = Σ weight × value over the indicators available for the semester
and assessed for the school; an unavailable indicator is recorded in
``ScoreRun.excluded``, and an indicator without records for a school ("not
assessed") leaves that school's maximum. The score is the points as a share
of the school's own maximum, on 100. Vetoed schools rank after all others;
vetoes that wait for bureau staff's confirmation are shown as pending and
do not apply.
Schools are scored a chunk at a time (``CHUNK_SIZE``): each indicator
queries once per chunk and the chunk's rows go in one bounded insert, so
memory stays flat at province scale; veto rules query once for all schools,
and one UPDATE with window functions ranks the stored scores. A fixed
number of queries per chunk."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import registry
from reports.models import SchoolScore, ScoreRun, ScoringScheme, VetoRule
from schools.models import HomeworkDay, School, Semester
from supervision.models import ComplaintCase, DistrictMembership, Rectification, Visit

TWO = Decimal("0.01")


def _points(weight: Decimal, value: float) -> Decimal:
    return (weight * Decimal(str(round(value, 6)))).quantize(TWO, rounding=ROUND_HALF_UP)


# Schools scored per pass: each pass reads every indicator for these schools
# and inserts their rows, so memory stays flat whatever the number of
# schools and the queries grow by a fixed number per pass.
CHUNK_SIZE = 2000


def scores_compute(*, scheme: ScoringScheme, by: Any = None, chunk_size: int = CHUNK_SIZE) -> ScoreRun:
    """Compute and store every active school's score for the scheme's
    semester. The stored explanations are in Chinese, like the reports."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _compute(scheme, by, max(1, chunk_size))


def _compute(scheme: ScoringScheme, by: Any, chunk_size: int) -> ScoreRun:
    semester = scheme.semester
    indicators = registry.indicators
    veto_kinds = registry.veto_kinds
    # Only the ids of every school are held (a few bytes each); everything
    # else is read and dropped a chunk at a time.
    ids = list(School.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    end = min(semester.end_date, timezone.localdate())

    weights: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    excluded: dict[str, str] = {}
    for w in scheme.weights.all().order_by("indicator"):
        ind = indicators.get(w.indicator)
        if ind is None:
            excluded[w.indicator] = _("unknown indicator")
            continue
        if not ind.available(semester):
            excluded[w.indicator] = _("no data for this semester")
            continue
        weights[w.indicator] = str(w.weight)
        params[w.indicator] = w.params or {}

    # Vetoes concern few schools: checked once for all, so the decisions keep
    # the order each rule finds them in.
    vetoes: dict[int, list[str]] = defaultdict(list)
    pending: dict[int, list[str]] = defaultdict(list)
    decisions: list[dict[str, Any]] = []
    for rule in VetoRule.objects.filter(active=True).order_by("name"):
        kind = veto_kinds.get(rule.kind)
        if kind is None:
            continue
        for school_id, reason in kind.check(semester, ids, rule.params or {}).items():
            vetoes[school_id].append(f"{rule.name}：{reason}")
            decisions.append({"rule": rule.name, "school": school_id, "reason": reason, "state": "applied"})
        if kind.pending is not None:
            for school_id, reason in kind.pending(semester, ids, rule.params or {}).items():
                pending[school_id].append(f"{rule.name}：{reason}")
                decisions.append({"rule": rule.name, "school": school_id, "reason": reason, "state": "pending"})

    run = ScoreRun.objects.create(
        scheme=scheme,
        computed_by=by if getattr(by, "pk", None) else None,
        weights=weights,
        excluded=excluded,
        vetoes=decisions,
        inputs=_input_counts(semester, ids),
    )
    terms = _terms(weights, params)
    excluded_lines = _excluded_lines(excluded)
    no_record = _("no record")
    default_note = _("%(detail)s; no records: the scheme's stated default %(value)s applies")
    for i in range(0, len(ids), chunk_size):
        chunk = ids[i : i + chunk_size]
        districts = dict(
            DistrictMembership.objects.active_on(end)
            .filter(school_id__in=chunk)
            .values_list("school_id", "district__name")
        )
        results = {key: indicators[key].compute(semester, chunk, params[key]) for key in weights}
        rows = []
        for school_id in chunk:
            total, maximum, breakdown = _school_breakdown(
                school_id, terms, excluded_lines, results, no_record, default_note
            )
            score = (total * 100 / maximum).quantize(TWO, rounding=ROUND_HALF_UP) if maximum > 0 else None
            rows.append(
                SchoolScore(
                    run=run,
                    school_id=school_id,
                    total=total,
                    max_total=maximum,
                    score=score,
                    # The ranks need every school's score and are set in one
                    # statement once all chunks are in.
                    rank=None,
                    rank_in_type=None,
                    district_name=districts.get(school_id, ""),
                    vetoed=bool(vetoes.get(school_id)),
                    veto_reason="；".join(vetoes.get(school_id, [])),
                    pending_veto="；".join(pending.get(school_id, [])),
                    breakdown=breakdown,
                )
            )
        # One statement per chunk: bounded in size, and a fixed number per chunk.
        SchoolScore.objects.bulk_create(rows, batch_size=chunk_size)
        del rows, results
    scores_rank(run=run)
    return run


@dataclass(frozen=True)
class _Term:
    """What every school's line for one indicator shares, worked out once
    per run: at 30,000 schools, translating the same names and notes for
    each school was a good part of the time."""

    key: str
    weight: Decimal
    weight_text: str
    name: str
    evidence_private: bool
    default: Any


def _terms(weights: dict[str, str], params: dict[str, dict[str, Any]]) -> list[_Term]:
    indicators = registry.indicators
    terms = []
    for key, weight_text in weights.items():
        ind = indicators[key]
        weight = Decimal(weight_text)
        terms.append(
            _Term(
                key=key,
                weight=weight,
                weight_text=str(weight),
                name=str(ind.verbose_name),
                evidence_private=not ind.evidence_for_schools,
                default=params[key].get("no_data_value"),
            )
        )
    return terms


def _excluded_lines(excluded: dict[str, str]) -> list[dict[str, Any]]:
    indicators = registry.indicators
    return [
        {"indicator": key, "name": str(indicators[key].verbose_name if key in indicators else key), "excluded": reason}
        for key, reason in excluded.items()
    ]


def _school_breakdown(
    school_id: int,
    terms: list[_Term],
    excluded_lines: list[dict[str, Any]],
    results: dict[str, dict[int, Any]],
    no_record: str,
    default_note: str,
) -> tuple[Decimal, Decimal, list[dict[str, Any]]]:
    """A school's points, its maximum and the explanation of each indicator."""
    breakdown = []
    total = Decimal(0)
    maximum = Decimal(0)
    for term in terms:
        weight = term.weight
        res = results[term.key].get(school_id)
        assessed = res is not None and res.assessed
        detail = res.detail if res is not None else no_record
        value = res.value if assessed and res is not None else 0.0
        default = term.default
        if not assessed and default is not None:
            # The scheme states what a school without records gets, and the explanation says so.
            value = float(default)
            assessed = True
            detail = default_note % {"detail": detail, "value": default}
        if not assessed:
            breakdown.append(
                {
                    "indicator": term.key,
                    "name": term.name,
                    "weight": term.weight_text,
                    "not_assessed": True,
                    "detail": detail,
                }
            )
            continue
        points = _points(weight, value)
        total += points
        maximum += weight
        breakdown.append(
            {
                "indicator": term.key,
                "name": term.name,
                "weight": term.weight_text,
                "value": round(value, 4),
                "points": str(points),
                "lost": str(weight - points),
                "detail": detail,
                "evidence": [{"label": e.label, "url": e.url} for e in (res.evidence if res else [])][:50],
                "evidence_private": term.evidence_private,
            }
        )
    breakdown += [dict(line) for line in excluded_lines]
    return total, maximum, breakdown


# Competition ranks (1, 2, 2, 4): vetoed schools after all others (false
# sorts first), then by score on 100, best first; equal keys tie. Overall,
# among schools of the same type, and within the district (only for schools
# in one: the others' rank stays empty). A school without a score (nothing
# assessed) has no rank at all: ranked, those schools all tied at the first
# place when no school had a score, and the notice printed "1 … not assessed".
# The windows are partitioned by "has a score" so that the unscored schools
# leave no gap in the ranks of the scored ones.
_RANKS_SQL = """
UPDATE reports_schoolscore AS target
SET rank = ranked.rank, rank_in_type = ranked.rank_in_type, rank_in_district = ranked.rank_in_district
FROM (
    SELECT ss.id,
        CASE WHEN ss.score IS NOT NULL THEN RANK() OVER (
            PARTITION BY ss.score IS NULL ORDER BY ss.vetoed, ss.score DESC
        ) END AS rank,
        CASE WHEN ss.score IS NOT NULL THEN RANK() OVER (
            PARTITION BY ss.score IS NULL, sc.school_type ORDER BY ss.vetoed, ss.score DESC
        ) END AS rank_in_type,
        CASE WHEN ss.score IS NOT NULL AND ss.district_name <> '' THEN RANK() OVER (
            PARTITION BY ss.score IS NULL, ss.district_name ORDER BY ss.vetoed, ss.score DESC
        ) END AS rank_in_district
    FROM reports_schoolscore AS ss JOIN schools_school AS sc ON sc.id = ss.school_id
    WHERE ss.run_id = %s
) AS ranked
WHERE target.id = ranked.id
"""


def scores_rank(*, run: ScoreRun) -> None:
    """Set every score's ranks in the run from the stored scores: one
    statement, with nothing of the schools held in memory."""
    with connection.cursor() as cursor:
        cursor.execute(_RANKS_SQL, [run.pk])


def _input_counts(semester: Semester, ids: list[int]) -> dict[str, int]:
    """How many records of each kind the run read: kept with the run, so a
    published result shows what it was computed from. Four queries."""
    start, end = semester.start_date, semester.end_date
    return {
        "schools": len(ids),
        "visits": Visit.objects.filter(date__gte=start, date__lte=end).count(),
        "complaints_concluded": ComplaintCase.objects.filter(
            concluded_at__date__gte=start, concluded_at__date__lte=end
        ).count(),
        "rectifications_due": Rectification.objects.filter(deadline__gte=start, deadline__lte=end).count(),
        "homework_days": HomeworkDay.objects.filter(date__gte=start, date__lte=end).count(),
    }
