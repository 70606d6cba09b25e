"""A survey round's totals never give away a group below the threshold.

The walk found that the round's page (bureau and supervisors) showed a
school's figures and the round's totals next to grade and week-day rows of
which one was hidden, so that the total minus the rows shown gave the
hidden group: a school of 10 answers on one day and 2 on another showed 12
and 10, that is 2 families (and their average, 50 minutes). The rows past
the threshold leaked too, through the school pages: the round's grade 5
(12) minus school B's grade 5 on B's page (10) gave school A's two families
of grade 5, whose grade breakdown A's own page hides.

The rule (``selectors._pool_schools_without_breakdown``): the round's grade
and week-day rows add up only the schools whose own breakdown is shown; the
other shown schools are one pooled row. These tests check, on the page, in
the workbook and in the PDF, that every figure of a breakdown is then a sum
of figures shown school by school (so no difference gives anything away),
that no row is below the threshold, and that a round without a small group
reads as before.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.jobs import services as jobs
from reports.models import JobStatus
from schools.homework.rules import GRADE_NAMES
from schools.models import SchoolYear, Semester, Term
from supervision.surveys.models import (
    TALLY_FIELDS,
    PaperTally,
    RoundSchool,
    SurveyRound,
    SurveySchoolTally,
    SurveyTally,
)
from supervision.surveys.rules import WEEKDAY_NAMES, previous_school_day
from supervision.surveys.selectors import Figures, RoundResults, min_responses, round_results, school_results
from supervision.surveys.services import round_close, tallies_rebuild
from tests.supervision.surveys.helpers import entry, make_junior, open_round, submit

pytestmark = pytest.mark.django_db

POOLED_GRADES = "部分年级答卷过少的学校（合计）"
POOLED_WEEKDAYS = "部分星期答卷过少的学校（合计）"


# --- helpers ----------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, survey_round: SurveyRound) -> str:
    response = _client(user).get(reverse("surveys:round", args=[survey_round.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def _table(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</table>", start)]


def _body_rows(table: str) -> list[list[str]]:
    """The cells of each body row of a table of the page, as text."""
    body = table[table.index("<tbody>") :]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _described_days(survey_round: SurveyRound, count: int) -> list[tuple[int, datetime.datetime]]:
    """``count`` moments within the round whose responses describe different
    week days, with those days (1 = Monday)."""
    now = timezone.now()
    moments: dict[int, datetime.datetime] = {}
    for back in range(7):
        at = now - datetime.timedelta(days=back)
        if timezone.localdate(at) >= survey_round.opens_on:
            moments.setdefault(previous_school_day(timezone.localdate(at)).isoweekday(), at)
    assert len(moments) >= count
    return list(moments.items())[:count]


def _run(kind: str, params: dict[str, Any], user: Any, capture: Callable[..., Any]) -> bytes:
    with capture(execute=True):
        job = jobs.job_request(kind=kind, params=params, by=user)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    data: bytes = job.file.read()
    return data


def _sheet(data: bytes, title: str, labels: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """The rows of a sheet whose first cell is one of ``labels``, by it."""
    wanted = set(labels)
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {str(r[0]): r for r in book[title].iter_rows(values_only=True) if r and str(r[0]) in wanted}


def _notes(data: bytes, title: str) -> list[str]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [str(r[0]) for r in book[title].iter_rows(values_only=True) if r and r[0] and (len(r) < 2 or r[1] is None)]


GRADE_LABELS = [str(name) for name in GRADE_NAMES.values()]
DAY_LABELS = [name for day, name in WEEKDAY_NAMES.items() if day]


def _published_cells(survey_round: SurveyRound, user: Any) -> tuple[dict[int, Figures], dict[int, Figures]]:
    """What the school pages the user may open show, summed over the schools
    by grade and by week day: the figures a reader could subtract from the
    round's rows."""
    grades: dict[int, Figures] = {}
    days: dict[int, Figures] = {}
    client = _client(user)
    for school_id in RoundSchool.objects.filter(round=survey_round).values_list("school_id", flat=True):
        response = client.get(reverse("surveys:school", args=[survey_round.pk, school_id]))
        if response.status_code != 200:
            continue
        results = response.context["results"]  # what the page shows: nothing by group below the threshold
        for grade, figures, _recorded in results.grades:
            grades.setdefault(grade, Figures()).add(figures)
        for day, figures in results.weekdays:
            days.setdefault(day, Figures()).add(figures)
    return grades, days


def _same(a: Figures, b: Figures) -> bool:
    return all(getattr(a, f) == pytest.approx(getattr(b, f)) for f in TALLY_FIELDS)


