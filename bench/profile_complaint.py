"""Where a valid public complaint POST spends its time, in process: the
Django test client (CSRF checked, as in production) against the database of
``DATABASE_URL`` (migrated, ``manage.py demo_data``), with ``bench.settings``,
the complaint POST and the bare inserting view (``/bench/bare-insert/``)
timed alternately, then the statements of one complaint and a cProfile of
``--profile`` complaints.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_x \\
        REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/profile_complaint.py

Only what the POST itself does is timed: the form page and the CAPTCHA's
answer are fetched before the clock starts (as in ``load.py``). Each
complaint comes from its own address, under the per-address limit. The
cases filed are left in the database (a bench database, not production)."""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
BARE_TABLE = "bench_bare_row"
URLENCODED = "application/x-www-form-urlencoded"
_addresses = itertools.count(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="alternated rounds (default 6)")
    parser.add_argument("--batch", type=int, default=100, help="requests per side per round (default 100)")
    parser.add_argument("--profile", type=int, default=300, help="complaints under cProfile (default 300, 0: none)")
    parser.add_argument("--real-name", action="store_true", help="real-name complaints (one more limit, per phone)")
    parser.add_argument(
        "--multipart",
        action="store_true",
        help="send the form as multipart/form-data, as a browser does (the form has a file field); "
        "by default URL-encoded, as load.py sends it",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from schools.models import School
    from supervision.models import ComplaintCategory
    from tests.supervision.helpers import captcha_solve

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} "
            "(id bigserial PRIMARY KEY, at timestamptz NOT NULL, body text NOT NULL)"
        )
    school = School.objects.filter(active=True).order_by("code").first()
    category = ComplaintCategory.objects.filter(active=True).order_by("pk").first()
    assert school is not None and category is not None  # noqa: S101 - demo_data makes them
    phones = itertools.count(1)

    def prepared() -> tuple[Client, dict[str, str], str]:
        n = next(_addresses)
        ip = f"10.{200 + (n >> 16) % 50}.{(n >> 8) & 255}.{n & 255}"
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        client.get("/complain/", {"school": school.code}, REMOTE_ADDR=ip)
        data = {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "school_code": school.code,
            "school_name": school.name,
            "category": str(category.pk),
            "happened_on": "",
            "description": "周六上午学校组织全年级集体补课，收取资料费。",
            "identity": "real_name" if args.real_name else "anonymous",
            "name": "王家长" if args.real_name else "",
            "phone": f"139{next(phones) + int(time.time()) % 10_000_000:08d}" if args.real_name else "",
            "website": "",
            "captcha": captcha_solve(client),
        }
        return client, data, ip

    def post_complaint(item: tuple[Client, dict[str, str], str]) -> None:
        client, data, ip = item
        if args.multipart:
            response = client.post("/complain/", data, REMOTE_ADDR=ip)
        else:
            response = client.post("/complain/", urlencode(data), content_type=URLENCODED, REMOTE_ADDR=ip)
        assert response.status_code == 302, response.content.decode()[:2000]  # noqa: S101

    bare = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")

    def post_bare(_item: object) -> None:
        if args.multipart:
            response = bare.post("/bench/bare-insert/", {"body": "一行"})
        else:
            response = bare.post("/bench/bare-insert/", urlencode({"body": "一行"}), content_type=URLENCODED)
        assert response.status_code == 200  # noqa: S101

    def timed(items: list[object], action) -> list[float]:  # type: ignore[no-untyped-def]
        times = []
        for item in items:
            started = time.perf_counter()
            action(item)
            times.append(time.perf_counter() - started)
        return times

    for _ in range(5):  # warm-up
        post_complaint(prepared())
        post_bare(None)
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    a_all: list[float] = []
    b_all: list[float] = []
    for round_no in range(args.rounds):
        items = [prepared() for _ in range(args.batch)]
        sides = [("a", [None] * args.batch, post_bare), ("b", items, post_complaint)]
        for side, batch, action in sides if round_no % 2 == 0 else reversed(sides):
            (a_all if side == "a" else b_all).extend(timed(batch, action))  # type: ignore[arg-type]
    a_ms, b_ms = statistics.median(a_all) * 1000, statistics.median(b_all) * 1000
    print(
        f"bare insert POST {a_ms:.2f} ms (mean {statistics.mean(a_all) * 1000:.2f}) | complaint POST {b_ms:.2f} ms "
        f"(mean {statistics.mean(b_all) * 1000:.2f}) | A/B {a_ms / b_ms:.3f}x (median per request, "
        f"{args.rounds} alternated rounds of {args.batch})"
    )

    item = prepared()
    with CaptureQueriesContext(connection) as ctx:
        post_complaint(item)
    print(f"statements of one complaint: {len(ctx.captured_queries)}")
    for query in ctx.captured_queries:
        print(f"  {query['time']:>6} s  {query['sql'][:150]}")

    if args.profile:
        items = [prepared() for _ in range(args.profile)]
        profiler = cProfile.Profile()
        profiler.enable()
        for item in items:
            post_complaint(item)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
