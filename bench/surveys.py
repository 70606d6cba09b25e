"""Burden surveys at city scale: a round of 3,000 schools x 300 responses
(900,000), on a throw-away database of DATABASE_URL's server.

The bureau's round page (from the summary rows kept as responses arrive:
one row per school for the districts and the city, rows per school, grade
and week day for the grades and week days) against the raw aggregate query
over the responses that would otherwise answer it (per school: count,
average homework minutes, share over the grade's cap, average sleep, share
short of sleep, phones, after-school service, tutoring), A and B alternated
--repeat times after a warm-up each: p50 and p95 of each, the ratio, the
load average. Target: the page at p95 < 300 ms. Also the page of one
district's schools (the drill-down), the size of both pages' HTML
(target < 150 KB), and the statements of one page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench_surveys ../.venv/bin/python surveys.py
    ... surveys.py --schools 300 --per-school 50    # a quick run

The public form's POST is measured under gunicorn by ``survey_form.py``.

The responses are made by PostgreSQL (INSERT ... SELECT over
generate_series, random answers around the caps); the summary rows are then
built by the portal's own rebuild (``manage.py survey_rebuild``), whose
time is printed too. PostgreSQL only: the generator uses generate_series.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
from typing import Any

from _setup import bench_database


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def build(schools: int, per_school: int) -> tuple[Any, Any]:
    from django.db import connection
    from django.utils import timezone

    from jianfu.models import User
    from jianfu.roles import Role
    from schools.models import School, SchoolType
    from supervision.models import DistrictMembership, SupervisoryDistrict
    from supervision.surveys.models import Question, Questionnaire, RoundSchool, SurveyResponse, SurveyRound
    from supervision.surveys.seed import PARENTS_KEY, seed_questionnaires

    seed_questionnaires(Questionnaire, Question)
    questionnaire = Questionnaire.objects.get(key=PARENTS_KEY, version=1)
    bureau = User.objects.create_user("bench_bureau", role=Role.BUREAU)  # signed in with force_login
    School.objects.bulk_create(
        School(
            code=f"39{i:08d}",
            name=f"基准学校{i:05d}",
            school_type=SchoolType.JUNIOR if i % 3 == 0 else SchoolType.PRIMARY,
            town="基准镇",
        )
        for i in range(schools)
    )
    all_schools = list(School.objects.order_by("code"))
    districts = SupervisoryDistrict.objects.bulk_create(
        SupervisoryDistrict(number=n + 1, name=f"第{n + 1}基准责任区") for n in range((schools + 19) // 20)
    )
    start = datetime.date(2024, 9, 1)
    DistrictMembership.objects.bulk_create(
        DistrictMembership(school=s, district=districts[i // 20], start_date=start) for i, s in enumerate(all_schools)
    )
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        name="基准问卷",
        questionnaire=questionnaire,
        grades=list(range(1, 10)),
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=14),
        created_by=bureau,
    )
    RoundSchool.objects.bulk_create(RoundSchool(round=survey_round, school=s) for s in all_schools)
    q = {x.rule or f"{x.kind}{x.order}": x.field_name for x in questionnaire.questions.all()}
    table = SurveyResponse._meta.db_table
    # One statement per 100,000 responses: grade from the school's type,
    # homework minutes around the grade's cap, sleep around the need.
    total = schools * per_school
    step = 100_000
    with connection.cursor() as cursor:
        for first in range(0, total, step):
            cursor.execute(
                f"""
                INSERT INTO {table} (round_id, school_id, grade, class_number, submitted_at, refers_to, answers,
                                     device_hash)
                SELECT %(round)s, s.id, g.grade, NULL, now() - (n %% 14) * interval '1 day',
                       (current_date - (1 + n %% 5))::date,
                       jsonb_build_object(
                         %(hw)s, greatest(0, round((CASE WHEN g.grade <= 6 THEN 50 ELSE 80 END)
                                                   + 25 * (random() + random() - 1))),
                         %(sleep)s, round(((CASE WHEN g.grade <= 6 THEN 9.7 ELSE 8.8 END)
                                           + random() - 0.5)::numeric, 1),
                         %(phone)s, 1 + (n %% 3), %(after)s, 1 + (n %% 3), %(tutor)s, 1 + (n %% 3),
                         %(single)s, 1 + (n %% 3), %(multiple)s, jsonb_build_array(1 + n %% 3),
                         %(scale)s, 1 + (n %% 5)),
                       md5(n::text)
                FROM generate_series(%(first)s, %(last)s) AS n
                JOIN LATERAL (SELECT id, school_type FROM {School._meta.db_table}
                              WHERE code = '39' || lpad(((n - 1) / %(per)s)::text, 8, '0')) s ON true
                CROSS JOIN LATERAL (SELECT CASE WHEN s.school_type = 'junior' THEN 7 + n %% 3
                                                ELSE 1 + n %% 6 END AS grade) g
                """,  # noqa: S608 - our own table names
                {
                    "round": survey_round.pk,
                    "first": first + 1,
                    "last": min(total, first + step),
                    "per": per_school,
                    "hw": q["homework_minutes"],
                    "sleep": q["sleep_hours"],
                    "phone": q["phone_in_school"],
                    "after": q["afterschool"],
                    "tutor": q["paid_tutoring"],
                    "single": q["single6"],
                    "multiple": q["multiple7"],
                    "scale": q["scale8"],
                },
            )
            print(f"  {min(total, first + step):,} responses", flush=True)
        cursor.execute(f"ANALYZE {table}")
    return survey_round, bureau


RAW_QUERY = """
SELECT r.school_id, count(*),
       avg((r.answers->>%(hw)s)::float),
       count(*) FILTER (WHERE (r.answers->>%(hw)s)::float >
                        CASE WHEN r.grade <= 2 THEN %(cap12)s WHEN r.grade <= 6 THEN %(cap36)s ELSE %(cap79)s END),
       avg((r.answers->>%(sleep)s)::float),
       count(*) FILTER (WHERE (r.answers->>%(sleep)s)::float <
                        CASE WHEN r.grade <= 6 THEN %(sleep_p)s ELSE %(sleep_j)s END),
       count(*) FILTER (WHERE (r.answers->>%(phone)s)::int = 3),
       count(*) FILTER (WHERE (r.answers->>%(after)s)::int IN (1, 2)),
       count(*) FILTER (WHERE (r.answers->>%(tutor)s)::int IN (2, 3)),
       min(m.district_id)
