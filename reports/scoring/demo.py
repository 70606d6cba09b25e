"""Demo: the current semester's scoring scheme with every indicator at its
default weight, the usual veto rules, and one computation, so that the
dashboard, the ranking and the notice have something to show."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reports import registry
from reports.models import SchemeWeight, ScoringScheme, VetoRule
from reports.scoring.engine import scores_compute
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


def build_scoring_demo(*, today: datetime.date) -> None:
    semester = Semester.objects.current(today)
    if semester is None:
        return
    scheme, _ = ScoringScheme.objects.get_or_create(
        semester=semester, defaults={"note": "演示方案：各指标按默认权重。"}
    )
    for key, ind in registry.indicators.items():
        SchemeWeight.objects.get_or_create(
            scheme=scheme, indicator=key, defaults={"weight": Decimal(str(ind.default_weight))}
        )
    for name, kind, params in VETO_RULES:
        VetoRule.objects.get_or_create(name=name, defaults={"kind": kind, "params": params})
    if not scheme.runs.exists():
        scores_compute(scheme=scheme)
