"""Scoring: a semester's scores for 3,000 schools, computed in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianfu_bench .venv/bin/python bench/scoring.py [--schools 3000]

Generates a district's worth of records per school (two visits with ten rated
items, a rectification for every third school, substantiated complaints for
some, a week of homework for 30 classes, pledges, after-school weeks), then
times ``scores_compute`` and counts its queries, and does it again with twice
the schools to show that the query count does not grow."""

from __future__ import annotations

import argparse
import datetime
import random
import time
import uuid
from decimal import Decimal

from _setup import bench_database


def generate(n: int, semester, offset: int = 0) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from jianfu.models import User
    from schools.models import HomeworkDay, School, SchoolClass, SchoolPledge
    from schools.pledges.models import PledgeText
    from supervision.complaints.models import ComplaintCase, ComplaintCategory, ComplaintChannel
    from supervision.models import ItemResult, SupervisionItem
    from supervision.rectifications.models import Rectification
    from supervision.visits.models import Visit, VisitItemResult

    rng = random.Random(offset + 1)
    user = User.objects.get_or_create(username="bench", defaults={"role": "bureau"})[0]
    schools = School.objects.bulk_create(
        [School(code=f"3{offset + i:09d}", name=f"第{offset + i}学校", school_type="primary") for i in range(n)]
    )
    items = list(SupervisionItem.objects.filter(parent__isnull=False)[:10])
    day = semester.start_date + datetime.timedelta(days=20)
    visits = Visit.objects.bulk_create(
        [
            Visit(client_id=uuid.uuid4(), school=s, date=day + datetime.timedelta(days=k * 30), submitted_by=user)
            for s in schools
            for k in range(2)
        ]
    )
    results = ItemResult.COMPLIANT, ItemResult.COMPLIANT, ItemResult.MOSTLY, ItemResult.NON_COMPLIANT
    VisitItemResult.objects.bulk_create(
        [
            VisitItemResult(visit=v, item=it, item_code=it.code, item_title=it.title, result=rng.choice(results))
            for v in visits
            for it in items
        ],
        batch_size=5000,
    )
    Rectification.objects.bulk_create(
        [
            Rectification(
                school=s,
                title="作业公示",
                description="补齐作业公示",
                deadline=day + datetime.timedelta(days=14),
                raised_by=user,
            )
            for s in schools[::3]
        ]
    )
    category = ComplaintCategory.objects.first()
    ComplaintCase.objects.bulk_create(
        [
            ComplaintCase(
                number=f"B{offset + i:08d}",
                query_code_hash="x",
                school=s,
                category=category,
                channel=ComplaintChannel.HOTLINE,
                description="周六补课",
                status="closed",
                accept_due=day,
                outcome="substantiated",
                concluded_at=timezone.now() - datetime.timedelta(days=5),
                received_at=timezone.now() - datetime.timedelta(days=20),
            )
            for i, s in enumerate(schools[::10])
        ]
    )
    classes = SchoolClass.objects.bulk_create(
        [SchoolClass(school=s, grade=3 + c // 10, number=c % 10 + 1) for s in schools for c in range(30)],
        batch_size=10000,
    )
    monday = day - datetime.timedelta(days=day.weekday())
    HomeworkDay.objects.bulk_create(
        [
            HomeworkDay(
                school_class=c,
                school_id=c.school_id,
                grade=c.grade,
                date=monday + datetime.timedelta(days=d),
                written_minutes=rng.choice([30, 45, 60, 61, 90, 95]),
                total_minutes=120,
                item_count=2,
            )
            for c in classes
            for d in range(5)
        ],
        batch_size=10000,
    )
    text = PledgeText.objects.get_or_create(
        school_year=semester.school_year, version=1, defaults={"title": "责任书", "body": "……", "created_by": user}
    )[0]
    SchoolPledge.objects.bulk_create(
        [SchoolPledge(school=s, school_year=semester.school_year, text=text, signed_on=day) for s in schools[::2]]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=3000)
    args = parser.parse_args()
    with bench_database() as where:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from reports import registry
        from reports.models import SchemeWeight, ScoringScheme
        from reports.scoring.engine import scores_compute
        from schools.models import SchoolYear, Semester
        from supervision.checklist.seed import seed_checklist
        from supervision.models import SupervisionItem

        seed_checklist(SupervisionItem)
        year = SchoolYear.objects.create(name="2026-2027学年", start_date="2026-08-20", end_date="2027-08-19")
        semester = Semester.objects.create(
            school_year=year, term=1, start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 1, 20)
        )
        scheme = ScoringScheme.objects.create(semester=semester)
        for key, ind in registry.indicators.items():
            SchemeWeight.objects.create(scheme=scheme, indicator=key, weight=Decimal(str(ind.default_weight)))
        print(f"database: {where}")
        for round_, total in enumerate((args.schools, 2 * args.schools)):
            t = time.perf_counter()
            generate(total - (args.schools if round_ else 0), semester, offset=args.schools * round_)
            made = time.perf_counter() - t
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                run = scores_compute(scheme=scheme)
                elapsed = time.perf_counter() - t
            print(
                f"{total} schools (data made in {made:.0f}s): scores_compute {elapsed:.2f}s, "
                f"{len(queries)} queries, excluded {run.excluded or 'none'}"
            )


if __name__ == "__main__":
    main()
