from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    """A report job's life (报表生成任务)."""

    PENDING = "pending", pgettext_lazy("report job status", "Waiting")
    RUNNING = "running", pgettext_lazy("report job status", "Running")
    DONE = "done", pgettext_lazy("report job status", "Finished")
    FAILED = "failed", pgettext_lazy("report job status", "Failed")


class ReportJob(models.Model):
    """报表任务: one request for an export. The row is the truth about the job: the
    browser polls it for progress, the history lists it, and the sweeper finds
    jobs whose Celery message was lost (Redis down at request time, a worker
    killed mid-run) and queues them again.

    A run claims the job by a conditional update that sets a new
    ``claim_token`` and a lease; only the run holding the current token may
    store the file, so two runs of the same job never produce two files."""

    kind = models.CharField(_("report"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        help_text=_("Empty for jobs the scheduler started."),
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    mimetype = models.CharField(_("file type"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="reportjob_sweep_idx")]
        constraints = [
            models.CheckConstraint(name="reportjob_progress_0_100", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="reportjob_done_has_file",
                condition=~Q(status=JobStatus.DONE) | ~Q(file=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()
