"""Computing a semester's scores and rankings.

points = Σ weight × value over the indicators available for the semester
and assessed for the school; an unavailable indicator is recorded in
``ScoreRun.excluded``, and an indicator without records for a school ("not
assessed") leaves that school's maximum. The score is the points as a share
of the school's own maximum, on 100. Vetoed schools rank after all others;
vetoes that wait for bureau staff's confirmation are shown as pending and
do not apply.
A fixed number of queries: each indicator and veto rule queries once for
all schools, then one bulk insert."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import registry
from reports.models import SchoolScore, ScoreRun, ScoringScheme, VetoRule
from schools.models import HomeworkDay, School, Semester
from supervision.models import ComplaintCase, DistrictMembership, Rectification, Visit

TWO = Decimal("0.01")


def _points(weight: Decimal, value: float) -> Decimal:
    return (weight * Decimal(str(round(value, 6)))).quantize(TWO, rounding=ROUND_HALF_UP)


def _dense_ranks(ordered: list[tuple[Any, ...]]) -> list[int]:
    """Competition ranking (1, 2, 2, 4) over (vetoed, -total) keys."""
    ranks: list[int] = []
    previous = None
    for i, key in enumerate(ordered):
        if key != previous:
            rank = i + 1
            previous = key
        ranks.append(rank)
    return ranks


def scores_compute(*, scheme: ScoringScheme, by: Any = None) -> ScoreRun:
    """Compute and store every active school's score for the scheme's
    semester. The stored explanations are in Chinese, like the reports."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _compute(scheme, by)


def _ranks(keys: list[tuple[Any, ...]]) -> list[int]:
    return _dense_ranks(keys)


def _rank_key(vetoed: bool, score: Decimal | None) -> tuple[bool, bool, Decimal]:
    """Vetoed schools after all others; schools with nothing assessed after
    the assessed ones; then by score on 100, best first. Equal keys tie."""
    return (vetoed, score is None, -(score or Decimal(0)))


def _compute(scheme: ScoringScheme, by: Any) -> ScoreRun:
    semester = scheme.semester
    indicators = registry.indicators
    veto_kinds = registry.veto_kinds
    schools = list(School.objects.filter(active=True).order_by("code"))
    ids = [s.pk for s in schools]
    end = min(semester.end_date, timezone.localdate())
    districts = dict(
        DistrictMembership.objects.active_on(end).filter(school_id__in=ids).values_list("school_id", "district__name")
    )

    weights: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    excluded: dict[str, str] = {}
    results: dict[str, dict[int, Any]] = {}
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
        results[w.indicator] = ind.compute(semester, ids, w.params or {})

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

    rows = []
    for school in schools:
        breakdown = []
        total = Decimal(0)
        maximum = Decimal(0)
        for key, weight_text in weights.items():
            weight = Decimal(weight_text)
            ind = indicators[key]
            res = results[key].get(school.pk)
            assessed = res is not None and res.assessed
            detail = res.detail if res is not None else _("no record")
            value = res.value if assessed and res is not None else 0.0
            default = params[key].get("no_data_value")
            if not assessed and default is not None:
                # The scheme states what a school without records gets, and the explanation says so.
                value = float(default)
                assessed = True
                detail = _("%(detail)s; no records: the scheme's stated default %(value)s applies") % {
                    "detail": detail,
                    "value": default,
                }
            if not assessed:
                breakdown.append(
                    {
                        "indicator": key,
                        "name": str(ind.verbose_name),
                        "weight": str(weight),
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
                    "indicator": key,
                    "name": str(ind.verbose_name),
                    "weight": str(weight),
                    "value": round(value, 4),
                    "points": str(points),
                    "lost": str(weight - points),
                    "detail": detail,
                    "evidence": [{"label": e.label, "url": e.url} for e in (res.evidence if res else [])][:50],
                    "evidence_private": not ind.evidence_for_schools,
                }
            )
        for key, reason in excluded.items():
            name = indicators[key].verbose_name if key in indicators else key
            breakdown.append({"indicator": key, "name": str(name), "excluded": reason})
        score = (total * 100 / maximum).quantize(TWO, rounding=ROUND_HALF_UP) if maximum > 0 else None
        rows.append((school, total, maximum, score, breakdown))

    run = ScoreRun.objects.create(
        scheme=scheme,
        computed_by=by if getattr(by, "pk", None) else None,
        weights=weights,
        excluded=excluded,
        vetoes=decisions,
        inputs=_input_counts(semester, ids),
    )

    def rank_key(row: tuple[Any, ...]) -> tuple[bool, bool, Decimal]:
        return _rank_key(bool(vetoes.get(row[0].pk)), row[3])

    ordered = sorted(rows, key=lambda r: (*rank_key(r), r[0].code))
    overall = _ranks([rank_key(r) for r in ordered])
    by_type: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    by_district: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in ordered:
        school = row[0]
        by_type[school.school_type].append(rank_key(row))
        if school.pk in districts:
            by_district[districts[school.pk]].append(rank_key(row))
    type_ranks = {k: iter(_ranks(v)) for k, v in by_type.items()}
    district_ranks = {k: iter(_ranks(v)) for k, v in by_district.items()}
    SchoolScore.objects.bulk_create(
        [
            SchoolScore(
                run=run,
                school=school,
                total=total,
                max_total=maximum,
                score=score,
                rank=overall[i],
                rank_in_type=next(type_ranks[school.school_type]),
                rank_in_district=next(district_ranks[districts[school.pk]]) if school.pk in districts else None,
                district_name=districts.get(school.pk, ""),
                vetoed=bool(vetoes.get(school.pk)),
                veto_reason="；".join(vetoes.get(school.pk, [])),
                pending_veto="；".join(pending.get(school.pk, [])),
                breakdown=breakdown,
            )
            for i, (school, total, maximum, score, breakdown) in enumerate(ordered)
        ],
        # No batch size: PostgreSQL takes every row in one statement, so the
        # number of queries stays the same whatever the number of schools
        # (SQLite's parameter limit makes Django split it there).
    )
    return run


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
