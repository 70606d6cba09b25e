"""Defects a bureau user's walk through the scores, vetoes and notices found:
a veto decided before its visit, one 文号 on two notices, unscored schools
ranked first, indicator codes on the scores page, runs named in UTC, and
the notice's grades as numbers and "0 minutes" for grades 1-2."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.exports.base import get_exporter
from reports.exports.rankings import SemesterForm
from reports.models import RunStatus, SchemeWeight, ScoreRun, ScoringScheme, VetoConfirmation, VetoRule
from reports.scoring.engine import scores_compute
from reports.scoring.errors import ScoringError
from reports.scoring.records import homework_panel, homework_section
from reports.scoring.services import score_run_publish, veto_decide
from schools.models import Term
from supervision.models import ItemResult
from tests.factories import SchoolFactory, SemesterFactory, semester_holding_today
from tests.reports.conftest import publish
from tests.reports.test_notice import pdf_text
from tests.schools.factories import SchoolClassFactory, bulk_days
from tests.supervision.factories import VisitFactory, VisitItemResultFactory, item

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# 1. A veto decision cannot be dated before the visit that found it.


@pytest.fixture
def finding(world):  # type: ignore[no-untyped-def]
    semester_holding_today()
    VetoRule.objects.create(name="有偿补课", kind="visit_item_non_compliant", params={"items": ["5.1"]})
    visit = VisitFactory(school=world.school_a, date=timezone.localdate() - datetime.timedelta(days=3))
    return VisitItemResultFactory(visit=visit, item=item("5.1"), result=ItemResult.NON_COMPLIANT)


def test_a_veto_decision_before_the_visit_is_refused(world, finding) -> None:  # type: ignore[no-untyped-def]
    before = finding.visit.date - datetime.timedelta(days=1)
    with pytest.raises(ScoringError) as refused:
        veto_decide(visit_result=finding, state="confirmed", reason="核实", decided_on=before, by=world.bureau)
    assert "不能早于" in " ".join(refused.value.messages) and finding.visit.date.isoformat() in str(refused.value)
    assert not VetoConfirmation.objects.exists()
    # The visit's own day is fine: the bureau may decide the day it hears of it.
    veto_decide(visit_result=finding, state="confirmed", reason="核实", decided_on=finding.visit.date, by=world.bureau)
    assert VetoConfirmation.objects.get().decided_on == finding.visit.date


def test_a_refused_veto_decision_keeps_what_was_typed(world, finding) -> None:  # type: ignore[no-untyped-def]
    response = _client(world.bureau).post(
        reverse("reports:veto_decide", args=[finding.pk]),
        {"state": "withdrawn", "reason": "家长撤回投诉，经核实系误会", "decided_on": "2020-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "决定日期不能早于发现该问题的督导日期" in html
    assert 'value="家长撤回投诉，经核实系误会"' in html and 'value="2020-01-01"' in html
    assert '<option value="withdrawn" selected>' in html and 'data-testid="refused-decision"' in html
    assert not VetoConfirmation.objects.exists()


# 2. One document number, one published notice.


@pytest.fixture
def two_drafts(scheme, world):  # type: ignore[no-untyped-def]
    spring = SemesterFactory(
        term=Term.SECOND, start_date=datetime.date(2027, 2, 20), end_date=datetime.date(2027, 7, 10)
    )
    other = ScoringScheme.objects.create(semester=spring)
    SchemeWeight.objects.create(scheme=other, indicator="test_first", weight=Decimal("60"))
    return scores_compute(scheme=scheme), scores_compute(scheme=other)


def test_a_document_number_already_published_is_refused(world, two_drafts) -> None:  # type: ignore[no-untyped-def]
    first, second = two_drafts
    score_run_publish(run=first, document_number="示教督〔2026〕2号", by=world.bureau)
    with pytest.raises(ScoringError) as refused:
        score_run_publish(run=second, document_number=" 示教督〔2026〕2号　", by=world.bureau)
    assert "已用于另一份已发布的通报" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == RunStatus.DRAFT and second.document_number == ""
    assert score_run_publish(run=second, document_number="示教督〔2026〕3号", by=world.bureau).is_draft is False


def test_a_correction_cannot_reuse_the_number_it_corrects(world, scheme) -> None:  # type: ignore[no-untyped-def]
    score_run_publish(run=scores_compute(scheme=scheme), document_number="示教督〔2026〕2号", by=world.bureau)
    correction = scores_compute(scheme=scheme)
    with pytest.raises(ScoringError):
        score_run_publish(run=correction, document_number="示教督〔2026〕2号", by=world.bureau, reason="更正")
    assert ScoreRun.objects.get(status=RunStatus.PUBLISHED).pk != correction.pk


# 3. A school without a score has no rank, in the run and in every export.


@pytest.fixture
def unscored_run(scheme):  # type: ignore[no-untyped-def]
    # Only the indicator without data is left: nobody has a score.
    SchemeWeight.objects.filter(scheme=scheme).exclude(indicator="test_nodata").delete()
    SchoolFactory(name="戊小学")
    SchoolFactory(name="己小学")
    return publish(scores_compute(scheme=scheme))


def test_schools_without_a_score_have_no_rank(unscored_run) -> None:  # type: ignore[no-untyped-def]
    scores = list(unscored_run.scores.all())
    assert scores and all(s.score is None and s.rank is None and s.rank_in_type is None for s in scores)


def test_the_notice_and_the_workbook_print_no_rank_without_a_score(unscored_run) -> None:  # type: ignore[no-untyped-def]
    params = {
        "semester": unscored_run.scheme.semester.pk,
        "run": unscored_run.pk,
        "document_number": "示教督〔2026〕2号",
    }
    text = pdf_text(get_exporter("semester_notice_pdf").render(params, user=None)[2])
    assert "— 戊小学" in text and "1 戊小学" not in text
    data = get_exporter("ranking_xlsx").render(params, user=None)[2]
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    ranks = [row[0] for row in sheet.iter_rows(values_only=True) if row[2] in ("戊小学", "己小学")]
    assert ranks == [None, None]


def test_a_model_school_candidate_without_a_score_records_no_rank(world, unscored_run) -> None:  # type: ignore[no-untyped-def]
    from reports.modelschools.services import modelschool_round_create

    school_year = unscored_run.scheme.semester.school_year
    round = modelschool_round_create(school_year=school_year, min_score=Decimal("75"), by=world.bureau)
    records = [row for c in round.candidates.all() for row in c.scores]
    assert records and all(row["score"] is None and row["rank"] is None for row in records)


def test_scored_schools_rank_before_the_unscored_and_vetoed_after_scored(scheme) -> None:  # type: ignore[no-untyped-def]
    from reports.scoring.selectors import scores_of_run

    a, d = SchoolFactory(name="甲一"), SchoolFactory(name="丁四")
    VetoRule.objects.create(name="有偿家教", kind="test_veto", params={"school": d.pk})
    run = scores_compute(scheme=scheme)
    unscored = SchoolFactory(name="戊无")  # added to the run as a school without a score
    run.scores.create(school=unscored, total=0, max_total=0, score=None)
    from reports.scoring.engine import scores_rank

    scores_rank(run=run)
    ordered = [(s.school_id, s.rank) for s in scores_of_run(run=run)]
    assert ordered == [(a.pk, 1), (d.pk, 2), (unscored.pk, None)]


# 4. The scores page names the indicators left out in Chinese.


def test_the_scores_page_names_left_out_indicators(world, scheme) -> None:  # type: ignore[no-untyped-def]
    run = scores_compute(scheme=scheme)
    assert "test_nodata" in run.excluded
    page = _client(world.bureau).get(reverse("reports:scores"), {"semester": scheme.semester.pk, "run": run.pk})
    html = page.content.decode()
    status = html[html.index('data-testid="run-status"') :].split("</p>", 1)[0]
    assert "因缺少数据未计入" in status and "无数据指标" in status and "test_nodata" not in status


# 5. A run is named in local time everywhere.


def test_a_run_is_named_in_local_time(scheme) -> None:  # type: ignore[no-untyped-def]
    run = scores_compute(scheme=scheme)
    ScoreRun.objects.filter(pk=run.pk).update(computed_at=datetime.datetime(2026, 12, 2, 5, 46, tzinfo=datetime.UTC))
    run.refresh_from_db()
    assert str(run).endswith("2026-12-02 13:46")  # Asia/Shanghai
    label = {str(k): v for k, v in SemesterForm().fields["run"].choices}[str(run.pk)]
    assert "2026-12-02 13:46" in label and "05:46" not in label


# 6. Grades 1-2 get no written homework; grades are named.


def test_the_notice_states_no_written_homework_for_grades_1_2_and_names_grades(world) -> None:  # type: ignore[no-untyped-def]
    semester = semester_holding_today()
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    if monday < semester.start_date:
        monday = semester.start_date
    for grade, minutes in ((1, 0), (3, 30)):
        bulk_days([SchoolClassFactory(school=world.school_a, grade=grade, number=1)], [monday], minutes)
    run = ScoreRun(scheme=ScoringScheme.objects.create(semester=semester))
    section = homework_section(semester, run, {})
    assert section is not None
    caps = section.paragraphs[1]
    assert "一二年级不布置书面作业" in caps and "一二年级 0 分钟" not in caps
    assert [row[0] for row in section.tables[0].rows] == ["一年级", "三年级"]
    panel = homework_panel(world.bureau, semester)
    assert panel is not None and "一年级" in str(panel.option) and "1年级" not in str(panel.option)
