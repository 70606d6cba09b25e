"""Demo: scoring schemes with every indicator at its default weight and the
usual veto rules; the last semester's run published (with its archived
notice), a draft run for the current semester, and the last school year's
model-school selection in its public notice (公示)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reports import registry
from reports.models import SchemeWeight, ScoreRun, ScoringScheme, VetoRule
from reports.scoring.engine import scores_compute
from reports.scoring.selectors import score_rank_order
from schools.models import Semester

VETO_RULES = [
    (
        "有偿补课、有偿家教查实",
        "complaint_category_substantiated",
        {"categories": ["教师有偿家教或校外兼职", "节假日、双休日或课后违规补课"]},
    ),
    ("招生考试、分设重点班查实", "complaint_category_substantiated", {"categories": ["招生考试或分设重点班"]}),
    ("督导发现有偿家教或分设重点班", "visit_item_non_compliant", {"items": ["5.1", "2.2"]}),
]


def _scheme(semester: Semester) -> ScoringScheme:
    scheme, _ = ScoringScheme.objects.get_or_create(
        semester=semester, defaults={"note": "演示方案：各指标按默认权重。"}
    )
    for key, ind in registry.indicators.items():
        SchemeWeight.objects.get_or_create(
            scheme=scheme, indicator=key, defaults={"weight": Decimal(str(ind.default_weight))}
        )
    return scheme


def build_scoring_demo(*, today: datetime.date) -> None:
    from jianfu.models import User
    from reports.scoring.services import score_run_publish

    semester = Semester.objects.current(today)
    if semester is None:
        return
    for name, kind, params in VETO_RULES:
        VetoRule.objects.get_or_create(name=name, defaults={"kind": kind, "params": params})
    bureau = User.objects.filter(username="bureau").first()
    earlier = list(Semester.objects.filter(end_date__lt=semester.start_date).order_by("-start_date")[:2])
    # The last two semesters published (the model-school selection reads
    # both of the last school year's), the current one a draft.
    for number, past in enumerate(reversed(earlier), start=1):
        scheme = _scheme(past)
        if not scheme.runs.exists():
            run = scores_compute(scheme=scheme, by=bureau)
            if bureau is not None:
                score_run_publish(run=run, document_number=f"示教督〔{past.end_date.year}〕{number}号", by=bureau)
    scheme = _scheme(semester)
    if not scheme.runs.exists():
        scores_compute(scheme=scheme, by=bureau)
    if bureau is not None and earlier:
        _model_school_demo(earlier[0], bureau, today)


def _model_school_demo(last: Semester, bureau: object, today: datetime.date) -> None:
    from reports.models import ModelSchoolRound, RunStatus
    from reports.modelschools import services

    if ModelSchoolRound.objects.filter(school_year=last.school_year).exists():
        return
    if not ScoreRun.objects.filter(scheme__semester=last, status=RunStatus.PUBLISHED).exists():
        return
    round = services.modelschool_round_create(school_year=last.school_year, min_score=Decimal("80"), by=bureau)
    if not round.candidates.filter(included=True).exists():
        # The demo's visits do not cover every month: staff add the best
        # schools of the last semester, as the rules let them, with a reason.
        best = (
            ScoreRun.objects.get(scheme__semester=last, status=RunStatus.PUBLISHED)
            .scores.filter(vetoed=False)
            .order_by(*score_rank_order())[:3]
        )
        for score in best:
            candidate = round.candidates.get(school_id=score.school_id)
            services.modelschool_candidate_set(
                candidate=candidate, included=True, reason="演示：督导记录覆盖不全，经督导室复核后推荐", by=bureau
            )
    services.modelschool_round_decide(round=round, by=bureau)
    services.modelschool_round_publish(
        round=round,
        start=today,
        end=today + datetime.timedelta(days=6),
        document_number=f"示教督〔{today.year}〕20号",
        by=bureau,
    )
