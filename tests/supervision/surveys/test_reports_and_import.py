"""The survey report (PDF) and the workbook of aggregates (Excel) as report
jobs; the paper tallies' import."""

from __future__ import annotations

import datetime
import io
import urllib.parse

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from reports.jobs import services
from reports.models import JobStatus
from supervision.surveys.models import PaperTally, SurveyTally
from supervision.surveys.services import round_close, text_answer_redact

from .helpers import make_junior, open_round, submit

pytestmark = pytest.mark.django_db


def _run(kind: str, params: dict, user, capture) -> bytes:  # type: ignore[no-untyped-def,type-arg]
    with capture(execute=True):
        job = services.job_request(kind=kind, params=params, by=user)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return job.file.read()


def _round_with_answers(world):  # type: ignore[no-untyped-def]
    make_junior(world.school_b)
    survey_round = open_round(world)
    for _ in range(12):
        submit(survey_round, world.school_a, grade=4, minutes=75, text="王老师作业太多")
    for _ in range(4):
        submit(survey_round, world.school_b, grade=8, minutes=100)
    round_close(survey_round=survey_round, by=world.bureau)
    return survey_round


def test_pdf_report_through_a_report_job(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    survey_round = _round_with_answers(world)
    from supervision.surveys.models import SurveyTextAnswer

    first = SurveyTextAnswer.objects.filter(round=survey_round).first()
    assert first is not None
    text_answer_redact(answer=first, redacted="某老师作业太多", quotable=True, by=world.bureau)
    data = _run("survey_report_pdf", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "问卷调查情况的报告" in text
    assert world.school_a.name in text  # past the threshold
    assert world.school_b.name not in text  # four responses: not named
    assert "某老师作业太多" in text and "王老师" not in text


def test_excel_aggregates_through_a_report_job(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    survey_round = _round_with_answers(world)
    data = _run("survey_aggregates_xlsx", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames[:4] == ["学校", "责任区", "年级", "星期"]
    rows = [
        r for r in book["学校"].iter_rows(values_only=True) if r and r[0] in (world.school_a.code, world.school_b.code)
    ]
    by_code = {r[0]: r for r in rows}
    assert by_code[world.school_a.code][3] == 12 and by_code[world.school_a.code][5] == 1  # 100% over the cap
    assert by_code[world.school_b.code][4] == "答卷过少"


def test_excel_aggregates_leave_out_a_week_day_below_the_threshold(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from supervision.surveys.rules import WEEKDAY_NAMES, previous_school_day

    survey_round = open_round(world, days_ago=6)
    now = timezone.now()
    moments: dict[int, datetime.datetime] = {}
    for back in range(6):
        at = now - datetime.timedelta(days=back)
        if timezone.localdate(at) >= survey_round.opens_on:
            moments.setdefault(previous_school_day(timezone.localdate(at)).isoweekday(), at)
    (busy_day, busy), (quiet_day, quiet), *_more = moments.items()
    for _ in range(10):
        submit(survey_round, world.school_a, now=busy)
    for _ in range(2):
        submit(survey_round, world.school_a, now=quiet)
    data = _run("survey_aggregates_xlsx", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [r for r in book["星期"].iter_rows(values_only=True) if r and r[0]]
    days = {r[0]: r for r in rows if r[0] in WEEKDAY_NAMES.values()}
    # Neither day is listed: the busy one's 10 against the school's own 12
    # would give the quiet one away; the school's days are pooled instead.
    assert not days
    pooled = [r for r in rows if r[0] == "部分星期答卷过少的学校（合计）"]
    assert len(pooled) == 1 and pooled[0][1] == 12
    assert "答卷少于10份的分组不列出" in [r[0] for r in rows]
    assert WEEKDAY_NAMES[quiet_day] not in days and WEEKDAY_NAMES[busy_day] not in days


def test_only_bureau_staff_run_survey_reports(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = _round_with_answers(world)
    for user in (world.principal_a, world.supervisor_x):
        with pytest.raises(services.JobNotAllowed):
            services.job_request(kind="survey_report_pdf", params={"round": survey_round.pk}, by=user)
    with pytest.raises(forms.ValidationError):
        services.job_request(kind="survey_report_pdf", params={"round": 999999}, by=world.bureau)


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    from supervision.surveys.imports import PaperTallyImporter

    headers = [c.header for c in PaperTallyImporter.columns]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "纸质问卷汇总"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tallies.xlsx"  # type: ignore[attr-defined]
    return out


def test_paper_tallies_import(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    submit(survey_round, world.school_a, grade=4, minutes=30)
    client = Client()
    client.force_login(world.bureau)
    url = reverse("surveys:paper_import", args=[survey_round.pk])
    template = client.get(reverse("surveys:paper_template", args=[survey_round.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert template.status_code == 200
    # Named in Chinese like the portal's other downloads.
    assert "filename*=utf-8''" in template["Content-Disposition"]
    assert urllib.parse.quote("纸质问卷汇总") in template["Content-Disposition"]
    good = [world.school_a.code, world.school_a.name, 4, 30, 30, 62.5, 10, 30, 9.0, 20, 30, 3, 30, 25, 30, 6]
    bad = [world.school_a.code, "", 5, 10, 20, 60, 0, 0, None, 0, 0, 0, 0, 0, 0, 0]  # more answers than papers
    response = client.post(url, {"file": _workbook([good, bad])})
    assert response.status_code == 400
    assert "超过了" in response.content.decode()
    assert not PaperTally.objects.exists() and SurveyTally.objects.get().n == 1
    response = client.post(url, {"file": _workbook([good])})
    assert response.status_code == 302
    tally = PaperTally.objects.get()
    assert (tally.responses, tally.hw_n, tally.hw_sum, tally.hw_over) == (30, 30, 1875.0, 10)
    paper = SurveyTally.objects.get(weekday=0)
    assert (paper.n, paper.hw_over, paper.tutor_flag) == (30, 10, 6)
    assert sum(SurveyTally.objects.values_list("n", flat=True)) == 31
    # The same row again replaces, never adds.
    client.post(url, {"file": _workbook([good])})
    assert sum(SurveyTally.objects.values_list("n", flat=True)) == 31
    # A school outside the round is refused.
    response = client.post(url, {"file": _workbook([["9999999999", "", 4, 3] + [0] * 12])})
    assert response.status_code == 400 and "不是本轮调查的学校" in response.content.decode()
    # So is a grade the school does not teach (a primary school's grade 8).
    response = client.post(url, {"file": _workbook([[world.school_a.code, "", 8, 3] + [0] * 12])})
    assert response.status_code == 400 and "没有 8 年级" in response.content.decode()
    assert not PaperTally.objects.filter(grade=8).exists()


def _semester_with_rounds(world):  # type: ignore[no-untyped-def]
    """A semester with two closed rounds, one still open and one closed
    before the semester began."""
    from tests.factories import SemesterFactory

    today = timezone.localdate()
    semester = SemesterFactory(
        start_date=today - datetime.timedelta(days=60), end_date=today + datetime.timedelta(days=60)
    )
    first = _round_with_answers(world)
    first.name = "秋季家长问卷"
    first.save()
    second = open_round(world, days_ago=20, days_left=-10)  # closed by its dates
    second.name = "期中家长问卷"
    second.save()
    for _ in range(10):
        submit(second, world.school_b, grade=8, minutes=50, now=timezone.now() - datetime.timedelta(days=15))
    still_open = open_round(world)
    still_open.name = "尚未结束的问卷"
    still_open.save()
    before = open_round(world, days_ago=90, days_left=-80)
    before.name = "上学期的问卷"
    before.save()
    return semester


def test_semester_report_pdf_covers_the_closed_rounds(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    semester = _semester_with_rounds(world)
    data = _run("survey_semester_pdf", {"semester": semester.pk}, world.bureau, django_capture_on_commit_callbacks)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "秋季家长问卷" in text and "期中家长问卷" in text
    assert "尚未结束的问卷" not in text and "上学期的问卷" not in text
    assert world.school_a.name in text  # 12 responses in the first round
    assert "2 个已结束的调查轮次" in text


def test_semester_aggregates_excel(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    semester = _semester_with_rounds(world)
    data = _run("survey_semester_xlsx", {"semester": semester.pk}, world.bureau, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["轮次", "学校", "责任区", "年级"]
    rounds = [r for r in book["轮次"].iter_rows(values_only=True) if r and str(r[0]).startswith(("秋季", "期中"))]
    assert [(str(r[0])[:6], r[2], r[3], r[4]) for r in rounds] == [
        ("期中家长问卷", 1, 2, 10),
        ("秋季家长问卷", 1, 2, 12),
    ]
    schools = {
        (str(r[0])[:6], r[1]): r
        for r in book["学校"].iter_rows(values_only=True)
        if r and str(r[0])[:2] in ("秋季", "期中")
    }
    assert schools[("秋季家长问卷", world.school_a.code)][4] == 12
    assert schools[("秋季家长问卷", world.school_b.code)][5] == "答卷过少"
    assert schools[("期中家长问卷", world.school_b.code)][4] == 10


def test_semester_reports_bureau_only_and_need_a_closed_round(world) -> None:  # type: ignore[no-untyped-def]
    semester = _semester_with_rounds(world)
    for kind in ("survey_semester_pdf", "survey_semester_xlsx"):
        for user in (world.principal_a, world.supervisor_x):
            with pytest.raises(services.JobNotAllowed):
                services.job_request(kind=kind, params={"semester": semester.pk}, by=user)
    from schools.models import Term
    from tests.factories import SchoolYearFactory, SemesterFactory

    empty = SemesterFactory(
        school_year=SchoolYearFactory(
            name="2029-2030学年", start_date=datetime.date(2029, 8, 20), end_date=datetime.date(2030, 8, 19)
        ),
        term=Term.SECOND,
        start_date=datetime.date(2030, 2, 20),
        end_date=datetime.date(2030, 7, 10),
    )
    with pytest.raises(forms.ValidationError) as refused:
        services.job_request(kind="survey_semester_pdf", params={"semester": empty.pk}, by=world.bureau)
    assert "还没有已结束的问卷调查轮次" in str(refused.value)
