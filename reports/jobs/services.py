"""Report jobs: request, run, sweep.

A job is requested inside the web request and enqueued after commit. If the
broker is unreachable the job stays recorded as waiting and the sweeper
queues it again later: the request itself never fails or hangs because of
Redis."""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.exports.base import get_exporter
from reports.models import JobStatus, ReportJob

log = logging.getLogger(__name__)


# A running job renews its lease at each progress step; one whose lease ran
# out (its worker died) is taken over by the next run the sweeper queues.
LEASE = datetime.timedelta(seconds=settings.REPORT_JOB_LEASE_SECONDS)


MAX_ATTEMPTS = 3


class JobError(Exception):
    pass


class JobNotAllowed(JobError):
    """The user may not run this report; views answer 404 (a report one may
    not see does not exist)."""


def report_job_enqueue(*, job_id: int) -> None:
    """Send the job's message; a broker that is down only leaves the job
    waiting for the sweeper."""
    from reports.jobs.tasks import run_report_job

    try:
        run_report_job.apply_async(args=(job_id,), retry=False)
    except Exception:  # the broker's errors are many (kombu, redis, socket)
        log.warning("could not queue report job %s; the sweeper will retry", job_id, exc_info=True)


def job_request(*, kind: str, params: dict[str, Any] | None, by: Any) -> ReportJob:
    """Record a request for report ``kind`` and queue it. Raises a
    ValidationError for bad parameters and :class:`JobNotAllowed` for a
    report the user may not run."""
    exporter = get_exporter(kind)
    if not exporter.allowed(by):
        raise JobNotAllowed(kind)
    clean = exporter.clean_params(params)
    job = ReportJob.objects.create(kind=kind, params=clean, requested_by=by)
    transaction.on_commit(lambda: report_job_enqueue(job_id=job.pk))
    return job


def _claim(job_id: int) -> tuple[ReportJob, Any] | None:
    now = timezone.now()
    token = ReportJob.new_token()
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    claimed = (
        ReportJob.objects.filter(claimable, pk=job_id)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            status=JobStatus.RUNNING,
            claim_token=token,
            lease_expires_at=now + LEASE,
            started_at=now,
            attempts=F("attempts") + 1,
            progress=0,
            error="",
        )
    )
    if not claimed:
        return None
    return ReportJob.objects.get(pk=job_id), token


def job_run(*, job_id: int) -> bool:
    """Run the job if it can be claimed; True if this call produced the file.

    Safe to call any number of times, concurrently: the conditional claim
    lets one run work, and only the run holding the current claim stores its
    result."""
    claim = _claim(job_id)
    if claim is None:
        return False
    job, token = claim
    exporter = get_exporter(job.kind)
    user = job.requested_by

    def progress(percent: int, note: str = "") -> None:
        ReportJob.objects.filter(pk=job.pk, claim_token=token).update(
            progress=max(0, min(99, percent)),
            progress_note=note[:200],
            lease_expires_at=timezone.now() + LEASE,
        )

    # Permissions are checked again here: the user may have lost the right
    # (or the account) between the request and the run.
    if user is not None and not (user.is_active and exporter.allowed(user)):
        _fail(job, token, _("The requester is no longer allowed to run this report."))
        return False
    try:
        # Reports are documents of the bureau: always in Chinese, whatever
        # language the requester browses in or the worker starts with.
        with translation.override(settings.LANGUAGE_CODE), _lease_kept(job.pk, token):
            filename, mimetype, data = exporter.render(job.params, user=user, progress=progress)
    except Exception as exc:
        log.exception("report job %s failed", job.pk)
        _fail(job, token, _("The report could not be produced: %(error)s") % {"error": exc})
        return False
    # Stored before the row is locked: with a bucket this is a network upload
    # of megabytes, which must not hold the job's row (and the sweeper) back,
    # and the lease is kept meanwhile.
    with _lease_kept(job.pk, token):
        job.file.save(filename, ContentFile(data), save=False)
    stored = job.file.name
    with transaction.atomic():
        current = ReportJob.objects.select_for_update().get(pk=job.pk)
        if current.claim_token != token or current.status != JobStatus.RUNNING:
            job.file.storage.delete(stored)
            return False  # another run took over; it stores the file
        current.file.name = stored
        current.filename = filename
        current.mimetype = mimetype
        current.status = JobStatus.DONE
        current.progress = 100
        # The last step's note ("writing the workbook") is not true any more.
        current.progress_note = ""
        current.finished_at = timezone.now()
        current.save()
    return True


