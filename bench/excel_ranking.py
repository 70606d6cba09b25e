"""Excel: the ranking export against openpyxl writing the same rows from memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \
        .venv/bin/python bench/excel_ranking.py [--schools 20000]

Prints rows per second of both, their ratio (the portal must reach 0.7x),
and the export's peak memory (measured in a child process of its own)."""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import random
import time
from decimal import Decimal

from _setup import bench_database, peak_rss_mb


def make_data(n: int) -> int:
    from reports.models import SchemeWeight, SchoolScore, ScoreRun, ScoringScheme
    from schools.models import School, SchoolYear, Semester

    rng = random.Random(7)
    year = SchoolYear.objects.create(name="2026-2027学年", start_date="2026-08-20", end_date="2027-08-19")
    semester = Semester.objects.create(school_year=year, term=1, start_date="2026-09-01", end_date="2027-01-20")
    scheme = ScoringScheme.objects.create(semester=semester)
    keys = ["visits", "rectifications", "complaints", "selfchecks", "homework", "afterschool", "pledge"]
    for k in keys:
        SchemeWeight.objects.create(scheme=scheme, indicator=k, weight=Decimal("10"))
    School.objects.bulk_create(
        [
            School(code=f"3{i:09d}", name=f"第{i}实验学校", school_type=rng.choice(["primary", "junior", "nine_year"]))
            for i in range(n)
        ],
        batch_size=5000,
    )
    run = ScoreRun.objects.create(scheme=scheme, weights=dict.fromkeys(keys, "10"))
    schools = list(School.objects.order_by("code").values_list("pk", flat=True))
    SchoolScore.objects.bulk_create(
        [
            SchoolScore(
                run=run,
                school_id=pk,
                total=Decimal(rng.randint(4000, 7000)) / 100,
                max_total=Decimal(70),
                rank=i + 1,
                rank_in_type=i // 3 + 1,
                rank_in_district=i % 20 + 1,
                district_name=f"第{i % 40 + 1}责任区",
                breakdown=[
                    {"indicator": k, "name": k, "weight": "10", "points": f"{rng.randint(0, 1000) / 100:.2f}"}
                    for k in keys
                ],
            )
            for i, pk in enumerate(schools)
        ],
        batch_size=5000,
    )
    return run.pk


def portal_export(run_id: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from django import db
    from django.utils import translation

    from jianfu.xlsx import write_workbook
    from reports.exports.rankings import ranking_sheets
    from reports.models import ScoreRun

    db.connections.close_all()  # the fork must not share the parent's connection
    with translation.override("zh-hans"):
        run = ScoreRun.objects.get(pk=run_id)
        start = time.perf_counter()
        data = write_workbook(ranking_sheets(run))
        elapsed = time.perf_counter() - start
    out.put((elapsed, len(data), peak_rss_mb()))


def raw_openpyxl(rows: list[list[object]], indicator_rows: list[list[object]]) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    wb = Workbook(write_only=True)
    for sheet_rows in (rows, indicator_rows):
        ws = wb.create_sheet()
        for row in sheet_rows:
            ws.append(row)
    wb.save(io.BytesIO())
    return time.perf_counter() - start


def memory_rows(run_id: int) -> tuple[list[list[object]], list[list[object]]]:
    from reports.models import SchoolScore

    rows, ind = [], []
    for s in SchoolScore.objects.filter(run_id=run_id).select_related("school").order_by("rank"):
        rows.append(
            [
                s.rank,
                s.school.code,
                s.school.name,
                "小学",
                s.district_name,
                float(s.total),
                70.0,
                float(s.total) / 70,
                s.rank_in_type,
                s.rank_in_district,
                "",
                "",
            ]
        )
        ind.append([s.rank, s.school.code, s.school.name] + [float(b["points"]) for b in s.breakdown])
    return rows, ind


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20000)
    args = parser.parse_args()
    with bench_database() as where:
        t = time.perf_counter()
        run_id = make_data(args.schools)
        print(f"database: {where}; {args.schools} schools generated in {time.perf_counter() - t:.1f}s")
        rows, ind = memory_rows(run_id)
        raw = min(raw_openpyxl(rows, ind) for _ in range(2))
        ctx = mp.get_context("fork")
        results = []
        for _ in range(2):
            queue = ctx.Queue()
            child = ctx.Process(target=portal_export, args=(run_id, queue))
            child.start()
            results.append(queue.get())
            child.join()
        portal, size, rss = min(results)
        n = 2 * args.schools
        print(f"openpyxl write-only from memory: {raw:6.2f}s  {n / raw:9.0f} rows/s")
        print(f"portal ranking export:           {portal:6.2f}s  {n / portal:9.0f} rows/s  ({size / 1e6:.1f} MB file)")
        print(f"ratio portal/openpyxl rows per second: {raw / portal:.2f}x (target >= 0.7x)")
        print(f"export peak RSS (whole child process): {rss:.0f} MB (target < 150 MB)")


if __name__ == "__main__":
    main()
