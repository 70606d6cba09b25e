"""Visit and rectification indicators, the visit veto, and the notice's visit
section, on hand-computed cases."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.exports.base import get_exporter
from reports.models import SchemeWeight, ScoringScheme, VetoRule
from reports.scoring.engine import scores_compute
from supervision.models import ItemResult
from supervision.rectifications.models import RectificationStatus
from tests.factories import semester_holding_today
from tests.reports.conftest import publish
from tests.supervision.factories import RectificationFactory, VisitFactory, VisitItemResultFactory, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    semester = semester_holding_today()
    scheme = ScoringScheme.objects.create(semester=semester)
    SchemeWeight.objects.create(scheme=scheme, indicator="visit_results", weight=Decimal("40"))
    SchemeWeight.objects.create(scheme=scheme, indicator="rectifications_on_time", weight=Decimal("20"))
    visit = VisitFactory(school=world.school_a, date=today)
    for code, result in [
        ("4.1", ItemResult.COMPLIANT),
        ("4.2", ItemResult.MOSTLY),
        ("5.1", ItemResult.NON_COMPLIANT),
        ("4.3", ItemResult.NOT_APPLICABLE),
    ]:
        VisitItemResultFactory(visit=visit, item=item(code), result=result)
    RectificationFactory(
        school=world.school_a,
        deadline=today - datetime.timedelta(days=5),
        status=RectificationStatus.ACCEPTED,
        closed_at=timezone.now() - datetime.timedelta(days=7),
    )
    RectificationFactory(school=world.school_a, title="作业公示", deadline=today - datetime.timedelta(days=2))
    return scheme


def test_visit_and_rectification_points(world, setup) -> None:  # type: ignore[no-untyped-def]
    run = scores_compute(scheme=setup)
    a = run.scores.get(school=world.school_a)
    b = run.scores.get(school=world.school_b)
    # A: (1 + 0.5 + 0) / 3 rated items = 0.5 → 20 of 40; one of two demands on time → 10 of 20.
    assert a.total == Decimal("30.00") and a.max_total == Decimal("60")
    parts = {b["indicator"]: b for b in a.breakdown}
    visits, rect = parts["visit_results"], parts["rectifications_on_time"]
    assert visits["points"] == "20.00" and "1 次督导" in visits["detail"]
    assert any("5.1" in e["label"] and e["url"].startswith("/visits/") for e in visits["evidence"])
    assert rect["points"] == "10.00" and any("作业公示" in e["label"] for e in rect["evidence"])
    assert a.score == Decimal("50.00")  # 30 of the 60 points assessed
    # B: not visited and no demand due: nothing assessed, no score (not a full 20 for having nothing).
    assert b.total == Decimal("0") and b.max_total == Decimal("0") and b.score is None
    parts = {x["indicator"]: x for x in b.breakdown}
    assert parts["visit_results"]["detail"] == "本学期未督导" and parts["visit_results"]["not_assessed"]
    assert parts["rectifications_on_time"]["not_assessed"]


def test_non_compliant_listed_item_vetoes(world, setup) -> None:  # type: ignore[no-untyped-def]
    from reports.scoring.services import veto_decide
    from supervision.models import VisitItemResult

    VetoRule.objects.create(name="有偿家教", kind="visit_item_non_compliant", params={"items": ["5.1"]})
    finding = VisitItemResult.objects.get(item_code="5.1")
    veto_decide(
        visit_result=finding, state="confirmed", reason="核实", decided_on=timezone.localdate(), by=world.bureau
    )
    run = scores_compute(scheme=setup)
    a = run.scores.get(school=world.school_a)
    assert (
        a.vetoed
        and a.rank == run.scores.filter(vetoed=False).exclude(score=None).count() + 1
        and "5.1" in a.veto_reason
    )


def test_notice_and_workbook_carry_visits(world, setup) -> None:  # type: ignore[no-untyped-def]
    publish(scores_compute(scheme=setup))  # reports read the published run
    _, _, pdf = get_exporter("semester_notice_pdf").render({"semester": setup.semester.pk}, user=None)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "督导 1 次" in text or "共督导 1 次" in text
    assert "月度督导覆盖率" in text
    _, _, xlsx = get_exporter("ranking_xlsx").render({"semester": setup.semester.pk}, user=world.bureau)
    wb = load_workbook(io.BytesIO(xlsx))
    assert "责任区督导覆盖率" in wb.sheetnames and "未销号整改" in wb.sheetnames
    open_rows = list(wb["未销号整改"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in open_rows] == ["作业公示"] and open_rows[0][5] == 2


def test_the_notice_names_every_problem_tied_for_most_frequent(world) -> None:  # type: ignore[no-untyped-def]
    """Two items found non-compliant as often as each other: the summary
    names both (it named the first by code, as if it stood out); one ahead
    of the rest: it alone."""
    from django.utils import translation

    from reports.scoring.visits import visits_section

    semester = semester_holding_today()
    today = timezone.localdate()
    for code in ("4.1", "5.1"):
        for school in (world.school_a, world.school_b):
            visit = VisitFactory(school=school, date=today)
            VisitItemResultFactory(visit=visit, item=item(code), result=ItemResult.NON_COMPLIANT)
    with translation.override("zh-hans"):
        section = visits_section(semester, None, {})  # type: ignore[arg-type]
    assert section is not None
    assert f"{item('4.1').title}、{item('5.1').title}" in section.summary and "各 2 次" in section.summary
    visit = VisitFactory(school=world.school_a, date=today)
    VisitItemResultFactory(visit=visit, item=item("5.1"), result=ItemResult.NON_COMPLIANT)
    with translation.override("zh-hans"):
        section = visits_section(semester, None, {})  # type: ignore[arg-type]
    assert section is not None
    assert f"最常见的问题：{item('5.1').title}（3 次）" in section.summary and item("4.1").title not in section.summary
