"""Computing a semester's scores and rankings.

total = Σ weight × value over the indicators available for the semester;
an unavailable indicator is recorded in ``ScoreRun.excluded`` and its weight
is not part of ``max_total``. Vetoed schools rank after all others.
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
from schools.models import School
from supervision.models import DistrictMembership

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
        results[w.indicator] = ind.compute(semester, ids, w.params or {})

    vetoes: dict[int, list[str]] = defaultdict(list)
    for rule in VetoRule.objects.filter(active=True).order_by("name"):
        kind = veto_kinds.get(rule.kind)
        if kind is None:
            continue
        for school_id, reason in kind.check(semester, ids, rule.params or {}).items():
            vetoes[school_id].append(f"{rule.name}：{reason}")

    max_total = sum((Decimal(v) for v in weights.values()), Decimal(0))
    rows = []
    for school in schools:
        breakdown = []
        total = Decimal(0)
        for key, weight_text in weights.items():
            weight = Decimal(weight_text)
            res = results[key].get(school.pk)
            value = res.value if res is not None else 0.0
            points = _points(weight, value)
            total += points
            breakdown.append(
                {
                    "indicator": key,
                    "name": str(indicators[key].verbose_name),
                    "weight": str(weight),
                    "value": round(value, 4),
                    "points": str(points),
                    "lost": str(weight - points),
                    "detail": res.detail if res is not None else _("no record"),
                    "evidence": [{"label": e.label, "url": e.url} for e in (res.evidence if res else [])][:50],
                }
            )
        for key, reason in excluded.items():
            name = indicators[key].verbose_name if key in indicators else key
            breakdown.append({"indicator": key, "name": str(name), "excluded": reason})
        rows.append((school, total, breakdown))

    run = ScoreRun.objects.create(
        scheme=scheme, computed_by=by if getattr(by, "pk", None) else None, weights=weights, excluded=excluded
    )
    ordered = sorted(rows, key=lambda r: (bool(vetoes.get(r[0].pk)), -r[1], r[0].code))
    overall = _dense_ranks([(bool(vetoes.get(s.pk)), -t) for s, t, _bd in ordered])
    by_type: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    by_district: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for school, total, _bd in ordered:
        by_type[school.school_type].append((bool(vetoes.get(school.pk)), -total))
        if school.pk in districts:
            by_district[districts[school.pk]].append((bool(vetoes.get(school.pk)), -total))
    type_ranks = {k: iter(_dense_ranks(v)) for k, v in by_type.items()}
    district_ranks = {k: iter(_dense_ranks(v)) for k, v in by_district.items()}
    SchoolScore.objects.bulk_create(
        [
            SchoolScore(
                run=run,
                school=school,
                total=total,
                max_total=max_total,
                rank=overall[i],
                rank_in_type=next(type_ranks[school.school_type]),
                rank_in_district=next(district_ranks[districts[school.pk]]) if school.pk in districts else None,
                district_name=districts.get(school.pk, ""),
                vetoed=bool(vetoes.get(school.pk)),
                veto_reason="；".join(vetoes.get(school.pk, [])),
                breakdown=breakdown,
            )
            for i, (school, total, breakdown) in enumerate(ordered)
        ],
        # No batch size: PostgreSQL takes every row in one statement, so the
        # number of queries stays the same whatever the number of schools
        # (SQLite's parameter limit makes Django split it there).
    )
    return run
