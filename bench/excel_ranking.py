"""Excel: the ranking export against raw openpyxl writing the same styled rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \
        .venv/bin/python bench/excel_ranking.py [--schools 20000] [--repeat 3]

Makes a stored score run of N schools, then runs, alternately and each in a
fresh process of its own (``python excel_ranking.py --child ...``):

- A, the portal: the ranking exporter's whole ``render()`` (it reads the
  stored run: the choice of run, the rows streamed from the database, the
  conversion and formula neutralisation, every sheet of the workbook);
- B, the baseline: openpyxl write-only writing the same two main sheets from
  a list in memory (read before the clock starts), with the same styles: the
  title line, the header cells' font, fill and alignment, column widths,
  frozen panes and the number formats of the score columns (one styled cell
  per formatted column reused for every row, the fastest way openpyxl
  offers).

Each child reports its own peak memory (VmHWM, see ``_setup.own_peak_rss_mb``),
so neither side counts the parent's or the other's rows.
The first pair warms the database's cache and is reported apart ("cold");
the figures are over the pairs after it. openpyxl uses lxml when it is
installed; the script prints which writer ran."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _setup import bench_database, own_peak_rss_mb


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
    for start in range(0, len(schools), 5000):
        batch = []
        for i, pk in enumerate(schools[start : start + 5000], start=start):
            total = Decimal(rng.randint(4000, 7000)) / 100
            batch.append(
                SchoolScore(
                    run=run,
                    school_id=pk,
                    total=total,
                    max_total=Decimal(70),
                    score=(total * 100 / 70).quantize(Decimal("0.01")),
                    rank=i + 1,
                    rank_in_type=i // 3 + 1,
                    rank_in_district=i % 20 + 1,
                    district_name=f"第{i % 40 + 1}责任区",
                    breakdown=[
                        {"indicator": k, "name": k, "weight": "10", "points": f"{rng.randint(0, 1000) / 100:.2f}"}
                        for k in keys
                    ],
                )
            )
        SchoolScore.objects.bulk_create(batch)
    return run.pk


# ---- the two sides, each run in a fresh process -----------------------------


def child_portal(run_id: int) -> dict[str, float]:
    from django.utils import translation

    from reports.exports.base import get_exporter

    exporter = get_exporter("ranking_xlsx")
    with translation.override("zh-hans"):
        start = time.perf_counter()
        _name, _type, data = exporter.render({"run": run_id}, user=None)
        elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "bytes": len(data)}


def _memory_rows(run_id: int) -> tuple[str, list[list[object]], list[list[object]], list[str]]:
    """The rows of the two main sheets as the portal writes them (after its
    conversion), read before the baseline's clock starts."""
    from django.utils.translation import gettext

    from reports.models import SchoolScore, ScoreRun
    from schools.models import SchoolType

    run = ScoreRun.objects.select_related("scheme__semester").get(pk=run_id)
    keys = list(run.weights)
    types = dict(SchoolType.choices)
    rows, ind = [], []
    scores = SchoolScore.objects.filter(run_id=run_id).order_by("rank", "school__code")
    for (
        rank,
        code,
        name,
        kind,
        district,
        score,
        total,
        max_total,
        in_type,
        in_district,
        vetoed,
        reason,
        bd,
    ) in scores.values_list(
        "rank",
        "school__code",
        "school__name",
        "school__school_type",
        "district_name",
        "score",
        "total",
        "max_total",
        "rank_in_type",
        "rank_in_district",
        "vetoed",
        "veto_reason",
        "breakdown",
    ).iterator(chunk_size=2000):
        rows.append(
            [
                rank,
                code,
                name,
                str(types.get(kind, kind)),
                district,
                float(score) if score is not None else None,
                float(total),
                float(max_total),
                in_type,
                in_district,
                gettext("yes") if vetoed else "",
                reason,
            ]
        )
        points = {b["indicator"]: b.get("points") for b in bd}
        ind.append([rank, code, name] + [round(float(points[k]), 2) if points.get(k) else None for k in keys])
    return f"{run.scheme.semester} {gettext('Semester ranking')}", rows, ind, keys


