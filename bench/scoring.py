"""Scoring: a semester's scores at city and province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench_scoring \\
        .venv/bin/python bench/scoring.py [--sizes 3000 30000] [--repeat 2]

Makes, in a throw-away database, the largest size's schools with a full
spring semester (2026-02-23 to 2026-07-10, 20 weeks) of records, by
PostgreSQL itself (``INSERT ... SELECT``, each table cloned from one template
row that the ORM wrote, so every column has a valid value):

- schools (a third junior secondary) in districts of 20, 24 classes each;
- homework: the summary rows (one per school, grade and fragment of a week,
  what the homework indicator reads) for the 19 whole weeks, made directly,
  and the raw class-days of the last, partial week (2026-07-06 to 07-10)
  with its summary rows computed from them by the portal's own refresh.
  The semester ends on a Friday, so the indicator reads that week's summary
  less its weekend (:func:`schools.homework.selectors.homework_edge_plan`),
  no raw class-day. The interior weeks' raw class-days (some 34 million
  rows at 30,000 schools) are not made: the scores never read them;
- four visits per school with ten rated checklist items each;
- a rectification demand for every third school, half of them closed on time;
- one to three concluded complaints for every tenth school, some
  substantiated with the school's liability;
- the school year's pledge signed by half of the schools.

Then, for each size (the first N schools active, the others not), it runs
``scores_compute`` alternately A (chunks of 2,000 schools, the default) and
B (one chunk of all schools), each run in a fresh process of its own
(``scoring.py --child``), and prints each run's time, the number of queries,
the peak RSS of that process alone (its own VmHWM, reported by the child:
see ``_setup.own_peak_rss_mb``) and the load average. The
first pair of each size is labelled cold (the first scoring after the data
was made or the size changed); the others warm. Each run's results are
deleted after it, untimed."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from _setup import bench_database, own_peak_rss_mb

START = datetime.date(2026, 2, 23)  # a Monday
END = datetime.date(2026, 7, 10)  # a Friday: its week is read raw
CLASSES = 24  # primary: 4 classes in each of grades 1-6; junior: 8 in each of 7-9
CODE_PREFIX = "8"
TEMPLATE_CODE = "7999999999"


def _clone(
    model: Any, template_pk: int, overrides: dict[str, str], source: str, params: list[Any] | None = None
) -> int:
    """INSERT ... SELECT copying the template row once for each row of
    ``source`` (a FROM list, then its WHERE condition: the last " WHERE "
    starts it), with ``overrides`` (SQL
    expressions by column) replacing the template's values. Every column of
    the model is named, so no database default is needed."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    # The statement has parameters: a modulo sign is written %% for the driver.
    select = ", ".join(overrides[c].replace("%", "%%") if c in overrides else f't."{c}"' for c in columns)
    source = source.replace(" % ", " %% ")
    names = ", ".join(f'"{c}"' for c in columns)
    where_at = source.upper().rfind(" WHERE ")
    from_part, where = (source[:where_at], source[where_at + 7 :]) if where_at >= 0 else (source, "TRUE")
    sql = f"INSERT INTO {table} ({names}) SELECT {select} FROM {table} AS t, {from_part} WHERE t.id = %s AND ({where})"  # noqa: S608 - the bench's own SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(params or []), template_pk])
        return cursor.rowcount