FROM supervision_surveyresponse r
LEFT JOIN supervision_districtmembership m ON m.school_id = r.school_id AND m.end_date IS NULL
WHERE r.round_id = %(round)s
GROUP BY r.school_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--per-school", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10, help="runs of each side (the raw query takes seconds)")
    args = parser.parse_args()

    with bench_database() as where:
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        if connection.vendor != "postgresql":
            raise SystemExit("PostgreSQL only: set DATABASE_URL (see the docstring).")
        setup_test_environment()
        print(f"database: {where}; {args.schools:,} schools x {args.per_school} responses", flush=True)
        started = time.perf_counter()
        survey_round, bureau = build(args.schools, args.per_school)
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)

        from supervision.surveys.services import tallies_rebuild

        started = time.perf_counter()
        count = tallies_rebuild(survey_round=survey_round)
        print(f"summary rows rebuilt from {count:,} responses in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE supervision_surveytally")
            cursor.execute("ANALYZE supervision_surveyschooltally")
        from supervision.models import SupervisoryDistrict

        first_district = SupervisoryDistrict.objects.order_by("number").values_list("pk", flat=True).first()

        client = Client()
        client.force_login(bureau)
        url = reverse("surveys:round", args=[survey_round.pk])

        def page() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")

        q = {x.rule: x.field_name for x in survey_round.questionnaire.questions.all() if x.rule}
        params = {
            "round": survey_round.pk,
            "hw": q["homework_minutes"],
            "sleep": q["sleep_hours"],
            "phone": q["phone_in_school"],
            "after": q["afterschool"],
            "tutor": q["paid_tutoring"],
            "cap12": settings.HOMEWORK_WRITTEN_CAP_GRADES_1_2,
            "cap36": settings.HOMEWORK_WRITTEN_CAP_GRADES_3_6,
            "cap79": settings.HOMEWORK_WRITTEN_CAP_GRADES_7_9,
            "sleep_p": settings.SLEEP_HOURS_PRIMARY,
            "sleep_j": settings.SLEEP_HOURS_JUNIOR,
        }

        def raw() -> None:
            with connection.cursor() as cursor:
                cursor.execute(RAW_QUERY, params)
                cursor.fetchall()

        timings: list[tuple[float, str]] = []

        def timing(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append((time.perf_counter() - started, sql))

        page()
        with connection.execute_wrapper(timing):
            started = time.perf_counter()
            page()
            whole = time.perf_counter() - started
        print(
            f"one page: {whole * 1000:.0f} ms, of which {len(timings)} queries "
            f"{sum(t for t, _ in timings) * 1000:.0f} ms:"
        )
        for spent, sql in timings:
            print(f"  {spent * 1000:7.1f} ms  {sql[:110]}")
        drill = f"{url}?district={first_district}"

        def district_page() -> None:
            response = client.get(drill)
            if response.status_code != 200:
                raise RuntimeError(f"{drill}: {response.status_code}")

        sizes = {name: len(client.get(u).content) for name, u in (("round page", url), ("district page", drill))}
        page()
        raw()
        district_page()
        page_times: list[float] = []
        raw_times: list[float] = []
        district_times: list[float] = []
        for _ in range(args.repeat):
            for run, into in ((page, page_times), (raw, raw_times), (district_page, district_times)):
                started = time.perf_counter()
                run()
                into.append(time.perf_counter() - started)
        load = os.getloadavg()
        p50, p95 = percentiles(page_times)
        r50, r95 = percentiles(raw_times)
        d50, d95 = percentiles(district_times)
        print(f"A/B alternated, {args.repeat} runs each, {args.schools:,} schools x {args.per_school} responses:")
        print(f"  A bureau round page (summary rows), {len(timings)} queries:  p50 {p50:7.0f} ms  p95 {p95:7.0f} ms")
        print(f"  B raw aggregate query over the responses:          p50 {r50:7.0f} ms  p95 {r95:7.0f} ms")
        print(f"  raw/page at p95: {r95 / p95:.1f}x")
        print(f"  one district's page (drill-down):                 p50 {d50:7.0f} ms  p95 {d95:7.0f} ms")
        print("  HTML: " + ", ".join(f"{name} {size / 1024:.0f} KB" for name, size in sizes.items()))
        print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"page p95 < 300 ms: {'yes' if p95 < 300 else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
