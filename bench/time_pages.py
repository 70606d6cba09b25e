"""Time the bureau's scores, coverage and dashboard pages and the
supervisor's dashboard on the city of bench/generate_city.py (PostgreSQL).

Each page is asked for through Django's test client, signed in with
``force_login`` (``bench.settings``: no TOTP step for the bureau), so the
figures include the middleware, the selectors, the template and the
session, not HTTP. Warm: every page is asked for once before timing; then
the pages are asked for in turn, one after another, --repeat times (so that
a change of the machine's load hits every page alike). For each page: p50
and p95 of the wall time, the size of the HTML in KB and the number of SQL
queries, and the load average once at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench_pages \\
        .venv/bin/python bench/time_pages.py --repeat 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The bench settings: the shared ones without the bureau's TOTP step, which
# a force_login()ed client would otherwise be redirected to.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from jianfu.models import User  # noqa: E402
from reports.models import SchoolScore  # noqa: E402
from schools.models import School  # noqa: E402
from supervision.models import SupervisoryDistrict, Visit, VisitCoverageMonth  # noqa: E402


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    try:
        bureau = User.objects.get(username="bench_bureau")
        supervisor = User.objects.get(username="bench_supervisor")
    except User.DoesNotExist:
        sys.exit("No bench city: run bench/generate_city.py first.")
    bureau_client, supervisor_client = Client(), Client()
    bureau_client.force_login(bureau)
    supervisor_client.force_login(supervisor)
    district = SupervisoryDistrict.objects.filter(name__startswith="基准责任区").order_by("number").first()
    district_name = district.name if district else ""
    print(
        f"{School.objects.count():,} schools, {SupervisoryDistrict.objects.count():,} districts, "
        f"{Visit.objects.count():,} visits, {VisitCoverageMonth.objects.count():,} coverage summary rows, "
        f"{SchoolScore.objects.count():,} school scores; PostgreSQL {connection.pg_version}",  # type: ignore[attr-defined]
        flush=True,
    )
    pages: list[tuple[str, Client, str, dict[str, Any]]] = [
        ("bureau scores (one row per district)", bureau_client, reverse("reports:scores"), {}),
        ("bureau scores, a district's schools", bureau_client, reverse("reports:scores"), {"district": district_name}),
        ("bureau scores, whole ranking page 1", bureau_client, reverse("reports:scores"), {"view": "ranking"}),
        ("bureau coverage (districts, page 1)", bureau_client, reverse("bureau_coverage"), {}),
        (
            "bureau coverage, a district",
            bureau_client,
            reverse("bureau_coverage"),
            {"district": district.pk if district else ""},
        ),
        ("bureau dashboard", bureau_client, reverse("reports:dashboard"), {}),
        ("supervisor dashboard (20 schools)", supervisor_client, reverse("reports:dashboard"), {}),
    ]
    sizes: dict[str, int] = {}
    queries: dict[str, int] = {}
    times: dict[str, list[float]] = {name: [] for name, *_ in pages}
    for name, client, url, params in pages:  # warm-up, sizes and query counts
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        if response.status_code != 200:
            sys.exit(f"{name}: {url} answered {response.status_code}")
        sizes[name] = len(response.content)
        queries[name] = len(ctx.captured_queries)
    for _ in range(args.repeat):
        for name, client, url, params in pages:
            started = time.perf_counter()
            response = client.get(url, params)
            times[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                sys.exit(f"{name}: {url} answered {response.status_code}")
    print(f"warm (one warm-up each), {args.repeat} runs of each page, pages taken in turn")
    for name, *_ in pages:
        print(
            f"{name:<40} p50 {statistics.median(times[name]) * 1000:7.1f} ms  p95 {p95(times[name]) * 1000:7.1f} ms"
            f"  {sizes[name] / 1024:6.1f} KB  {queries[name]:3d} queries",
            flush=True,
        )
    coverage_side_by_side(args.repeat)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def coverage_side_by_side(repeat: int) -> None:
    """The coverage figures of the current semester for every district: A
    reads the finished months from the summary and counts the running one
    from the visits; B counts every month from the visits and memberships
    (the same single query the running month uses). Alternated A B A B,
    warm, after one warm-up of each."""
    from django.utils import timezone

    from schools.models import Semester
    from supervision.visits.coverage import coverage_by_district, coverage_counts, months_between
    from supervision.visits.models import month_bounds

    today = timezone.localdate()
    semester = Semester.objects.filter(start_date__lte=today, end_date__gte=today).first()
    if semester is None:
        return
    months = months_between(semester.start_date, today)
    references = {m: min(month_bounds(m)[1], today) for m in months}

    def a() -> None:
        coverage_by_district(start=semester.start_date, end=semester.end_date, today=today, unvisited_of=())

    def b() -> None:
        coverage_counts(references=references)

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
        f"coverage of {len(months)} months, every district: summary p95 {p95(times_a) * 1000:6.1f} ms, "
        f"raw visits p95 {p95(times_b) * 1000:6.1f} ms, raw/summary {p95(times_b) / p95(times_a):4.1f}x "
        "(A and B alternated, warm)",
        flush=True,
    )


if __name__ == "__main__":
    main()