def _assert_nothing_derivable(results: RoundResults, survey_round: SurveyRound, user: Any) -> None:
    """Every row of the round's breakdowns is past the threshold, equals the
    sum of the same group on the school pages (so that no difference with
    them isolates anything), and with the pooled row adds up to the total
    (the week days with the paper tallies of the schools whose days are
    shown, each past the threshold)."""
    least = min_responses()
    grades, days = _published_cells(survey_round, user)
    for group, figures in results.grades:
        assert figures.n >= least, (group, figures.n)
        assert _same(figures, grades.get(group, Figures())), group
    assert sorted(grades) == [g for g, _f in results.grades]
    for group, figures in results.weekdays:
        assert figures.n >= least, (group, figures.n)
        assert _same(figures, days.get(group, Figures())), group
    assert sorted(days) == [d for d, _f in results.weekdays]
    for pooled in (results.grades_pooled, results.weekdays_pooled):
        assert pooled.n == 0 or pooled.n >= least
    assert results.total.n == sum(f.n for _g, f in results.grades) + results.grades_pooled.n
    assert results.total.hw_sum == pytest.approx(
        sum(f.hw_sum for _g, f in results.grades) + results.grades_pooled.hw_sum
    )
    residue = results.total.n - sum(f.n for _d, f in results.weekdays) - results.weekdays_pooled.n
    assert residue == 0 or residue >= least  # the shown schools' paper tallies


# --- the walk's finding: a small grade next to the totals -------------------------------------


def _round_with_a_small_grade(world: Any) -> SurveyRound:
    """School A: 10 answers in grade 3 (40 minutes), 2 in grade 5 (100
    minutes, over the cap); school B (junior): 10 in grade 8."""
    make_junior(world.school_b)
    survey_round = open_round(world)
    for _ in range(10):
        submit(survey_round, world.school_a, grade=3, minutes=40)
    for _ in range(2):
        submit(survey_round, world.school_a, grade=5, minutes=100)
    for _ in range(10):
        submit(survey_round, world.school_b, grade=8, minutes=60)
    return survey_round


def test_a_small_grade_cannot_be_worked_out_from_the_totals(world: Any) -> None:
    survey_round = _round_with_a_small_grade(world)
    for user in (world.bureau, world.supervisor_x):
        results = round_results(survey_round=survey_round, user=user)
        _assert_nothing_derivable(results, survey_round, user)
        # School A's page hides its grades: all of A is one row, grade 3 included.
        assert 5 not in dict(results.grades) and 3 not in dict(results.grades)
        assert results.grades_pooled.n == 12 and results.grades_pooled.hw_avg == pytest.approx(50)
    bureau = round_results(survey_round=survey_round, user=world.bureau)
    assert [(g, f.n) for g, f in bureau.grades] == [(8, 10)] and bureau.total.n == 22
    # Before: 22 - 10 (grade 3) - 10 (grade 8) = 2 answers of grade 5, and
    # their 100 minutes from school A's 50 and grade 3's 40.
    table = _table(_page(world.bureau, survey_round), "grade-results")
    rows = _body_rows(table)
    assert [r[0] for r in rows] == ["八年级", POOLED_GRADES]
    assert [r[1] for r in rows] == ["10", "12"]
    assert "答卷过少</td>" not in table and "三年级" not in table and "五年级" not in table


def test_a_school_page_and_the_round_give_no_hidden_grade_away_together(world: Any) -> None:
    """The round's grade 5 minus school B's grade 5 (on B's page) was school
    A's grade 5, two families, though both rows were past the threshold."""
    survey_round = open_round(world)
    for _ in range(10):
        submit(survey_round, world.school_a, grade=3, minutes=40)
        submit(survey_round, world.school_b, grade=3, minutes=30)
        submit(survey_round, world.school_b, grade=5, minutes=50)
    for _ in range(2):
        submit(survey_round, world.school_a, grade=5, minutes=100)
    a = school_results(entry=entry(survey_round, world.school_a))
    b = school_results(entry=entry(survey_round, world.school_b))
    assert a.grades_hidden and not b.grades_hidden
    for user in (world.bureau, world.supervisor_x, world.supervisor_y):
        _assert_nothing_derivable(round_results(survey_round=survey_round, user=user), survey_round, user)
    results = round_results(survey_round=survey_round, user=world.bureau)
    assert [(g, f.n, f.hw_avg) for g, f in results.grades] == [(3, 10, 30), (5, 10, 50)]  # B's own rows
    assert results.grades_pooled.n == 12  # A, as a whole, as its page shows it
    rows = _body_rows(_table(_page(world.bureau, survey_round), "grade-results"))
    assert [(r[0], r[1]) for r in rows] == [("三年级", "10"), ("五年级", "10"), (POOLED_GRADES, "12")]