def child_raw(run_id: int) -> dict[str, float]:
    from django.utils import translation
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    with translation.override("zh-hans"):
        title, rows, ind, keys = _memory_rows(run_id)
    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="2F5597")
    wrap = Alignment(vertical="center", wrap_text=True)
    ranking_widths = [6, 13, 26, 12, 14, 8, 8, 8, 10, 10, 8, 40]
    ranking_formats = [None] * 5 + ["0.00"] * 3 + [None] * 4
    sheets = [
        ("排名", ranking_widths, ranking_formats, rows),
        ("指标得分", [6, 13, 26] + [14] * len(keys), [None] * (3 + len(keys)), ind),
    ]
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    for sheet_title, widths, formats, sheet_rows in sheets:
        ws = wb.create_sheet(title=sheet_title)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"
        ws.append([title])
        header = []
        for i in range(len(widths)):
            cell = WriteOnlyCell(ws, value=f"列{i + 1}")
            cell.font, cell.fill, cell.alignment = font, fill, wrap
            header.append(cell)
        ws.append(header)
        templates = []
        for number_format in formats:
            if number_format:
                template = WriteOnlyCell(ws)
                template.number_format = number_format
                templates.append(template)
            else:
                templates.append(None)
        for row in sheet_rows:
            out = list(row)
            for i, template in enumerate(templates):
                if template is not None and out[i] is not None:
                    template.value = out[i]
                    out[i] = template
            ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "bytes": len(buffer.getvalue())}


def child_main(side: str, run_id: int) -> None:
    import django

    django.setup()
    result = child_portal(run_id) if side == "portal" else child_raw(run_id)
    print(json.dumps({**result, "rss": own_peak_rss_mb()}))


# ---- the parent ---------------------------------------------------------------


def run_child(side: str, run_id: int, database_url: str) -> tuple[float, int, float]:
    """(seconds, file bytes, peak RSS in MB of that child alone). The side
    "portal-no-lxml" is the portal with openpyxl told not to use lxml."""
    env = {**os.environ, "DATABASE_URL": database_url}
    if side == "portal-no-lxml":
        side, env["OPENPYXL_LXML"] = "portal", "False"
    proc = subprocess.Popen(  # noqa: S603 - this interpreter and this script, arguments built here
        [sys.executable, str(Path(__file__).resolve()), "--child", side, "--run", str(run_id)],
        env=env,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent,
    )
    out = proc.stdout.read() if proc.stdout is not None else b""
    if proc.wait():
        raise SystemExit(f"{side} child failed ({proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    return result["seconds"], result["bytes"], result["rss"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="measured pairs after the cold one")
    parser.add_argument("--child", choices=["portal", "raw"])
    parser.add_argument("--run", type=int)
    parser.add_argument(
        "--compare-lxml", action="store_true", help="also run the portal with openpyxl's lxml switched off"
    )
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.run)
        return
    with bench_database() as where:
        from django.db import connection
        from openpyxl.xml import LXML

        t = time.perf_counter()
        run_id = make_data(args.schools)
        print(f"database: {where}; {args.schools} schools' stored scores made in {time.perf_counter() - t:.1f}s")
        print(f"python {sys.executable}; openpyxl writes with {'lxml' if LXML else 'the standard library (no lxml)'}")
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
        connection.close()
        n = 2 * args.schools
        names = ["raw", "portal"] + (["portal-no-lxml"] if args.compare_lxml else [])
        seen: dict[str, list[tuple[float, int, float]]] = {side: [] for side in names}
        for i in range(args.repeat + 1):
            for side in names if i % 2 == 0 else reversed(names):
                seconds, size, rss = run_child(side, run_id, url)
                label = "cold" if i == 0 else f"run {i}"
                print(
                    f"  {label:6} {side:14} {seconds:6.2f}s {n / seconds:8.0f} rows/s "
                    f"{size / 1e6:5.1f} MB file  peak {rss:4.0f} MB"
                )
                if i:
                    seen[side].append((seconds, size, rss))
        raw = statistics.median(s for s, _b, _r in seen["raw"])
        portal = statistics.median(s for s, _b, _r in seen["portal"])
        print(f"openpyxl write-only, same styles, from memory: median {raw:6.2f}s {n / raw:8.0f} rows/s")
        print(f"portal ranking export (render(), stored run):  median {portal:6.2f}s {n / portal:8.0f} rows/s")
        print(f"ratio portal/openpyxl rows per second: {raw / portal:.2f}x (target >= 0.8x)")
        if args.compare_lxml:
            plain = statistics.median(s for s, _b, _r in seen["portal-no-lxml"])
            print(f"portal without lxml: median {plain:6.2f}s; with lxml {portal:6.2f}s: {plain / portal:.2f}x faster")
        print(
            f"peak RSS of a fresh process, whole export: portal {max(r for *_x, r in seen['portal']):.0f} MB "
            f"(target < 150 MB); baseline {max(r for *_x, r in seen['raw']):.0f} MB"
        )
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
