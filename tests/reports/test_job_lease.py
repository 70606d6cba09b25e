"""A running job's lease is renewed while its process lives, even through an
export step that reports no progress for longer than the lease; so the
sweeper never hands a slow but healthy run to another worker. (A dead run's
lease does run out: tests/faults/test_worker_killed.py.)"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.utils import timezone

from reports import registry
from reports.exports.base import Exporter
from reports.jobs import services
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = datetime.timedelta(seconds=0.3)


class SilentSlowExporter(Exporter):
    """One long step without progress, looking at its own lease meanwhile."""

    identifier = "silent_slow_test"
    verbose_name = "慢报表"
    extension = "txt"
    mimetype = "text/plain"

    def __init__(self) -> None:
        self.leases: list[datetime.datetime] = []
        self.requeued: list[int] = []

    def allowed(self, user: Any) -> bool:
        return True

    def render(self, params: dict[str, Any], *, user: Any, progress: Any = None) -> tuple[str, str, bytes]:
        self.leases.append(ReportJob.objects.get(kind=self.identifier).lease_expires_at)  # type: ignore[arg-type]
        for _ in range(5):
            time.sleep(LEASE.total_seconds())
            self.requeued += services.jobs_sweep()
        self.leases.append(ReportJob.objects.get(kind=self.identifier).lease_expires_at)  # type: ignore[arg-type]
        return "slow.txt", "text/plain", b"done"


def test_lease_is_renewed_through_a_long_silent_step(monkeypatch: pytest.MonkeyPatch) -> None:
    exporter = SilentSlowExporter()
    monkeypatch.setattr(registry, "exporters", registry.Registry("exporters"))  # this exporter only
    registry.exporters.add(exporter.identifier, exporter)
    monkeypatch.setattr(services, "LEASE", LEASE)
    monkeypatch.setattr(services, "report_job_enqueue", lambda *, job_id: None)  # what a sweep would queue is recorded
    job = ReportJob.objects.create(kind=exporter.identifier, params={}, requested_by=None)

    assert services.job_run(job_id=job.pk) is True

    claimed_lease, late_lease = exporter.leases
    # Five lease lengths later the lease still lies ahead: it was renewed.
    assert late_lease > claimed_lease + 3 * LEASE
    assert late_lease > timezone.now() - LEASE
    assert exporter.requeued == []
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)


def test_no_renewal_thread_inside_a_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import transaction

    started: list[object] = []
    monkeypatch.setattr(services.threading, "Thread", lambda *a, **k: started.append(k) or pytest.fail("thread"))
    with transaction.atomic(), services._lease_kept(1, None):
        pass
    assert started == []
