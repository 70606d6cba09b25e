"""Time the bureau's homework compliance page and dashboard on the data of
bench/generate_homework.py (PostgreSQL), each against the raw aggregate.

First, after one warm-up run each, --repeat runs of the compliance page
(bureau and one supervisor) for a week, a month, the school year, the
page's default period (the semester to date, which on most days ends in the
middle of a week) and ten weeks from a Wednesday to a Friday (the last two
read their edge days from the raw class-days), and of the dashboard,
printing best and median wall time, the SQL queries and the class-days
covered. Then, warm, each of the
following A/B pairs alternated A B A B ... in one run, with each side's p95
and the ratio B/A:

- the bureau's compliance page (through the Django test client: routing,
  scoping, the selector and the template) for each of those periods,
  reading the summaries (A) or computing every figure from the raw
  class-days (B);
- the same for the selector alone;
- the bureau's dashboard for the current semester (every panel), its
  homework panel reading the summaries (A) or the raw class-days (B).

The load average is printed at the start and the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \\
        .venv/bin/python bench/time_compliance.py --repeat 20
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The bench settings: the shared ones without the bureau's TOTP step, which
# a force_login()ed client would otherwise be redirected to.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from jianfu.models import User  # noqa: E402
from reports import registry  # noqa: E402
from reports.scoring import records as scoring_records  # noqa: E402
from schools.homework import views as homework_views  # noqa: E402
from schools.homework.selectors import default_period, homework_compliance  # noqa: E402
from schools.models import HomeworkDay, HomeworkSummary, Semester  # noqa: E402


def measure(label: str, run: Callable[[], Any], repeat: int, days: int) -> None:
    run()  # warm the caches: the figures are those of a page asked for twice
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    print(
        f"{label:<58} best {min(times):6.2f} s  median {statistics.median(times):6.2f} s  "
        f"{queries:2d} queries  {days:>11,} class-days",
        flush=True,
    )


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def side_by_side(label: str, a: Callable[[], Any], b: Callable[[], Any], repeat: int, days: int) -> None:
    """A and B alternated in one run (after one warm-up of each), so that a
    change of load hits both alike."""
    a()
    b()
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(repeat):
        for run, times in ((a, times_a), (b, times_b)):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    print(
        f"{label:<44} summaries p95 {p95(times_a) * 1000:8.1f} ms  raw p95 {p95(times_b) * 1000:8.1f} ms  "
        f"raw/summaries {p95(times_b) / p95(times_a):6.1f}x  {days:>11,} class-days",
        flush=True,
    )


@contextmanager
def raw(module: Any, name: str) -> Iterator[None]:
    """Within the block, the page's selector ``module.name`` computes from
    the raw class-days (``from_summaries=False``): side B of the pairs."""
    original = getattr(module, name)
    setattr(module, name, functools.partial(original, from_summaries=False))
    try:
        yield
    finally:
        setattr(module, name, original)


def get(client: Client, url: str) -> Callable[[], Any]:
    def run() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")

    return run


def page(client: Client, params: str) -> Callable[[], Any]:
    return get(client, reverse("homework_compliance") + params)


def raw_run(run: Callable[[], Any], module: Any, name: str) -> Callable[[], Any]:
    def b() -> None:
        with raw(module, name):
            run()

    return b


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="runs of each side (p95 of 20 is the 19th)")
    parser.add_argument("--explain", action="store_true", help="print the plan of the over-cap classes' query")
    parser.add_argument("--dashboard-only", action="store_true", help="time the dashboard alone")
    args = parser.parse_args()
    setup_test_environment()
    bounds = HomeworkDay.objects.aggregate(first=Min("date"), last=Max("date"))
    if bounds["first"] is None:
        sys.exit("No homework: run bench/generate_homework.py first.")
    first, last = bounds["first"], bounds["last"]
    bureau = User.objects.get(username="bench_bureau")
    supervisor = User.objects.get(username="bench_supervisor")
    print(
        f"class-days from {first} to {last}: {HomeworkDay.objects.count():,}, "
        f"{HomeworkSummary.objects.count():,} summary rows; PostgreSQL {connection.pg_version}; "  # type: ignore[attr-defined]
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {load()}",
        flush=True,
    )

    def covered(a: datetime.date, b: datetime.date) -> int:
        return HomeworkDay.objects.filter(date__range=(a, b)).count()

    monday = first + datetime.timedelta(days=-first.weekday() % 7)
    month = first if first.day == 1 else (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    month_end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    year_from = datetime.date(first.year if first.month >= 8 else first.year - 1, 8, 20)
    year_to = year_from.replace(year=year_from.year + 1) - datetime.timedelta(days=1)
    # Besides periods made of whole weeks or months, two that are not: the
    # page as a clerk first opens it (the semester to date, which ends in
    # the middle of the current week on most days), and ten weeks from a
    # Wednesday to a Friday. Their edge days are read from the raw
    # class-days, which the aligned periods never show.
    opened_from, opened_to = default_period()
    opened_to = min(opened_to, last)
    wednesday = monday + datetime.timedelta(days=2)
    periods = [
        ("an ISO week", monday, monday + datetime.timedelta(days=6)),
        ("a calendar month", month, month_end),
        ("the school year", year_from, year_to),
        ("the default period (semester to date)", opened_from, opened_to),
        ("ten weeks, Wednesday to Friday", wednesday, wednesday + datetime.timedelta(weeks=9, days=2)),
    ]
    bureau_client, supervisor_client = Client(), Client()
    bureau_client.force_login(bureau)
    supervisor_client.force_login(supervisor)
    sizes = {(a, b): covered(a, b) for _name, a, b in periods}
    if args.dashboard_only:
        periods = []
    for name, a, b in periods:
        params = f"?from={a}&to={b}"
        measure(f"bureau compliance page, {name} ({a} to {b})", page(bureau_client, params), args.repeat, sizes[a, b])
        measure(f"supervisor (20 schools) compliance page, {name}", page(supervisor_client, params), 3, sizes[a, b])
    semester = Semester.objects.current()
    dashboard = reverse("reports:dashboard")
    if semester is None:
        semester = Semester.objects.filter(start_date__lte=last).order_by("-start_date").first()
        if semester is None:
            sys.exit("No semester: run bench/generate_homework.py again.")
        dashboard += f"?semester={semester.pk}"
    semester_days = covered(semester.start_date, semester.end_date)
    measure(
        f"bureau dashboard, {semester.start_date} to {semester.end_date}",
        get(bureau_client, dashboard),
        args.repeat,
        semester_days,
    )
    print(load(), flush=True)
    for name, a, b in periods:
        run = page(bureau_client, f"?from={a}&to={b}")
        side_by_side(
            f"bureau compliance page, {name}",
            run,
            raw_run(run, homework_views, "homework_compliance"),
            args.repeat,
            sizes[a, b],
        )
    for name, a, b in periods:
        side_by_side(
            f"selector, bureau, {name}",
            lambda a=a, b=b: homework_compliance(user=bureau, date_from=a, date_to=b),
            lambda a=a, b=b: homework_compliance(user=bureau, date_from=a, date_to=b, from_summaries=False),
            args.repeat,
            sizes[a, b],
        )
    run = get(bureau_client, dashboard)
    side_by_side(
        "bureau dashboard, the semester",
        run,
        raw_run(run, scoring_records, "homework_rates_by_grade"),
        args.repeat,
        semester_days,
    )
    # Where the dashboard's time goes: each panel alone, warm.
    for key, make in registry.dashboard_panels.items():
        make(bureau, semester)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            make(bureau, semester)
            times.append(time.perf_counter() - started)
        print(f"  dashboard panel {key:<38} p95 {p95(times) * 1000:8.1f} ms", flush=True)
    print(load(), flush=True)
    if args.explain and periods:
        _name, a, b = periods[2]  # the school year
        with CaptureQueriesContext(connection) as ctx:
            homework_compliance(user=bureau, date_from=a, date_to=b)
        for query in ctx.captured_queries:
            if "OVER ()" in query["sql"]:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