@contextlib.contextmanager
def _lease_kept(job_id: int, token: Any) -> Iterator[None]:
    """Renew the job's lease while this process lives. Exporters report
    progress only between their steps, and one step (WeasyPrint laying out a
    province's notice) can outlast the lease: without this the sweeper would
    hand a healthy run to another worker, again and again until the attempts
    ran out. A killed worker stops renewing, so the lease still tells a dead
    run from a slow one.

    Not inside a transaction (tests, or a caller's atomic block): the claim
    is not visible to other connections then, and renewing it from a second
    connection would wait for the caller's row lock."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(LEASE.total_seconds() / 3):
                try:
                    ReportJob.objects.filter(pk=job_id, claim_token=token, status=JobStatus.RUNNING).update(
                        lease_expires_at=timezone.now() + LEASE
                    )
                except Exception:  # the database may be restarting; try at the next beat
                    log.warning("could not renew the lease of report job %s", job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    beat = threading.Thread(target=renew, name=f"report-job-{job_id}-lease", daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _fail(job: ReportJob, token: Any, message: str) -> None:
    ReportJob.objects.filter(pk=job.pk, claim_token=token).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now(), progress_note=""
    )


def jobs_sweep(*, older_than: datetime.timedelta = datetime.timedelta(seconds=60)) -> list[int]:
    """Queue again the jobs whose message was lost: waiting for longer than
    ``older_than``, or running with an expired lease. Jobs that used up their
    attempts are marked failed. Returns the ids queued."""
    now = timezone.now()
    exhausted = ReportJob.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now, attempts__gte=MAX_ATTEMPTS)
    exhausted.update(status=JobStatus.FAILED, error=_("The report failed after several attempts."), finished_at=now)
    stale = ReportJob.objects.filter(
        Q(status=JobStatus.PENDING, created_at__lt=now - older_than)
        | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    ).values_list("pk", flat=True)
    ids = list(stale)
    for job_id in ids:
        report_job_enqueue(job_id=job_id)
    return ids


SEMESTER_END_REPORTS = ("ranking_xlsx", "semester_notice_pdf")


def semester_reports_draft(*, today: datetime.date | None = None) -> list[ReportJob]:
    """At a semester's end, draft its ranking and notice once (the scheduler
    is the requester). Runs daily; a semester that ended in the last week and
    has no drafts yet gets them, so a missed day is caught up. The drafts
    read the semester's latest stored run; without one, the scheduler
    computes one first (this runs in a Celery task, never in a request)."""
    from reports.scoring.engine import scores_compute
    from reports.scoring.selectors import score_run_latest
    from schools.models import Semester

    today = today or timezone.localdate()
    created: list[ReportJob] = []
    ended = Semester.objects.filter(end_date__lt=today, end_date__gte=today - datetime.timedelta(days=7))
    for semester in ended:
        if not hasattr(semester, "scoring_scheme"):
            continue
        run = None
        for kind in SEMESTER_END_REPORTS:
            exists = ReportJob.objects.filter(kind=kind, requested_by=None, params__semester=semester.pk).exists()
            if not exists:
                run = run or score_run_latest(semester=semester) or scores_compute(scheme=semester.scoring_scheme)
                job = ReportJob.objects.create(
                    kind=kind,
                    params={"semester": semester.pk, "run": run.pk, "document_number": ""},
                    requested_by=None,
                )
                transaction.on_commit(partial(report_job_enqueue, job_id=job.pk))
                created.append(job)
    return created
