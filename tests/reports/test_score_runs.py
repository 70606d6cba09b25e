"""Computing scores is an explicit step (a button, a task); reports only read
a stored run; scoring dates are the bureau's local dates."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jianfu.models import AuditEvent
from reports.exports.base import get_exporter
from reports.jobs import services
from reports.models import JobStatus, ReportJob, SchemeWeight, SchoolScore, ScoreRun, ScoringScheme
from reports.scoring.engine import scores_compute
from supervision.rectifications.models import RectificationStatus
from tests.factories import BureauUserFactory, SemesterFactory
from tests.reports.conftest import publish
from tests.supervision.factories import RectificationFactory, VisitFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_ranking_twice_leaves_the_runs_unchanged(world, scheme, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    run = publish(scores_compute(scheme=scheme))
    runs, rows = ScoreRun.objects.count(), SchoolScore.objects.count()
    client = login(world.bureau)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.job_request(kind="ranking_xlsx", params={"semester": scheme.semester.pk}, by=world.bureau)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.params["run"] == run.pk
        # The file itself, downloaded twice: reading it writes no score.
        for _ in range(2):
            response = client.get(reverse("reports:job_download", args=[job.pk]))
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body[:2] == b"PK"  # the workbook (a zip)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_request(kind="semester_notice_pdf", params={"semester": scheme.semester.pk}, by=world.bureau)
    assert (ScoreRun.objects.count(), SchoolScore.objects.count()) == (runs, rows) == (1, 2)


def test_report_without_a_run_fails_with_a_chinese_message(world, scheme) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(forms.ValidationError) as refused:
        services.job_request(kind="ranking_xlsx", params={"semester": scheme.semester.pk}, by=world.bureau)
    assert "尚未计算" in " ".join(refused.value.messages)
    response = login(world.bureau).post(
        reverse("reports:request", args=["semester_notice_pdf"]),
        {"semester_notice_pdf-semester": scheme.semester.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "报表未能提交" in page and "尚未计算" in page and "请先在成绩页面计算" in page
    assert ReportJob.objects.count() == 0 and ScoreRun.objects.count() == 0


def test_a_report_reads_the_run_chosen_not_the_latest(world, scheme) -> None:  # type: ignore[no-untyped-def]
    older = scores_compute(scheme=scheme)
    SchemeWeight.objects.filter(scheme=scheme, indicator="test_first").update(weight=Decimal("10"))
    publish(scores_compute(scheme=scheme))
    params = get_exporter("ranking_xlsx").clean_params({"run": older.pk})
    assert params == {"semester": scheme.semester.pk, "run": older.pk}
    _, _, data = get_exporter("ranking_xlsx").render(params, user=world.bureau)
    ranking = load_workbook(io.BytesIO(data))["排名"]
    totals = {row[2]: row[5:7] for row in ranking.iter_rows(min_row=3, values_only=True)}
    assert totals["甲小学"] == (80, 80)  # 60 × 1 + 40 × 0.5 of 100 under the older weights, not 10 × 1 + 20
    _, _, latest = get_exporter("ranking_xlsx").render({"semester": scheme.semester.pk}, user=world.bureau)
    totals = {r[2]: r[5:7] for r in load_workbook(io.BytesIO(latest))["排名"].iter_rows(min_row=3, values_only=True)}
    assert totals["甲小学"] == (60, 30)  # 30 points of 50: 60 on 100


def test_run_of_another_semester_is_refused(world, scheme) -> None:  # type: ignore[no-untyped-def]
    other = scores_compute(scheme=ScoringScheme.objects.create(semester=SemesterFactory(term=2)))
    with pytest.raises(forms.ValidationError) as refused:
        get_exporter("ranking_xlsx").clean_params({"semester": scheme.semester.pk, "run": other.pk})
    assert "其他学期" in " ".join(refused.value.messages)


def test_compute_button_queues_a_task_storing_a_run(world, scheme, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    page = client.get(reverse("reports:scores"), {"semester": scheme.semester.pk}).content.decode()
    assert 'data-testid="compute-scores"' in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reports:score_run_compute"), {"semester": scheme.semester.pk})
    assert response.status_code == 302 and len(callbacks) == 1
    run = ScoreRun.objects.get()
    assert run.computed_by == world.bureau and run.scores.count() == 2
    event = AuditEvent.objects.get(object_type="reports.scoringscheme", user=world.bureau)
    assert event.object_id == str(scheme.pk) and event.note == "已申请计算得分"


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x", "discipline"])
def test_compute_is_refused_to_others(world, scheme, persona, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    user = BureauUserFactory(section="监察室") if persona == "discipline" else getattr(world, persona)
    client = login(user)
    page = client.get(reverse("reports:scores"), {"semester": scheme.semester.pk}).content.decode()
    assert "compute-scores" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:score_run_compute"), {"semester": scheme.semester.pk})
    assert response.status_code == 404
    assert ScoreRun.objects.count() == 0 and not AuditEvent.objects.filter(
        object_type="reports.scoringscheme", user=user
    )


def test_compute_needs_post(world, scheme) -> None:  # type: ignore[no-untyped-def]
    assert login(world.bureau).get(reverse("reports:score_run_compute")).status_code == 405


def test_demand_closed_at_0730_beijing_is_scored_on_the_beijing_day(world) -> None:  # type: ignore[no-untyped-def]
    """Deadline 3 November; closed 4 November 07:30 in Beijing, which is still
    3 November 23:30 in UTC: late, because the bureau's day is Beijing's."""
    semester = SemesterFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 1, 20))
    scheme = ScoringScheme.objects.create(semester=semester)
    SchemeWeight.objects.create(scheme=scheme, indicator="rectifications_on_time", weight=Decimal("20"))
    VisitFactory(school=world.school_a, date=datetime.date(2026, 10, 20))  # the indicator needs visits
    deadline = datetime.date(2026, 11, 3)
    closed_at = datetime.datetime(2026, 11, 4, 7, 30, tzinfo=BEIJING)
    assert closed_at.astimezone(datetime.UTC).date() == deadline
    RectificationFactory(
        school=world.school_a, deadline=deadline, status=RectificationStatus.ACCEPTED, closed_at=closed_at
    )
    RectificationFactory(
        school=world.school_b,
        deadline=deadline,
        status=RectificationStatus.ACCEPTED,
        closed_at=datetime.datetime(2026, 11, 3, 7, 30, tzinfo=BEIJING),  # 2 November in UTC, on time either way
    )
    run = scores_compute(scheme=scheme)
    a = next(b for b in run.scores.get(school=world.school_a).breakdown if b["indicator"] == "rectifications_on_time")
    b = next(b for b in run.scores.get(school=world.school_b).breakdown if b["indicator"] == "rectifications_on_time")
    assert (a["points"], b["points"]) == ("0.00", "20.00")
