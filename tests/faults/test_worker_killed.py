"""A Celery worker killed with SIGKILL in the middle of a report: the job is
taken over once its lease has run out, finishes on a restarted worker, and
leaves exactly one file."""

from __future__ import annotations

import datetime
import random
import time

import pytest
from django.utils import timezone

from reports.jobs import services
from reports.models import JobStatus, ReportJob, ScoringScheme
from schools.models import School, SchoolType, SchoolYear, Semester
from supervision.models import DistrictMembership, SupervisoryDistrict
from tests.factories import BureauUserFactory
from tests.faults.services import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Enough schools for the semester notice to take seconds to lay out (about
# 1 s per 100 schools on a 2-core machine), so the kill lands mid-report.
SCHOOLS = 600


def semester_with_schools(n: int) -> Semester:
    rng = random.Random(8)
    year = SchoolYear.objects.create(name="2026-2027学年", start_date="2026-08-20", end_date="2027-08-19")
    semester = Semester.objects.create(school_year=year, term=1, start_date="2026-09-01", end_date="2027-01-20")
    towns = ["当湖街道", "钟埭街道", "新埭镇", "新仓镇", "乍浦镇"]
    School.objects.bulk_create(
        School(
            code=f"33{i:08d}", name=f"{rng.choice(towns)}第{i + 1}实验学校", school_type=rng.choice(SchoolType.values)
        )
        for i in range(n)
    )
    districts = SupervisoryDistrict.objects.bulk_create(
        SupervisoryDistrict(name=f"第{i + 1}督学责任区", number=i + 1) for i in range(n // 15 + 1)
    )
    DistrictMembership.objects.bulk_create(
        DistrictMembership(school_id=pk, district=districts[i // 15], start_date="2024-09-01")
        for i, pk in enumerate(School.objects.order_by("code").values_list("pk", flat=True))
    )
    from reports.scoring.engine import scores_compute
    from tests.reports.conftest import publish

    semester.refresh_from_db()  # dates as dates, not the strings it was created with
    # The notice reads a stored, published run: compute it once the schools exist.
    publish(scores_compute(scheme=ScoringScheme.objects.create(semester=semester)))
    return semester


def test_job_survives_worker_killed_mid_report_with_one_file(real_worker, media_root) -> None:  # type: ignore[no-untyped-def]
    semester = semester_with_schools(SCHOOLS)
    job = services.job_request(kind="semester_notice_pdf", params={"semester": semester.pk}, by=BureauUserFactory())

    # Kill it while WeasyPrint lays the notice out (progress 60 is set just
    # before), the longest part of the job.
    wait_until(
        lambda: ReportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, progress__gte=60).exists(),
        60,
        "job running in the worker",
        interval=0.05,
    )
    real_worker.kill()
    killed = ReportJob.objects.get(pk=job.pk)
    assert (killed.status, killed.attempts, killed.file.name) == (JobStatus.RUNNING, 1, "")
    assert not [p for p in media_root.rglob("*") if p.is_file()]

    real_worker.start()
    # Before the lease runs out the sweeper leaves a running job alone.
    if killed.lease_expires_at > timezone.now() + datetime.timedelta(seconds=0.5):
        assert services.jobs_sweep() == []
    wait = (killed.lease_expires_at - timezone.now()).total_seconds()
    time.sleep(max(0.0, wait) + 0.2)
    assert services.jobs_sweep() == [job.pk]

    wait_until(lambda: ReportJob.objects.filter(pk=job.pk, attempts=2).exists(), 60, "second run claimed the job")
    # The layout reports no progress and usually outlasts the 2 s lease: the
    # sweeper, running meanwhile, must leave the live run alone. (The renewal
    # is tested without timing luck in tests/reports/test_job_lease.py.)
    requeued: list[int] = []

    def finished() -> ReportJob | None:
        requeued.extend(services.jobs_sweep())
        return ReportJob.objects.filter(pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]).first()

    done = wait_until(finished, 120, "job finished on the restarted worker", interval=0.3)
    assert requeued == []
    assert (done.status, done.error) == (JobStatus.DONE, "")
    assert done.attempts == 2
    files = [p for p in media_root.rglob("*") if p.is_file()]
    assert files == [media_root / done.file.name]
    assert files[0].read_bytes()[:4] == b"%PDF"
