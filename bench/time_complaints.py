"""Time the bureau's complaint list on the data of bench/generate_complaints.py
(PostgreSQL): through the Django test client (URL routing, the bureau's
scoping, the selector, the paginator and the template), signed in as
``bench_bureau`` with ``bench.settings`` (no TOTP step for a force_login()ed
client).

Each view of the list (the first page, open cases, overdue and due-soon
cases, one school, schools by part of their name, a page 5,000 cases deep,
a number search) is asked for once to warm up, then
the views are asked for in turn --repeat times (so that a change of load
hits them alike). It prints each one's p95, median, SQL queries and page
size, the cases in the database, and the load average before and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \\
        .venv/bin/python bench/time_complaints.py --repeat 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from jianfu.models import User  # noqa: E402
from schools.models import School  # noqa: E402
from supervision.models import ComplaintCase  # noqa: E402


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("time_complaints.py needs PostgreSQL")
    setup_test_environment()
    bureau = User.objects.filter(username="bench_bureau").first()
    if bureau is None:
        sys.exit("no bench_bureau account: run generate_homework.py and generate_complaints.py first")
    client = Client()
    client.force_login(bureau)
    url = reverse("complaints:staff_list")
    busiest = (
        ComplaintCase.objects.order_by()
        .values_list("school", flat=True)
        .exclude(school=None)
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    sample = ComplaintCase.objects.order_by("pk").values_list("number", flat=True).first() or "TS"
    # The cursor of the 5,000th newest case: a page as deep as 100 pages of 50.
    deep = ComplaintCase.objects.order_by("-received_at", "-pk").values_list("received_at", "pk")[4999:5000].first()
    cursor = quote(f"{deep[0].isoformat()}_{deep[1]}") if deep else ""
    town = School.objects.filter(active=True).order_by("pk").values_list("name", flat=True).first() or ""
    views = {
        "first page": "",
        "open cases": "?status=open",
        "overdue": "?due=overdue",
        "due soon": "?due=soon",
        "one school": f"?school={busiest}",
        "100 pages deep": f"?before={cursor}",
        "school by name": f"?school_q={quote(town[:4])}",
        "number search": f"?number={sample[2:10]}",
    }
    cases = ComplaintCase.objects.count()
    print(f"{cases:,} complaint cases; {args.repeat} runs of each view after one warm-up")
    print(f"load average before: {load_average()}", flush=True)
    times: dict[str, list[float]] = {label: [] for label in views}
    queries: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for label, query in views.items():
        response = client.get(url + query)
        assert response.status_code == 200, (label, response.status_code)  # noqa: S101 - a bench, not a test
    for _ in range(args.repeat):
        for label, query in views.items():
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url + query)
                times[label].append(time.perf_counter() - started)
            queries[label] = len(ctx.captured_queries)
            sizes[label] = len(response.content)
    for label, query in views.items():
        print(
            f"bureau complaint list, {label:<14} p95 {p95(times[label]) * 1000:7.1f} ms  "
            f"median {statistics.median(times[label]) * 1000:7.1f} ms  {queries[label]:2d} queries  "
            f"{sizes[label] / 1024:6.1f} KB  {query or '(no filter)'}"
        )
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
