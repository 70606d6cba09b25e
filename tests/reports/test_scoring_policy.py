"""The scoring policy of seed 001: liability decides the veto, visit-item
vetoes need the bureau's confirmation, no data is not good data, scores on
100, ties share a rank."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianfu.models import AuditEvent
from reports.models import SchemeWeight, ScoringScheme, VetoConfirmation, VetoRule
from reports.scoring.engine import scores_compute
from reports.scoring.errors import ScoringError
from reports.scoring.services import score_run_publish, veto_decide
from supervision.models import ComplaintCase, ItemResult
from tests.factories import BureauUserFactory, SchoolFactory, semester_holding_today
from tests.supervision.complaint_factories import S, case_in_status
from tests.supervision.factories import VisitFactory, VisitItemResultFactory, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def semester(world):  # type: ignore[no-untyped-def]
    return semester_holding_today()


def _scheme(semester, **weights):  # type: ignore[no-untyped-def]
    scheme = ScoringScheme.objects.create(semester=semester)
    for key, (weight, params) in weights.items():
        SchemeWeight.objects.create(scheme=scheme, indicator=key, weight=Decimal(weight), params=params)
    return scheme


def _visit(school, code: str, result: str = ItemResult.NON_COMPLIANT):  # type: ignore[no-untyped-def]
    visit = VisitFactory(school=school, date=timezone.localdate())
    VisitItemResultFactory(visit=visit, item=item("4.1"), result=ItemResult.COMPLIANT)
    return VisitItemResultFactory(visit=visit, item=item(code), result=result)


def _substantiated(school, by, liability: str) -> ComplaintCase:  # type: ignore[no-untyped-def]
    case = case_in_status(S.REPLIED, school=school, by=by)
    ComplaintCase.objects.filter(pk=case.pk).update(liability=liability)
    VetoRule.objects.get_or_create(
        name="有偿补课查实",
        kind="complaint_category_substantiated",
        defaults={"params": {"categories": [case.category.name]}},
    )
    return case


def test_individual_liability_never_vetoes_the_school(world, semester) -> None:  # type: ignore[no-untyped-def]
    scheme = _scheme(semester, complaints_substantiated=("20", {}))
    _substantiated(world.school_a, world.bureau, "individual")
    a = scores_compute(scheme=scheme).scores.get(school=world.school_a)
    assert not a.vetoed and a.veto_reason == ""
    part = next(b for b in a.breakdown if b["indicator"] == "complaints_substantiated")
    # Counted for the person's accountability; the scheme sets no deduction by default.
    assert part["points"] == "20.00" and "个人责任" in part["detail"] and "：1" in part["detail"]


def test_individual_liability_costs_at_most_the_deduction_the_scheme_sets(world, semester) -> None:  # type: ignore[no-untyped-def]
    scheme = _scheme(semester, complaints_substantiated=("20", {"individual_weight": 0.5, "limit": 1}))
    case = _substantiated(world.school_a, world.bureau, "individual")
    a = scores_compute(scheme=scheme).scores.get(school=world.school_a)
    value = max(Decimal(0), 1 - case.category.weight * Decimal("0.5"))  # limit 1: one whole case costs everything
    assert not a.vetoed and a.total == (Decimal(20) * value).quantize(Decimal("0.01"))


def test_school_liability_vetoes(world, semester) -> None:  # type: ignore[no-untyped-def]
    scheme = _scheme(semester, complaints_substantiated=("20", {}))
    case = _substantiated(world.school_a, world.bureau, "school")
    run = scores_compute(scheme=scheme)
    a = run.scores.get(school=world.school_a)
    # After every school with a score not vetoed (the others, without a score, have no rank).
    assert (
        a.vetoed
        and case.category.name in a.veto_reason
        and a.rank == run.scores.filter(vetoed=False).exclude(score=None).count() + 1
    )
    # The school reads the reason in its explanation, every school in the
    # notice: never the case number (a complaint detail).
    assert case.number not in a.veto_reason
    score_run_publish(run=run, document_number="示教督〔2026〕9号", by=world.bureau)
    html = _client(world.principal_a).get(reverse("reports:score_detail", args=[a.pk])).content.decode()
    assert 'data-testid="veto"' in html and case.category.name in html and case.number not in html


def test_unconfirmed_visit_item_veto_is_pending_and_does_not_apply(world, semester) -> None:  # type: ignore[no-untyped-def]
    VetoRule.objects.create(name="分设重点班", kind="visit_item_non_compliant", params={"items": ["2.2", "5.1"]})
    scheme = _scheme(semester, visit_results=("40", {}))
    _visit(world.school_a, "2.2")
    run = scores_compute(scheme=scheme)
    a = run.scores.get(school=world.school_a)
    assert not a.vetoed and "2.2" in a.pending_veto
    assert {"rule": "分设重点班", "school": world.school_a.pk, "state": "pending"}.items() <= run.vetoes[0].items()
    html = _client(world.bureau).get(reverse("reports:score_detail", args=[a.pk])).content.decode()
    assert 'data-testid="pending-veto"' in html and "待确认" in html
    # From the explanation to the finding's page, where bureau staff confirm or withdraw it.
    veto_page = f"{reverse('reports:veto_decisions')}?semester={semester.pk}"
    assert 'data-testid="decide-veto"' in html and f'href="{veto_page}"' in html
    findings = _client(world.bureau).get(veto_page).content.decode()
    assert 'data-testid="findings"' in findings and world.school_a.name in findings


def test_confirmed_visit_item_veto_applies_then_withdrawn_does_not(world, semester) -> None:  # type: ignore[no-untyped-def]
    VetoRule.objects.create(name="有偿补课", kind="visit_item_non_compliant", params={"items": ["5.1"]})
    scheme = _scheme(semester, visit_results=("40", {}))
    finding = _visit(world.school_a, "5.1")
    today = timezone.localdate()
    veto_decide(
        visit_result=finding, state="confirmed", reason="家长反映属实，已核实", decided_on=today, by=world.bureau
    )
    run = scores_compute(scheme=scheme)
    a = run.scores.get(school=world.school_a)
    assert (
        a.vetoed
        and "家长反映属实" in a.veto_reason
        and a.pending_veto == ""
        and a.rank == run.scores.filter(vetoed=False).exclude(score=None).count() + 1
    )
    veto_decide(visit_result=finding, state="withdrawn", reason="复核：系误记", decided_on=today, by=world.bureau)
    a = scores_compute(scheme=scheme).scores.get(school=world.school_a)
    assert not a.vetoed and a.pending_veto == "" and a.rank == 1
    trail = AuditEvent.objects.filter(object_type="reports.vetoconfirmation", user=world.bureau, action="transition")
    assert trail.count() == 2 and VetoConfirmation.objects.get().reason == "复核：系误记"


def test_veto_decision_needs_reason_date_and_the_right(world, semester) -> None:  # type: ignore[no-untyped-def]
    finding = _visit(world.school_a, "5.1")
    today = timezone.localdate()
    for kwargs, message in [
        ({"reason": " ", "decided_on": today, "by": world.bureau}, "理由"),
        ({"reason": "核实", "decided_on": None, "by": world.bureau}, "日期"),
        ({"reason": "核实", "decided_on": today + datetime.timedelta(days=1), "by": world.bureau}, "未来"),
        ({"reason": "核实", "decided_on": today, "by": world.principal_a}, "无权"),
        ({"reason": "核实", "decided_on": today, "by": BureauUserFactory(section="监察室")}, "无权"),
    ]:
        with pytest.raises(ScoringError) as refused:
            veto_decide(visit_result=finding, state="confirmed", **kwargs)
        assert message in " ".join(refused.value.messages)
    assert not VetoConfirmation.objects.exists()
    response = _client(world.supervisor_x).post(
        reverse("reports:veto_decide", args=[finding.pk]), {"state": "confirmed"}
    )
    assert response.status_code == 404


def test_a_school_without_data_is_not_assessed(world, semester) -> None:  # type: ignore[no-untyped-def]
    scheme = _scheme(
        semester,
        visit_results=("40", {}),
        rectifications_on_time=("20", {}),
        complaints_substantiated=("20", {}),
        homework_compliance=("20", {}),
    )
    _visit(world.school_a, "4.2", ItemResult.COMPLIANT)
    empty = SchoolFactory(name="无数据学校")
    run = scores_compute(scheme=scheme)
    a, e = run.scores.get(school=world.school_a), run.scores.get(school=empty)
    assert e.score is None and e.max_total == 0 and e.total == 0
    assert a.score == Decimal("100.00") and a.max_total == Decimal("40")  # only visits assessed: 40 of 40
    assert a.rank == 1 and e.rank is None and e.rank_in_type is None  # no score, no place in the ranking
    assert all(b.get("not_assessed") or b.get("excluded") for b in e.breakdown)
    html = _client(world.bureau).get(reverse("reports:score_detail", args=[e.pk])).content.decode()
    assert "未评估" in html


def test_a_stated_default_fills_a_missing_indicator_and_says_so(world, semester) -> None:  # type: ignore[no-untyped-def]
    scheme = _scheme(semester, visit_results=("40", {}), rectifications_on_time=("20", {"no_data_value": 1}))
    _visit(world.school_a, "4.2", ItemResult.COMPLIANT)
    a = scores_compute(scheme=scheme).scores.get(school=world.school_a)
    part = next(b for b in a.breakdown if b["indicator"] == "rectifications_on_time")
    assert part["points"] == "20.00" and "默认" in part["detail"] and a.max_total == Decimal("60")


def test_scores_on_100_and_ties_share_a_rank(scheme) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = (SchoolFactory(name=n) for n in ("甲一", "乙二", "丙三", "丁四"))
    run = scores_compute(scheme=scheme)
    s = {x.school_id: x for x in run.scores.all()}
    # 甲 and 丁: 80 of 100 → 80.00; 乙 70; 丙 0 (assessed, nothing gained).
    assert (s[a.pk].score, s[d.pk].score, s[b.pk].score, s[c.pk].score) == (
        Decimal("80.00"),
        Decimal("80.00"),
        Decimal("70.00"),
        Decimal("0.00"),
    )
    assert (s[a.pk].rank, s[d.pk].rank, s[b.pk].rank, s[c.pk].rank) == (1, 1, 3, 4)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client
