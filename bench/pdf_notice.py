"""PDF: the semester notice against WeasyPrint writing the same HTML.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench \\
        .venv/bin/python bench/pdf_notice.py [--schools 3000] [--repeat 2]

Makes N schools in districts of 15 and computes a stored score run (the
notice reads it, never computes). Then, in one process, alternately:

- A, the portal: the notice exporter's whole ``render()``: the run chosen,
  the sections' queries, the template, layout, font subsetting and embedding,
  the PDF written;
- B, the baseline: ``HTML(string=the same HTML).write_pdf()``, the same
  layout and PDF writing from HTML rendered before the clock starts.

The first pair is reported apart as cold (A runs first and pays for loading
fonts and WeasyPrint's caches in this process); the ratio is the median of
the warm pairs after it. Target: A/B <= 1.2x.

Then the same document is written with each CJK font family named first,
and the fonts actually embedded are read back from each PDF with pypdf: a
family that is not installed is reported as such, with the font that
fontconfig put in its place, instead of a timing of another font."""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import time
from typing import Any

from _setup import bench_database


def make_data(n: int) -> int:
    from django.db import connection

    from reports.models import SchemeWeight, ScoringScheme
    from reports.scoring.engine import scores_compute, scores_rank
    from schools.models import School, SchoolYear, Semester
    from supervision.models import DistrictMembership, SupervisoryDistrict

    rng = random.Random(3)
    year = SchoolYear.objects.create(name="2025-2026学年", start_date="2025-08-20", end_date="2026-08-19")
    semester = Semester.objects.create(
        school_year=year, term=2, start_date=datetime.date(2026, 2, 23), end_date=datetime.date(2026, 7, 10)
    )
    scheme = ScoringScheme.objects.create(semester=semester)
    SchemeWeight.objects.create(scheme=scheme, indicator="pledge_signed", weight=5)
    towns = ["当湖街道", "钟埭街道", "新埭镇", "新仓镇", "乍浦镇"]
    School.objects.bulk_create(
        [
            School(
                code=f"3{i:09d}",
                name=f"{rng.choice(towns)}第{i}实验学校",
                school_type=rng.choice(["primary", "junior", "nine_year"]),
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    districts = SupervisoryDistrict.objects.bulk_create(
        [SupervisoryDistrict(name=f"第{i + 1}督学责任区", number=i + 1) for i in range(n // 15 + 1)]
    )
    DistrictMembership.objects.bulk_create(
        [
            DistrictMembership(school_id=pk, district=districts[i // 15], start_date="2024-09-01")
            for i, pk in enumerate(School.objects.order_by("code").values_list("pk", flat=True))
        ],
        batch_size=5000,
    )
    run = scores_compute(scheme=scheme)
    # No indicator has data here: give the draft run spread scores, as a real
    # semester has, and rank them as the engine does.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_schoolscore SET max_total = 100, total = round((60 + random() * 40)::numeric, 2) "
            "WHERE run_id = %s",
            [run.pk],
        )
        cursor.execute("UPDATE reports_schoolscore SET score = total WHERE run_id = %s", [run.pk])
    scores_rank(run=run)
    return run.pk


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds (subset prefixes cut)."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts: Any = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            name = str(ref.get_object().get("/BaseFont", ""))
            names.add(name.lstrip("/").split("+", 1)[-1])
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=2, help="warm pairs after the cold one")
    args = parser.parse_args()
    with bench_database() as where:
        from django.conf import settings
        from django.template.loader import render_to_string
        from django.utils import translation
        from pypdf import PdfReader
        from weasyprint import HTML

        from reports.exports.base import get_exporter
        from reports.exports.pdf import BASE_URL, StaticOnlyFetcher

        t = time.perf_counter()
        run_id = make_data(args.schools)
        print(f"database: {where}; {args.schools} schools, stored run made in {time.perf_counter() - t:.0f} s")
        exporter = get_exporter("semester_notice_pdf")
        params = {"run": run_id, "document_number": "示教督〔2026〕12号"}

        def portal() -> bytes:
            with translation.override("zh-hans"):
                return exporter.render(params, user=None)[2]

        with translation.override("zh-hans"):
            context = {
                "bureau_name": settings.BUREAU_NAME,
                **exporter.context(params, user=None, progress=lambda *a: None),
            }
            html = render_to_string(exporter.template_name, context)

        def baseline() -> bytes:
            return bytes(HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf())

        sides = {"A portal render()": portal, "B write_pdf() same HTML": baseline}
        # Wall time, and this process's CPU time: on a machine shared with
        # other jobs the wall time of the same work varies by 2x between runs,
        # the CPU time far less (A's database time is in PostgreSQL's own
        # processes and not counted in its CPU time; it is a few queries).
        seen: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
        outputs: dict[str, bytes] = {}
        for i in range(args.repeat + 1):
            order = list(sides) if i % 2 == 0 else list(reversed(sides))
            for label in order:
                t, cpu = time.perf_counter(), time.process_time()
                outputs[label] = sides[label]()
                elapsed, used = time.perf_counter() - t, time.process_time() - cpu
                load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                print(
                    f"  {'cold' if i == 0 else 'warm'} {label:26} {elapsed:6.2f} s wall {used:6.2f} s CPU  load {load}",
                    flush=True,
                )
                if i:
                    seen[label].append((elapsed, used))
        a, b = (statistics.median(w for w, _c in v) for v in seen.values())
        a_cpu, b_cpu = (statistics.median(c for _w, c in v) for v in seen.values())
        pages = {k: len(PdfReader(io.BytesIO(v)).pages) for k, v in outputs.items()}
        print(f"pages: {pages}; sizes: { {k: f'{len(v) / 1e6:.2f} MB' for k, v in outputs.items()} }")
        for label, data in outputs.items():
            print(f"fonts embedded by {label}: {', '.join(sorted(embedded_fonts(data)))}")
        print(f"wall: portal median {a:.2f} s, baseline median {b:.2f} s: ratio {a / b:.2f}x (target <= 1.2x)")
        print(f"CPU:  portal median {a_cpu:.2f} s, baseline median {b_cpu:.2f} s: ratio {a_cpu / b_cpu:.2f}x")

        # Each CJK family named first, with !important so that no rule of the
        # stylesheet overrides it; the embedded fonts say what was used.
        for family, token in (("WenQuanYi Micro Hei", "WenQuanYi"), ("Noto Sans CJK SC", "NotoSansCJK")):
            styled = html.replace("</head>", f'<style>* {{ font-family: "{family}" !important }}</style></head>')
            document = HTML(string=styled, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
            t = time.perf_counter()
            rendered = document.render()
            mid = time.perf_counter()
            pdf = rendered.write_pdf()
            end = time.perf_counter()
            fonts = embedded_fonts(pdf)
            used = any(token.lower() in f.lower().replace(" ", "") for f in fonts)
            verdict = "embedded" if used else f"NOT INSTALLED: fontconfig used {', '.join(sorted(fonts))} instead"
            timing = f"layout {mid - t:6.2f} s  write_pdf {end - mid:6.2f} s  {len(pdf) / 1e6:.2f} MB" if used else ""
            print(f"font {family:<22} {verdict} {timing}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
