"""Results: the threshold, scoping by persona, the cross-check with recorded
homework, summary rows rebuilt equal to the incremental ones, fixed query
counts, redaction, the indicator."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import HomeworkDay, SchoolClass, SchoolType
from supervision.surveys.models import (
    ROUND_TALLY_SHARDS,
    PaperTally,
    SurveyAnswerTally,
    SurveyRoundTally,
    SurveySchoolTally,
    SurveyTally,
    SurveyTextAnswer,
)
from supervision.surveys.rules import previous_school_day
from supervision.surveys.selectors import round_results, school_results, survey_round_weeks
from supervision.surveys.services import (
    SurveyError,
    round_close,
    survey_redaction_suggest,
    tallies_rebuild,
    text_answer_redact,
)
from tests.factories import DistrictMembershipFactory, SchoolFactory

from .helpers import entry, make_junior, open_round, submit

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _school_url(survey_round, school) -> str:  # type: ignore[no-untyped-def]
    return reverse("surveys:school", args=[survey_round.pk, school.pk])


def test_threshold_hides_a_school_below_ten(world) -> None:  # type: ignore[no-untyped-def]
    make_junior(world.school_b)
    survey_round = open_round(world)
    for _ in range(9):
        submit(survey_round, world.school_a, minutes=80)
    for _ in range(10):
        submit(survey_round, world.school_b, grade=8, minutes=100)
    results = round_results(survey_round=survey_round, user=world.bureau)
    rows = {r.school_id: r for r in results.schools}
    assert not rows[world.school_a.pk].enough and rows[world.school_b.pk].enough
    # Totals add only schools past the threshold: the city, the districts,
    # the grades and the week days (the bureau's from the round's shards
    # minus the schools below the threshold, a supervisor's from the rows
    # of the schools they see: the same figures).
    assert results.total.n == 10 and results.total.hw_over == 10
    assert [(d.name, d.schools, d.figures.n) for d in results.districts] == [(world.district_y.name, 1, 10)]
    assert [(g, f.n, f.hw_over) for g, f in results.grades] == [(8, 10, 10)]
    assert sum(f.n for _d, f in results.weekdays) == 10
    seen_by_y = round_results(survey_round=survey_round, user=world.supervisor_y)
    assert [(g, f.n, f.hw_sum) for g, f in seen_by_y.grades] == [(g, f.n, f.hw_sum) for g, f in results.grades]
    assert [(d, f.n) for d, f in seen_by_y.weekdays] == [(d, f.n) for d, f in results.weekdays]
    page = _client(world.bureau).get(reverse("surveys:round", args=[survey_round.pk])).content.decode()
    assert "答卷过少" in page
    detail = _client(world.bureau).get(_school_url(survey_round, world.school_a)).content.decode()
    assert "答卷过少" in detail and 'data-testid="school-figures"' not in detail
    submit(survey_round, world.school_a, minutes=80)
    detail = _client(world.bureau).get(_school_url(survey_round, world.school_a)).content.decode()
    assert 'data-testid="school-figures"' in detail


def test_grade_breakdown_hidden_when_a_grade_is_below_the_threshold(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    for _ in range(10):
        submit(survey_round, world.school_a, grade=3)
    submit(survey_round, world.school_a, grade=5)
    results = school_results(entry=entry(survey_round, world.school_a))
    assert results.enough and results.grades_hidden and results.grades == []


def _two_described_days(survey_round) -> tuple[datetime.datetime, datetime.datetime]:  # type: ignore[no-untyped-def]
    """Two moments within the round whose responses describe two different week days."""
    now = timezone.now()
    moments: dict[int, datetime.datetime] = {}
    for back in range(6):
        at = now - datetime.timedelta(days=back)
        if timezone.localdate(at) >= survey_round.opens_on:
            moments.setdefault(previous_school_day(timezone.localdate(at)).isoweekday(), at)
    first, second, *_more = moments.values()
    return first, second


def _weekday_table(page: str) -> str:
    start = page.index('data-testid="weekday-results"')
    return page[start : page.index("</table>", start)]


def test_a_school_page_hides_the_week_days_when_one_is_below_the_threshold(world) -> None:  # type: ignore[no-untyped-def]
    """The walk found 星期三 "2 · 50" on a principal's page: two families'
    figures. A week day below the threshold hides the breakdown, as a grade
    does, with a notice; the rest of the page stays."""
    survey_round = open_round(world, days_ago=6)
    busy, quiet = _two_described_days(survey_round)
    for _ in range(10):
        submit(survey_round, world.school_a, minutes=40, now=busy)
    for _ in range(2):
        submit(survey_round, world.school_a, minutes=50, now=quiet)
    results = school_results(entry=entry(survey_round, world.school_a))
    assert results.enough and results.weekdays_hidden and results.weekdays == []
    round_close(survey_round=survey_round, by=world.bureau)
    for user in (world.principal_a, world.bureau):
        page = _client(user).get(_school_url(survey_round, world.school_a)).content.decode()
        assert 'data-testid="school-figures"' in page
        assert 'data-testid="weekdays-hidden"' in page and "部分星期答卷过少" in page
        assert 'data-testid="weekday-results"' not in page


def test_a_school_page_shows_the_week_days_when_each_is_past_the_threshold(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world, days_ago=6)
    busy, quiet = _two_described_days(survey_round)
    for at in (busy, quiet):
        for _ in range(10):
            submit(survey_round, world.school_a, now=at)
    results = school_results(entry=entry(survey_round, world.school_a))
    assert not results.weekdays_hidden and [f.n for _d, f in results.weekdays] == [10, 10]
    page = _client(world.bureau).get(_school_url(survey_round, world.school_a)).content.decode()
    assert 'data-testid="weekday-results"' in page and 'data-testid="weekdays-hidden"' not in page
    # Paper questionnaires (no week day) below the threshold would be the
    # school's figures minus the days shown: they hide the days too.
    PaperTally.objects.create(
        round=survey_round, school=world.school_a, grade=4, responses=3, hw_n=3, hw_sum=90.0, imported_by=world.bureau
    )
    tallies_rebuild(survey_round=survey_round)
    results = school_results(entry=entry(survey_round, world.school_a))
    assert results.weekdays_hidden and results.weekdays == []


def test_the_round_page_shows_no_figures_of_a_week_day_below_the_threshold(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world, days_ago=6)
    busy, quiet = _two_described_days(survey_round)
    for _ in range(10):
        submit(survey_round, world.school_a, minutes=40, now=busy)
    for _ in range(2):
        submit(survey_round, world.school_a, minutes=50, now=quiet)
    for user in (world.bureau, world.supervisor_x):
        table = _weekday_table(_client(user).get(reverse("surveys:round", args=[survey_round.pk])).content.decode())
        # The school's two days would give the small one away by subtraction
        # from its own row (12 - 10): its days go whole into one pooled row.
        assert "部分星期答卷过少的学校（合计）" in table
        assert ">12<" in table and ">10<" not in table and ">2<" not in table and ">50<" not in table


def test_supervisors_see_their_schools_only(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = _client(world.supervisor_x)
    assert client.get(reverse("surveys:round", args=[survey_round.pk])).status_code == 200
    assert client.get(_school_url(survey_round, world.school_a)).status_code == 200
    assert client.get(_school_url(survey_round, world.school_b)).status_code == 404
    page = client.get(reverse("surveys:round", args=[survey_round.pk])).content.decode()
    assert world.school_a.name in page and world.school_b.name not in page
    # Bureau-only pages: free text, links, paper import, closing.
    for name in ("texts", "links", "paper_import", "paper_template"):
        assert client.get(reverse(f"surveys:{name}", args=[survey_round.pk])).status_code == 404
    assert client.post(reverse("surveys:round_close", args=[survey_round.pk])).status_code == 404


def test_principals_see_their_school_once_the_round_closes(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    for _ in range(10):
        submit(survey_round, world.school_a)
    client = _client(world.principal_a)
    assert client.get(_school_url(survey_round, world.school_a)).status_code == 404
    assert client.get(reverse("surveys:round", args=[survey_round.pk])).status_code == 404
    round_close(survey_round=survey_round, by=world.bureau)
    assert client.get(_school_url(survey_round, world.school_a)).status_code == 200
    assert client.get(_school_url(survey_round, world.school_b)).status_code == 404
    redirect = client.get(reverse("surveys:round", args=[survey_round.pk]))
    assert redirect.status_code == 302 and redirect["Location"] == _school_url(survey_round, world.school_a)
    # Free text never reaches a school.
    assert client.get(reverse("surveys:texts", args=[survey_round.pk])).status_code == 404


def test_outsiders_get_404_on_a_round_of_other_schools(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world, schools=[world.school_b])
    round_close(survey_round=survey_round, by=world.bureau)
    for user in (world.principal_a, world.supervisor_x):
        client = _client(user)
        assert client.get(reverse("surveys:round", args=[survey_round.pk])).status_code == 404
        assert client.get(_school_url(survey_round, world.school_b)).status_code == 404
        assert world.school_b.name not in client.get(reverse("surveys:rounds")).content.decode()


def test_outsiders_get_404_on_every_survey_url(world) -> None:  # type: ignore[no-untyped-def]
    """Every staff URL of the surveys, read from the URL conf (so a new one is
    covered too), GET and POST, for a principal and a supervisor of other
    schools: 404, never 403 or a page."""
    from django.urls import get_resolver

    from supervision.surveys import urls as survey_urls
    from supervision.surveys.models import Questionnaire

    survey_round = open_round(world, schools=[world.school_b])
    submit(survey_round, world.school_b, text="作业太多")
    round_close(survey_round=survey_round, by=world.bureau)
    text = SurveyTextAnswer.objects.get()
    questionnaire = Questionnaire.objects.order_by("pk").first()
    assert questionnaire is not None
    values = {
        "pk": survey_round.pk,
        "school_pk": world.school_b.pk,
        "text_pk": text.pk,
    }
    public = {"public_form", "public_done", "public_captcha"}
    everyone = {"rounds"}  # the list itself, filtered by scope
    checked = 0
    resolver = get_resolver(survey_urls)
    for pattern in survey_urls.urlpatterns:
        name = pattern.name
        if name in public or name in everyone:
            continue
        params = list(resolver.reverse_dict.getlist(name)[0][0][0][1])
        kwargs = {p: (questionnaire.pk if name == "questionnaire" else values[p]) for p in params}
        url = reverse(f"surveys:{name}", kwargs=kwargs)
        for user in (world.principal_a, world.supervisor_x):
            client = _client(user)
            assert client.get(url).status_code == 404, (name, user)
            assert client.post(url).status_code == 404, (name, user)
        checked += 1
    assert checked >= 12
    assert SurveyTextAnswer.objects.get().quotable is False and not survey_round.paper.exists()


def test_cross_check_with_recorded_homework(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    start, end = survey_round_weeks(survey_round=survey_round)
    school_class = SchoolClass.objects.create(school=world.school_a, grade=4, number=1)
    day = start
    while day <= end:
        if day.weekday() < 5:
            HomeworkDay.objects.create(
                school_class=school_class,
                school=world.school_a,
                grade=4,
                date=day,
                written_minutes=30,
                total_minutes=40,
            )
        day += datetime.timedelta(days=1)
    # Outside the weeks, and another grade not surveyed: ignored.
    HomeworkDay.objects.create(
        school_class=school_class,
        school=world.school_a,
        grade=4,
        date=start - datetime.timedelta(days=3),
        written_minutes=200,
        total_minutes=200,
    )
    for _ in range(10):
        submit(survey_round, world.school_a, grade=4, minutes=70)
    results = school_results(entry=entry(survey_round, world.school_a))
    assert results.recorded is not None and results.recorded.avg == 30
    assert results.figures.hw_avg == 70 and results.gap == 40 and results.flagged
    row = next(
        r
        for r in round_results(survey_round=survey_round, user=world.bureau).schools
        if r.school_id == world.school_a.pk
    )
    assert row.flagged and row.recorded is not None and row.recorded.days > 0
    page = _client(world.bureau).get(_school_url(survey_round, world.school_a)).content.decode()
    assert 'data-testid="crosscheck-flag"' in page
    # Families reporting what the school recorded: no flag.
    other = open_round(world)
    for _ in range(10):
        submit(other, world.school_a, grade=4, minutes=35)
    assert not school_results(entry=entry(other, world.school_a)).flagged


def _snapshot(survey_round):  # type: ignore[no-untyped-def]
    tallies = sorted(
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in SurveyTally.objects.filter(round=survey_round).values_list(
            "school_id",
            "grade",
            "weekday",
            "n",
            "hw_n",
            "hw_sum",
            "hw_over",
            "sleep_n",
            "sleep_sum",
            "sleep_under",
            "phone_n",
            "phone_flag",
            "after_n",
            "after_flag",
            "tutor_n",
            "tutor_flag",
        )
    )
    answers = sorted(
        SurveyAnswerTally.objects.filter(round=survey_round).values_list(
            "school_id", "grade", "question_id", "option", "count", "total"
        )
    )
    fields = ("n", "hw_n", "hw_sum", "hw_over", "sleep_n", "sleep_sum", "sleep_under", "phone_n", "phone_flag")
    schools = sorted(
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in SurveySchoolTally.objects.filter(round=survey_round).values_list(
            "school_id", *fields, "after_n", "after_flag", "tutor_n", "tutor_flag"
        )
    )
    shards = sorted(
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in SurveyRoundTally.objects.filter(round=survey_round).values_list(
            "shard", "grade", "weekday", *fields, "after_n", "after_flag", "tutor_n", "tutor_flag"
        )
    )
    return tallies, answers, schools, shards


def test_rebuild_equals_the_incremental_rows(world) -> None:  # type: ignore[no-untyped-def]
    for school in (world.school_a, world.school_b):  # answers of grades 3 to 9
        school.school_type = SchoolType.NINE_YEAR
        school.save(update_fields=["school_type"])
    survey_round = open_round(world, days_ago=6)
    now = timezone.now()
    for i in range(24):
        submit(
            survey_round,
            world.school_a if i % 3 else world.school_b,
            grade=3 + i % 7,
            minutes=15 * (i % 8),
            sleep=7 + (i % 6) * 0.5,
            phone=1 + i % 3,
            after=1 + i % 3,
            tutor=1 + i % 3,
            now=now - datetime.timedelta(days=i % 6),
        )
    PaperTally.objects.create(
        round=survey_round,
        school=world.school_a,
        grade=5,
        responses=40,
        hw_n=38,
        hw_sum=38 * 55.0,
        hw_over=9,
        sleep_n=40,
        sleep_sum=380.0,
        sleep_under=12,
        imported_by=world.bureau,
    )
    tallies_rebuild(survey_round=survey_round)  # the paper tally joins through a rebuild
    incremental = _snapshot(survey_round)
    # Now the incremental upkeep on top of the rebuilt rows, then a rebuild again.
    for _ in range(5):
        submit(survey_round, world.school_b, grade=8, minutes=120)
    incremental = _snapshot(survey_round)
    assert len(incremental[0]) > 5 and len(incremental[2]) == 2
    # The row per school is the sum of its rows per grade and week day.
    for school_row in incremental[2]:
        parts = [t for t in incremental[0] if t[0] == school_row[0]]
        assert school_row[1:] == tuple(round(sum(t[3 + i] for t in parts), 6) for i in range(13))
    # And a round's shard row is the sum of its schools' rows of that grade and week day.
    assert len(incremental[3]) > 5
    for shard_row in incremental[3]:
        shard, grade, weekday = shard_row[:3]
        parts = [t for t in incremental[0] if t[0] % ROUND_TALLY_SHARDS == shard and t[1:3] == (grade, weekday)]
        assert shard_row[3:] == tuple(round(sum(t[3 + i] for t in parts), 6) for i in range(13))
    tallies_rebuild(survey_round=survey_round)
    assert _snapshot(survey_round) == incremental
    # And from nothing at all.
    SurveyTally.objects.all().delete()
    SurveyAnswerTally.objects.all().delete()
    SurveySchoolTally.objects.all().delete()
    SurveyRoundTally.objects.all().delete()
    tallies_rebuild(survey_round=survey_round)
    assert _snapshot(survey_round) == incremental


def test_weekday_is_the_school_day_described() -> None:
    monday = datetime.date(2026, 11, 30)
    assert previous_school_day(monday) == datetime.date(2026, 11, 27)  # Friday
    assert previous_school_day(monday + datetime.timedelta(days=6)) == datetime.date(2026, 12, 4)  # Sunday -> Friday
    assert previous_school_day(monday + datetime.timedelta(days=2)) == datetime.date(2026, 12, 1)


def test_round_page_queries_do_not_grow_with_schools(world) -> None:  # type: ignore[no-untyped-def]
    """The round's page (all schools, a district's drill-down, a later page
    of schools) and a school's page: the same queries for 3 schools as for
    60 (more than a page of 50)."""
    client = _client(world.bureau)

    def count(n_schools: int) -> tuple[int, ...]:
        schools = [SchoolFactory() for _ in range(n_schools)]
        for s in schools:
            DistrictMembershipFactory(school=s, district=world.district_x, start_date=datetime.date(2024, 9, 1))
        survey_round = open_round(world, schools=schools)
        for s in schools[:2]:
            for _ in range(10):
                submit(survey_round, s)
        for s in schools[2:]:
            submit(survey_round, s)  # below the threshold
        url = reverse("surveys:round", args=[survey_round.pk])
        counts = []
        for query in ("", f"?district={world.district_x.pk}", "?page=2"):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url + query)
            assert response.status_code == 200
            assert response.context["results"].total.n == 20  # the two schools past the threshold
            counts.append(len(ctx))
        with CaptureQueriesContext(connection) as detail:
            assert client.get(_school_url(survey_round, schools[0])).status_code == 200
        return (*counts, len(detail))

    few, many = count(3), count(60)
    assert few == many
    assert min(few) > 5  # the capture saw the pages' queries


def test_round_page_lists_a_page_of_schools_and_a_district(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = _client(world.bureau)
    url = reverse("surveys:round", args=[survey_round.pk])
    all_schools = client.get(url).context["results"]
    assert {r.school_id for r in all_schools.schools} == {world.school_a.pk, world.school_b.pk}
    only_y = client.get(url, {"district": world.district_y.pk}).context["results"]
    assert [r.school_id for r in only_y.schools] == [world.school_b.pk]
    assert only_y.district is not None and only_y.district.name == world.district_y.name
    assert only_y.schools_in_round == 2


def test_redaction_before_quotation(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    submit(survey_round, world.school_a, text="王老师布置太多，电话13912345678，三班")
    answer = SurveyTextAnswer.objects.get()
    suggestion = survey_redaction_suggest(text=answer.text)
    assert "13912345678" not in suggestion and "王老师" not in suggestion and "三班" not in suggestion
    with pytest.raises(SurveyError):
        text_answer_redact(answer=answer, redacted="", quotable=True, by=world.bureau)
    with pytest.raises(SurveyError):
        text_answer_redact(answer=answer, redacted=answer.text, quotable=True, by=world.bureau)
    text_answer_redact(answer=answer, redacted=suggestion, quotable=True, by=world.bureau)
    answer.refresh_from_db()
    assert answer.quotable and answer.redacted == suggestion


def test_survey_indicator(world) -> None:  # type: ignore[no-untyped-def]
    from reports.registry import indicators
    from tests.factories import SemesterFactory

    today = timezone.localdate()
    semester = SemesterFactory(
        start_date=today - datetime.timedelta(days=60), end_date=today + datetime.timedelta(days=60)
    )
    survey_round = open_round(world, days_ago=5, days_left=5)
    for i in range(10):
        submit(survey_round, world.school_a, grade=4, minutes=90 if i < 5 else 30, sleep=10)
    indicator = indicators.get("survey_burden")
    assert indicator is not None
    assert not indicator.available(semester)
    round_close(survey_round=survey_round, by=world.bureau)
    assert indicator.available(semester)
    results = indicator.compute(semester, [world.school_a.pk, world.school_b.pk], {})
    assert results[world.school_a.pk].value == pytest.approx(0.75)  # half over the cap, none short of sleep
    assert results[world.school_b.pk].value == 1.0


def test_districts_read_in_their_natural_order(world) -> None:  # type: ignore[no-untyped-def]
    """第2 before 第10, as people count (a plain string sort puts 第10 first)."""
    world.district_x.name = "第10督学责任区"
    world.district_x.save()
    world.district_y.name = "第2督学责任区"
    world.district_y.save()
    survey_round = open_round(world)
    for school in (world.school_a, world.school_b):
        for _ in range(10):
            submit(survey_round, school, minutes=60)
    results = round_results(survey_round=survey_round, user=world.bureau)
    assert [d.name for d in results.districts] == ["第2督学责任区", "第10督学责任区"]


def test_a_new_round_from_the_page_cannot_be_closed_already(world) -> None:  # type: ignore[no-untyped-def]
    """A round whose closing day has passed takes no answers, yet the page
    then asked staff to print the parents' notices: the form refuses it (in
    Chinese), names the round 名称, not 姓名, and saves nothing."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from supervision.surveys.models import SurveyRound
    from tests.supervision.helpers import login
    from tests.supervision.surveys.helpers import parents_questionnaire

    questionnaire = parents_questionnaire()
    client = login(world.bureau)
    page = client.get(reverse("surveys:round_new"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "名称" in page and "姓名" not in page
    today = timezone.localdate()
    data = {
        "name": "往期问卷",
        "questionnaire": questionnaire.pk,
        "grades": ["1", "2"],
        "schools": [world.school_a.pk],
        "opens_on": (today - datetime.timedelta(days=30)).isoformat(),
        "closes_on": (today - datetime.timedelta(days=20)).isoformat(),
    }
    response = client.post(reverse("surveys:round_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (200, 400) and "该日期已过" in response.content.decode()
    assert not SurveyRound.objects.exists()
    data["closes_on"] = today.isoformat()
    assert client.post(reverse("surveys:round_new"), data).status_code == 302
    assert SurveyRound.objects.count() == 1


def test_the_phone_figure_has_one_name_in_the_page_the_workbook_and_the_report() -> None:
    """The flagged answer is "brought in and kept by the pupil": the page and
    the workbook said 自带手机进校 (which counts a phone handed in at the gate
    too) while the PDF said 自行保管."""
    from django.utils import translation

    from supervision.surveys.exports import FIGURE_COLUMNS

    with translation.override("zh-hans"):
        page = translation.gettext("Phone kept by pupil")
        report = translation.gettext(
            "Phones kept by pupils in school: %(phone)s; taking the after-school service: "
            "%(after)s; in paid off-campus subject tutoring: %(tutor)s."
        )
    workbook = [c for c in FIGURE_COLUMNS if "手机" in c.header]
    assert "自行保管手机" in page and "自行保管手机" in report
    assert len(workbook) == 1 and "自行保管手机" in workbook[0].header


def test_a_response_keeps_its_moment_whatever_zone_it_was_given_in(world) -> None:  # type: ignore[no-untyped-def]
    """The demo gave a response 19:30 Beijing time of today: written by the
    raw INSERT as its own zone's text on SQLite, it sorted after the ORM's
    UTC text of a later moment (at 15:49 UTC it was "in the future")."""
    from supervision.surveys.models import SurveyResponse

    survey_round = open_round(world, days_ago=3)
    beijing = timezone.get_fixed_timezone(8 * 60)
    at = (timezone.now() - datetime.timedelta(days=1)).astimezone(beijing).replace(microsecond=0)
    submit(survey_round, world.school_a, now=at)
    stored = SurveyResponse.objects.get(round=survey_round)
    assert stored.submitted_at == at
    # One second later (in UTC, as the ORM compares) finds it before; one
    # second earlier does not.
    assert SurveyResponse.objects.filter(submitted_at__lt=at + datetime.timedelta(seconds=1)).count() == 1
    assert SurveyResponse.objects.filter(submitted_at__gt=at).count() == 0
    assert SurveyResponse.objects.filter(submitted_at__gt=at - datetime.timedelta(seconds=1)).count() == 1