def _step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def generate(n: int) -> int:
    """The schools and a semester of records; returns the scheme's id."""
    from django.db import connection
    from django.utils import timezone

    from jianfu.models import User
    from reports import registry
    from reports.models import SchemeWeight, ScoringScheme
    from schools.homework.models import fragment_of, week_start
    from schools.homework.services import homework_summaries_refresh
    from schools.models import HomeworkDay, HomeworkSummary, School, SchoolClass, SchoolPledge, SchoolYear, Semester
    from schools.pledges.models import PledgeText
    from supervision.checklist.seed import seed_checklist
    from supervision.complaints.models import ComplaintCase, ComplaintCategory, ComplaintChannel
    from supervision.models import DistrictMembership, SupervisionItem, SupervisoryDistrict
    from supervision.rectifications.models import Rectification
    from supervision.visits.models import Visit, VisitItemResult

    started = time.perf_counter()
    seed_checklist(SupervisionItem)
    year = SchoolYear.objects.create(name="2025-2026学年", start_date="2025-08-20", end_date="2026-08-19")
    semester = Semester.objects.create(school_year=year, term=2, start_date=START, end_date=END)
    scheme = ScoringScheme.objects.create(semester=semester)
    for key, ind in registry.indicators.items():
        SchemeWeight.objects.create(scheme=scheme, indicator=key, weight=Decimal(str(ind.default_weight)))
    user = User.objects.get_or_create(username="bench", defaults={"role": "bureau"})[0]

    # Templates, on a school that is never scored (inactive).
    school = School.objects.create(code=TEMPLATE_CODE, name="模板学校", school_type="primary", active=False)
    district = SupervisoryDistrict.objects.create(name="模板责任区", number=32000)
    membership = DistrictMembership.objects.create(
        school=school, district=district, start_date=datetime.date(2024, 9, 1)
    )
    klass = SchoolClass.objects.create(school=school, grade=1, number=1)
    summary = HomeworkSummary.objects.create(
        school=school, grade=1, week_start=START, month=START, first_date=START, last_date=START
    )
    class_day = HomeworkDay.objects.create(
        school_class=klass, school=school, grade=1, date=START, written_minutes=0, total_minutes=0, item_count=2
    )
    visit = Visit.objects.create(
        client_id="00000000-0000-0000-0000-000000000000", school=school, date=START, submitted_by=user
    )
    item = SupervisionItem.objects.filter(parent__isnull=False).order_by("code").first()
    result = VisitItemResult.objects.create(
        visit=visit, item=item, item_code=item.code, item_title=item.title, result="compliant"
    )
    rectification = Rectification.objects.create(
        school=school, title="作业公示", description="补齐作业公示", deadline=START, raised_by=user
    )
    category = ComplaintCategory.objects.order_by("pk").first()
    concluded = timezone.make_aware(datetime.datetime.combine(START, datetime.time(10)))
    case = ComplaintCase.objects.create(
        number="T00000000",
        query_code_hash="x",
        school=school,
        category=category,
        channel=ComplaintChannel.HOTLINE,
        description="周六补课",
        status="closed",
        accept_due=START,
        outcome="substantiated",
        liability="school",
        concluded_at=concluded,
        received_at=concluded,
    )
    text = PledgeText.objects.create(school_year=year, version=1, title="责任书", body="……", created_by=user)
    pledge = SchoolPledge.objects.create(school=school, school_year=year, text=text, signed_on=START)
    started = _step("templates", started)

    bench = f"s.code LIKE '{CODE_PREFIX}%%'"
    _clone(
        School,
        school.pk,
        {
            "code": f"'{CODE_PREFIX}' || lpad(k::text, 9, '0')",
            "name": "'省基准学校' || k",
            "school_type": "CASE WHEN k % 3 = 2 THEN 'junior' ELSE 'primary' END",
            "active": "TRUE",
        },
        "generate_series(0, %s) AS k",
        [n - 1],
    )
    _clone(
        SupervisoryDistrict,
        district.pk,
        {"name": "'省基准责任区' || k", "number": "20000 + k"},
        "generate_series(0, %s) AS k",
        [(n - 1) // 20],
    )
    _clone(
        DistrictMembership,
        membership.pk,
        {"school_id": "s.id", "district_id": "d.id"},
        f"(SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM schools_school s WHERE {bench}) AS s "  # noqa: S608
        "JOIN supervision_supervisorydistrict AS d ON d.number = 20000 + s.k / 20 WHERE TRUE",
    )
    _clone(
        SchoolClass,
        klass.pk,
        {
            "school_id": "s.id",
            "grade": "CASE WHEN s.school_type = 'junior' THEN 7 + (c - 1) / 8 ELSE 1 + (c - 1) / 4 END",
            "number": "CASE WHEN s.school_type = 'junior' THEN 1 + (c - 1) % 8 ELSE 1 + (c - 1) % 4 END",
        },
        f"schools_school AS s, generate_series(1, {CLASSES}) AS c WHERE {bench}",
    )
    started = _step(f"{n} schools, districts, {n * CLASSES} classes", started)

    # Homework: summaries for the whole weeks, raw class-days for the last.
    last_monday = week_start(END)
    fragments, day = [], START
    while day < last_monday:
        first, last = fragment_of(day)
        school_days = sum(1 for i in range((last - first).days + 1) if (first + datetime.timedelta(i)).weekday() < 5)
        fragments.append((first, last, week_start(first), first.replace(day=1), school_days))
        day = last + datetime.timedelta(days=1)
    columns = [list(c) for c in zip(*fragments, strict=True)]
    rows = _clone(
        HomeworkSummary,
        summary.pk,
        {
            "school_id": "g.school_id",
            "grade": "g.grade",
            "first_date": "f.first",
            "last_date": "f.last",
            "week_start": "f.week",
            "month": "f.month",
            "recorded": "g.classes * f.days",
            # some 3-7 % of class-days over the cap
            "over": "floor(g.classes * f.days * (0.03 + random() * 0.04))::int",
            "written_sum": "g.classes * f.days * 50",
        },
        "(SELECT c.school_id, c.grade, count(*) AS classes FROM schools_schoolclass c "  # noqa: S608
        f"JOIN schools_school s ON s.id = c.school_id WHERE {bench} GROUP BY c.school_id, c.grade) AS g, "
        "unnest(%s::date[], %s::date[], %s::date[], %s::date[], %s::int[]) AS f(first, last, week, month, days) "
        "WHERE TRUE",
        columns,
    )
    started = _step(f"{rows:,} homework summary rows ({len(fragments)} fragments)", started)
    edge = [last_monday + datetime.timedelta(days=i) for i in range((END - last_monday).days + 1)]
    rows = _clone(
        HomeworkDay,
        class_day.pk,
        {
            "school_class_id": "c.id",
            "school_id": "c.school_id",
            "grade": "c.grade",
            "date": "d.day",
            "written_minutes": "w.minutes",
            "total_minutes": "w.minutes + 15",
            "updated_at": "now()",
        },
        "schools_schoolclass AS c JOIN schools_school AS s ON s.id = c.school_id, unnest(%s::date[]) AS d(day), "
        "LATERAL (SELECT CASE WHEN c.grade <= 2 THEN 0 WHEN c.grade <= 6 THEN 20 + floor(random() * 45)::int "
        "ELSE 45 + floor(random() * 50)::int END + 0 * c.id AS minutes) AS w "
        f"WHERE {bench}",
        [edge],
    )
    started = _step(f"{rows:,} raw class-days of the last week", started)
    # ... and that week's summary rows, as the portal keeps them: the
    # semester ends on a Friday, so the indicator reads the week's summary
    # less its weekend (no class-day) rather than its five days raw.
    homework_summaries_refresh(
        school_ids=School.objects.filter(code__startswith=CODE_PREFIX).values_list("pk", flat=True), dates=[END]
    )
    started = _step("the last week's summary rows", started)

    _clone(
        Visit,
        visit.pk,
        {
            "client_id": "gen_random_uuid()",
            "school_id": "s.id",
            "date": f"DATE '{START}' + (k * 35 + s.id % 30)::int",
            "updated_at": "now()",
        },
        f"schools_school AS s, generate_series(0, 3) AS k WHERE {bench}",
    )
    rows = _clone(
        VisitItemResult,
        result.pk,
        {
            "visit_id": "v.id",
            "item_id": "it.id",
            "item_code": "it.code",
            "item_title": "it.title",
            "result": "(ARRAY['compliant', 'compliant', 'compliant', 'mostly', 'non_compliant'])"
            "[1 + floor(random() * 5)::int + 0 * v.id]",
        },
        "supervision_visit AS v JOIN schools_school AS s ON s.id = v.school_id, "  # noqa: S608
        "(SELECT id, code, title FROM supervision_supervisionitem WHERE parent_id IS NOT NULL "
        f"ORDER BY code LIMIT 10) AS it WHERE {bench}",
    )
    started = _step(f"{4 * n:,} visits, {rows:,} rated items", started)
    _clone(
        Rectification,
        rectification.pk,
        {
            "school_id": "s.id",
            "deadline": f"DATE '{START}' + (40 + s.id % 60)::int",
            "status": "CASE WHEN s.id % 2 = 0 THEN 'accepted' ELSE 'open' END",
            "closed_at": f"CASE WHEN s.id % 2 = 0 THEN TIMESTAMPTZ '{START} 10:00+08' + (38 + s.id % 60) "
            "* INTERVAL '1 day' END",
        },
        f"schools_school AS s WHERE {bench} AND s.id % 3 = 0",
    )
    _clone(
        ComplaintCase,
        case.pk,
        {
            "number": "'P' || lpad(s.id::text, 7, '0') || k",
            "school_id": "s.id",
            "outcome": "(ARRAY['substantiated', 'partly', 'not_substantiated'])[1 + (s.id + k) % 3]",
            "received_at": f"TIMESTAMPTZ '{START} 09:00+08' + (s.id % 100) * INTERVAL '1 day'",
            "concluded_at": f"TIMESTAMPTZ '{START} 09:00+08' + (s.id % 100 + 20) * INTERVAL '1 day'",
        },
        f"schools_school AS s, generate_series(1, 3) AS k WHERE {bench} AND s.id % 10 = 0 AND k <= 1 + s.id % 3",
    )
    _clone(SchoolPledge, pledge.pk, {"school_id": "s.id"}, f"schools_school AS s WHERE {bench} AND s.id % 2 = 0")
    started = _step("rectifications, complaints, pledges", started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _step("analyze", started)
    return scheme.pk


def activate(n: int) -> int:
    """Make the first ``n`` bench schools active and the others not."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE schools_school s SET active = r.k < %s FROM (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k "  # noqa: S608
            f"FROM schools_school WHERE code LIKE '{CODE_PREFIX}%%') r WHERE s.id = r.id",
            [n],
        )
        cursor.execute("SELECT count(*) FROM schools_school WHERE active")
        return int(cursor.fetchone()[0])


# ---- one run, in a fresh process -----------------------------------------------


def child_main(scheme_id: int, chunk_size: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from reports.models import ScoreRun, ScoringScheme
    from reports.scoring.engine import scores_compute

    scheme = ScoringScheme.objects.select_related("semester").get(pk=scheme_id)
    count = 0

    def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        # A counter, not CaptureQueriesContext: that keeps every statement's
        # text, which would add the inserts' megabytes to the peak measured.
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        run = scores_compute(scheme=scheme, chunk_size=chunk_size)
        elapsed = time.perf_counter() - start
    scores = run.scores.count()
    ScoreRun.objects.filter(pk=run.pk).delete()
    result = {"seconds": elapsed, "queries": count, "scores": scores, "excluded": list(run.excluded)}
    print(json.dumps({**result, "rss": own_peak_rss_mb()}))


def run_child(scheme_id: int, chunk_size: int, database_url: str) -> dict[str, Any]:
    proc = subprocess.Popen(  # noqa: S603 - this interpreter and this script, arguments built here
        [sys.executable, str(Path(__file__).resolve()), "--child", str(scheme_id), "--chunk-size", str(chunk_size)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent,
    )
    out = proc.stdout.read() if proc.stdout is not None else b""
    if proc.wait():
        raise SystemExit(f"scoring child failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--repeat", type=int, default=2, help="pairs per size after the cold one")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--chunk-size", type=int, default=2000)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.chunk_size)
        return
    with bench_database() as where:
        from django.db import connection

        largest = max(args.sizes)
        print(f"database: {where}; generating {largest} schools and a semester ({START} to {END})")
        t = time.perf_counter()
        scheme_id = generate(largest)
        print(f"data made in {time.perf_counter() - t:.0f} s")
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
        table = []
        for size in sorted(args.sizes):
            active = activate(size)
            connection.close()
            sides = {"A chunks of 2,000": args.chunk_size, "B one chunk": max(size, 1)}
            seen: dict[str, list[dict[str, Any]]] = {k: [] for k in sides}
            for i in range(args.repeat + 1):
                order = list(sides) if i % 2 == 0 else list(reversed(sides))
                for label in order:
                    r = run_child(scheme_id, sides[label], url)
                    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                    state = "cold" if i == 0 else "warm"
                    print(
                        f"{active:>6} schools {label:18} {state}  {r['seconds']:6.1f} s  {r['queries']:4} queries  "
                        f"peak {r['rss']:5.0f} MB  load {load}",
                        flush=True,
                    )
                    if r["scores"] != active:
                        raise SystemExit(f"{r['scores']} scores stored for {active} schools")
                    if i:
                        seen[label].append(r)
                    elif label == order[0]:
                        print(f"  indicators left out (no data): {', '.join(r['excluded']) or 'none'}")
            for label, runs in seen.items():
                table.append(
                    (
                        active,
                        label,
                        statistics.median(r["seconds"] for r in runs),
                        max(r["rss"] for r in runs),
                        runs[0]["queries"],
                    )
                )
        print("\nschools  run                 median warm  peak RSS  queries")
        for active, label, seconds, rss, queries in table:
            print(f"{active:>7}  {label:18} {seconds:9.1f} s {rss:6.0f} MB {queries:8}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
