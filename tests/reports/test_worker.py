"""With Redis, a real Celery worker runs report jobs (not eager mode)."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from reports.jobs import services
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.services


def wait_for(job_id: int, status: str, seconds: float = 60) -> ReportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if job.status == status:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {ReportJob.objects.get(pk=job_id).status} after {seconds}s")


def test_worker_runs_requested_job(world, real_worker) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        job = services.job_request(kind="supervisor_sign_roster_pdf", params={}, by=world.bureau)
    # Not run in-process: the request returned with the job waiting.
    assert ReportJob.objects.get(pk=job.pk).status in {JobStatus.PENDING, JobStatus.RUNNING}
    done = wait_for(job.pk, JobStatus.DONE)
    assert done.attempts == 1
    assert done.file.read()[:4] == b"%PDF"


def test_job_queued_twice_still_makes_one_file(world, real_worker) -> None:  # type: ignore[no-untyped-def]
    from reports.jobs.tasks import run_report_job

    job = ReportJob.objects.create(kind="district_roster_xlsx", params={}, requested_by=world.bureau)
    run_report_job.delay(job.pk)
    run_report_job.delay(job.pk)
    done = wait_for(job.pk, JobStatus.DONE)
    time.sleep(1)  # let the second message be consumed too
    assert ReportJob.objects.get(pk=job.pk).file.name == done.file.name
    assert ReportJob.objects.get(pk=job.pk).attempts == 1
