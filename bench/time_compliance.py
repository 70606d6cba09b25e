"""Time the bureau's homework compliance page and the yearly aggregation on
the data of bench/generate_homework.py (PostgreSQL).

Each measure is run --repeat times after one warm-up run; the script prints
the best and the median wall time, the number of SQL queries, and the number
of class-days the period covers. Then the report's selector reading the
summaries (A) and computing everything from the raw class-days (B) are run
alternately, A B A B ..., warm, for a week, a month and the school year,
with each side's p95 and the ratio B/A.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_scale \\
        .venv/bin/python bench/time_compliance.py --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
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
from schools.homework.selectors import homework_compliance  # noqa: E402
from schools.models import HomeworkDay  # noqa: E402


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
        f"{label:<40} summaries p95 {p95(times_a) * 1000:8.1f} ms  raw p95 {p95(times_b) * 1000:8.1f} ms  "
        f"raw/summaries {p95(times_b) / p95(times_a):6.1f}x  {days:>11,} class-days",
        flush=True,
    )


def page(client: Client, params: str) -> Callable[[], Any]:
    url = reverse("homework_compliance") + params

    def run() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the plan of the grouped query")
    args = parser.parse_args()
    setup_test_environment()
    bounds = HomeworkDay.objects.aggregate(first=Min("date"), last=Max("date"))
    if bounds["first"] is None:
        sys.exit("No homework: run bench/generate_homework.py first.")
    first, last = bounds["first"], bounds["last"]
    bureau = User.objects.get(username="bench_bureau")
    supervisor = User.objects.get(username="bench_supervisor")
    print(f"class-days from {first} to {last}; PostgreSQL {connection.pg_version}")  # type: ignore[attr-defined]

    def covered(a: datetime.date, b: datetime.date) -> int:
        return HomeworkDay.objects.filter(date__range=(a, b)).count()

    week_end = min(first + datetime.timedelta(days=6), last)
    month_end = min(first + datetime.timedelta(days=30), last)
    bureau_client, supervisor_client = Client(), Client()
    bureau_client.force_login(bureau)
    supervisor_client.force_login(supervisor)
    periods = [("a week", first, week_end), ("a month", first, month_end), ("all the data", first, last)]
    seen = set()
    for name, a, b in periods:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        params = f"?from={a}&to={b}"
        n = covered(a, b)
        measure(f"bureau compliance page, {name} ({a} to {b})", page(bureau_client, params), args.repeat, n)
        measure(f"supervisor (20 schools) compliance page, {name}", page(supervisor_client, params), args.repeat, n)
    year_from = datetime.date(first.year if first.month >= 8 else first.year - 1, 8, 20)
    year_to = year_from.replace(year=year_from.year + 1) - datetime.timedelta(days=1)
    measure(
        f"yearly aggregation, selector only ({year_from} to {year_to})",
        lambda: homework_compliance(user=bureau, date_from=year_from, date_to=year_to),
        args.repeat,
        covered(year_from, year_to),
    )
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for name, a, b in [*periods, ("the school year", year_from, year_to)]:
        side_by_side(
            f"selector, bureau, {name}",
            lambda a=a, b=b: homework_compliance(user=bureau, date_from=a, date_to=b),
            lambda a=a, b=b: homework_compliance(user=bureau, date_from=a, date_to=b, from_summaries=False),
            args.repeat,
            covered(a, b),
        )
    if args.explain:
        from schools.homework.selectors import _aggregates, homework_days_visible_to

        qs = (
            homework_days_visible_to(bureau)
            .filter(date__range=(year_from, year_to))
            .values("grade", "date")
            .annotate(**_aggregates())
            .order_by()
        )
        print(qs.explain(analyze=True, buffers=True))


if __name__ == "__main__":
    main()
