"""The report-job sweeper runs every minute under Celery beat, and by hand
(or from cron) without Redis as `manage.py sweep_report_jobs`."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.django_db

KIND = "district_roster_xlsx"


def sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_report_jobs", *args, stdout=out)
    return out.getvalue().strip()


def test_command_runs_a_job_whose_message_was_lost(world) -> None:  # type: ignore[no-untyped-def]
    job = ReportJob.objects.create(kind=KIND, params={}, requested_by=world.bureau)
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert sweep() == "1"
    job.refresh_from_db()
    # Tasks run in-process here, as in a portal without Redis.
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)


def test_command_leaves_a_job_just_requested_unless_told(world) -> None:  # type: ignore[no-untyped-def]
    job = ReportJob.objects.create(kind=KIND, params={}, requested_by=world.bureau)
    assert sweep() == "0"
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.PENDING
    assert sweep("--older-than", "0") == "1"
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_sweeper_is_scheduled_every_minute_in_beat() -> None:
    from jianfu.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "reports.sweep_report_jobs"]
    assert len(entries) == 1
    assert float(entries[0]["schedule"]) <= 60  # type: ignore[arg-type]
    app.loader.import_default_modules()
    assert "reports.sweep_report_jobs" in app.tasks