# --- week days and paper tallies ------------------------------------------------------------


def test_a_small_week_day_cannot_be_worked_out_from_the_totals(world: Any) -> None:
    """The walk's example: 10 answers describing one day, 2 another; the
    page showed the school's 12 and the day's 10."""
    survey_round = open_round(world, days_ago=6)
    (_busy_day, busy), (_quiet_day, quiet) = _described_days(survey_round, 2)
    for _ in range(10):
        submit(survey_round, world.school_a, minutes=40, now=busy)
    for _ in range(2):
        submit(survey_round, world.school_a, minutes=50, now=quiet)
    for user in (world.bureau, world.supervisor_x):
        results = round_results(survey_round=survey_round, user=user)
        _assert_nothing_derivable(results, survey_round, user)
        assert results.weekdays == [] and results.weekdays_pooled.n == 12
        rows = _body_rows(_table(_page(user, survey_round), "weekday-results"))
        assert rows == [[POOLED_WEEKDAYS, "12", "42", "0.0%"]]  # (10 x 40 + 2 x 50) / 12


def test_small_paper_tallies_pool_the_school_as_its_page_hides_its_days(world: Any) -> None:
    """Paper questionnaires have no week day: 3 of them were the school's
    figures minus its days, on the round as on the school's page."""
    survey_round = open_round(world, days_ago=6)
    (day_one, first), (day_two, second) = _described_days(survey_round, 2)
    for at in (first, second):
        for _ in range(10):
            submit(survey_round, world.school_a, now=at)
            submit(survey_round, world.school_b, now=at)
    PaperTally.objects.create(
        round=survey_round, school=world.school_a, grade=4, responses=3, hw_n=3, hw_sum=270.0, imported_by=world.bureau
    )
    tallies_rebuild(survey_round=survey_round)
    assert school_results(entry=entry(survey_round, world.school_a)).weekdays_hidden
    results = round_results(survey_round=survey_round, user=world.bureau)
    _assert_nothing_derivable(results, survey_round, world.bureau)
    assert [(d, f.n) for d, f in results.weekdays] == sorted([(day_one, 10), (day_two, 10)])  # school B's
    assert results.weekdays_pooled.n == 23  # school A with its paper


# --- the downloads ----------------------------------------------------------------------------


