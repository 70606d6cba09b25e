"""PDF: the semester notice for 3,000 schools against WeasyPrint's layout time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench .venv/bin/python bench/pdf_notice.py [--schools 3000]

Prints the portal's whole export (scoring, summary, template, layout, font
embedding, PDF) against ``HTML(string=same_html).render()`` alone: the target
is at most 1.5x. Then the same document's PDF writing with each CJK font the
machine has, to show why the portal names WenQuanYi Micro Hei first."""

from __future__ import annotations

import argparse
import random
import time

from _setup import bench_database


def make_data(n: int) -> int:
    from reports.models import ScoringScheme
    from schools.models import School, SchoolYear, Semester
    from supervision.models import DistrictMembership, SupervisoryDistrict

    rng = random.Random(3)
    year = SchoolYear.objects.create(name="2026-2027学年", start_date="2026-08-20", end_date="2027-08-19")
    semester = Semester.objects.create(school_year=year, term=1, start_date="2026-09-01", end_date="2027-01-20")
    scheme = ScoringScheme.objects.create(semester=semester)
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
    from reports.scoring.engine import scores_compute

    scores_compute(scheme=scheme)  # the notice reads a stored run
    return semester.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=3000)
    args = parser.parse_args()
    with bench_database() as where:
        from django.template.loader import render_to_string
        from django.utils import translation
        from weasyprint import HTML

        from reports.exports.base import get_exporter
        from reports.exports.pdf import BASE_URL, StaticOnlyFetcher

        semester_id = make_data(args.schools)
        print(f"database: {where}; {args.schools} schools")
        exporter = get_exporter("semester_notice_pdf")
        with translation.override("zh-hans"):
            params = {"semester": semester_id, "document_number": "示教督〔2026〕12号"}
            t = time.perf_counter()
            _, _, data = exporter.render(params, user=None)
            portal = time.perf_counter() - t
            context = {"bureau_name": "示范区教育局", **exporter.context(params, user=None, progress=lambda *a: None)}
            html = render_to_string(exporter.template_name, context)
        t = time.perf_counter()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
        layout = time.perf_counter() - t
        print(f"WeasyPrint render() of the same HTML: {layout:6.2f}s ({len(document.pages)} pages)")
        print(f"portal export, everything included:   {portal:6.2f}s ({len(data) / 1e6:.2f} MB)")
        print(f"ratio: {portal / layout:.2f}x (target <= 1.5x)")
        for family in ("WenQuanYi Micro Hei", "Noto Sans CJK SC"):
            styled = html.replace("</head>", f'<style>html {{ font-family: "{family}" }}</style></head>')
            doc = HTML(string=styled, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
            t = time.perf_counter()
            rendered = doc.render()
            mid = time.perf_counter()
            pdf = rendered.write_pdf()
            end = time.perf_counter()
            print(f"font {family:<22} layout {mid - t:6.2f}s  write_pdf {end - mid:6.2f}s  {len(pdf) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