def test_the_workbook_gives_no_small_group_away(
    world: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    survey_round = open_round(world, days_ago=6)
    (busy_day, busy), (_quiet_day, quiet) = _described_days(survey_round, 2)
    make_junior(world.school_b)
    for _ in range(10):
        submit(survey_round, world.school_a, grade=3, minutes=40, now=busy)
        submit(survey_round, world.school_b, grade=8, minutes=60, now=busy)
    for _ in range(2):
        submit(survey_round, world.school_a, grade=5, minutes=100, now=quiet)
    data = _run("survey_aggregates_xlsx", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    districts = _sheet(data, "责任区", [world.district_x.name, world.district_y.name])
    total = sum(r[1] for r in districts.values())
    assert total == 22
    grades = _sheet(data, "年级", [*GRADE_LABELS, POOLED_GRADES])
    assert {k: r[1] for k, r in grades.items()} == {"八年级": 10, POOLED_GRADES: 12}
    days = _sheet(data, "星期", [*DAY_LABELS, POOLED_WEEKDAYS])
    assert {k: r[1] for k, r in days.items()} == {WEEKDAY_NAMES[busy_day]: 10, POOLED_WEEKDAYS: 12}
    for rows in (grades, days):
        assert all(r[1] >= 10 for r in rows.values())
        assert sum(r[1] for r in rows.values()) == total  # nothing left over to subtract
    assert any("不分年级、合为一行" in note for note in _notes(data, "年级"))
    assert any("不分星期、合为一行" in note for note in _notes(data, "星期"))


def test_the_pdf_report_gives_no_small_grade_away(
    world: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    survey_round = _round_with_a_small_grade(world)
    round_close(survey_round=survey_round, by=world.bureau)
    data = _run("survey_report_pdf", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    flat = re.sub(r"\s+", "", text)  # the PDF's cells wrap
    grades = flat[flat.index("年级年级") : flat.index("作业超时占比最高的学校")]
    assert re.search("八年级10", grades) and POOLED_GRADES + "12" in grades
    assert "三年级" not in grades and "五年级" not in grades and "不分年级、合为一行" in grades


def test_the_semester_workbook_gives_no_small_grade_away(
    world: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    year = SchoolYear.objects.create(
        name="测试学年", start_date=today - datetime.timedelta(days=100), end_date=today + datetime.timedelta(days=250)
    )
    semester = Semester.objects.create(
        school_year=year,
        term=Term.FIRST,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
    )
    survey_round = _round_with_a_small_grade(world)
    round_close(survey_round=survey_round, by=world.bureau)
    data = _run("survey_semester_xlsx", {"semester": semester.pk}, world.bureau, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(data), read_only=True)
    total = next(r[4] for r in book["轮次"].iter_rows(values_only=True) if r and str(r[0]).startswith("测试问卷轮次"))
    grades: list[tuple[Any, ...]] = [
        r for r in book["年级"].iter_rows(values_only=True) if r and str(r[0]).startswith("测试问卷轮次")
    ]
    assert [(r[1], r[2]) for r in grades] == [("八年级", 10), (POOLED_GRADES, 12)]
    assert sum(r[2] for r in grades) == total == 22


# --- rounds without a small group read as before ----------------------------------------------


def _round_without_a_small_group(world: Any) -> SurveyRound:
    make_junior(world.school_b)
    survey_round = open_round(world)
    for _ in range(10):
        submit(survey_round, world.school_a, grade=3, minutes=40)
        submit(survey_round, world.school_a, grade=4, minutes=70)
        submit(survey_round, world.school_b, grade=8, minutes=100)
    return survey_round


def _plain_sums(survey_round: SurveyRound, dimension: str) -> list[tuple[int, int, float]]:
    """The rows as the round summed them before the rule: every shown school, by ``dimension``."""
    shown = SurveySchoolTally.objects.filter(round=survey_round, n__gte=min_responses()).values("school_id")
    return [
        (key, n, hw)
        for key, n, hw in SurveyTally.objects.filter(round=survey_round, school_id__in=shown)
        .values(dimension)
        .annotate(n_=Sum("n"), hw_=Sum("hw_sum"))
        .order_by(dimension)
        .values_list(dimension, "n_", "hw_")
        if key
    ]


def test_a_round_without_a_small_group_reads_as_before(
    world: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    survey_round = _round_without_a_small_group(world)
    for user in (world.bureau, world.supervisor_x):
        results = round_results(survey_round=survey_round, user=user)
        _assert_nothing_derivable(results, survey_round, user)
        assert results.grades_pooled == Figures() and results.weekdays_pooled == Figures()
    results = round_results(survey_round=survey_round, user=world.bureau)
    assert [(g, f.n, f.hw_sum) for g, f in results.grades] == _plain_sums(survey_round, "grade")
    assert [(d, f.n, f.hw_sum) for d, f in results.weekdays] == _plain_sums(survey_round, "weekday")
    assert [(g, f.n) for g, f in results.grades] == [(3, 10), (4, 10), (8, 10)]
    page = _page(world.bureau, survey_round)
    assert [r[:2] for r in _body_rows(_table(page, "grade-results"))] == [
        ["三年级", "10"],
        ["四年级", "10"],
        ["八年级", "10"],
    ]
    assert 'data-testid="grades-pooled"' not in page and 'data-testid="weekdays-pooled"' not in page
    assert "合为一行" not in page
    data = _run("survey_aggregates_xlsx", {"round": survey_round.pk}, world.bureau, django_capture_on_commit_callbacks)
    assert {k: r[1] for k, r in _sheet(data, "年级", [*GRADE_LABELS, POOLED_GRADES]).items()} == {
        "三年级": 10,
        "四年级": 10,
        "八年级": 10,
    }
    assert _notes(data, "年级") == ["答卷少于10份的分组不列出"]
    assert POOLED_WEEKDAYS not in _sheet(data, "星期", [*DAY_LABELS, POOLED_WEEKDAYS])


def test_schools_below_the_threshold_stay_out_of_every_row(world: Any) -> None:
    """A school below the threshold is in no total, pooled row included."""
    survey_round = _round_without_a_small_group(world)
    for _ in range(3):
        submit(survey_round, world.school_b, grade=9, minutes=200)  # B now has a small grade
    other = open_round(world, schools=[world.school_a, world.school_b])
    for _ in range(4):
        submit(other, world.school_a, grade=5, minutes=300)  # A below the threshold
    for _ in range(10):
        submit(other, world.school_b, grade=8, minutes=60)
    results = round_results(survey_round=survey_round, user=world.bureau)
    _assert_nothing_derivable(results, survey_round, world.bureau)
    assert [(g, f.n) for g, f in results.grades] == [(3, 10), (4, 10)] and results.grades_pooled.n == 13
    below = round_results(survey_round=other, user=world.bureau)
    _assert_nothing_derivable(below, other, world.bureau)
    assert [(g, f.n) for g, f in below.grades] == [(8, 10)] and below.grades_pooled == Figures()
    assert below.total.n == 10
