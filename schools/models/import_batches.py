"""Uploaded register imports kept between the preview and the confirmation.

The parsed rows are kept here, server-side, so that the confirmation never
trusts rows posted back by the browser; they are validated again when the
clerk confirms. The uploaded file itself is not kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("School list")
    SUPERVISORS = "supervisors", _("Supervisor list")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")
    OUTDATED = "outdated", _("Outdated: the register changed before confirmation")


class ImportBatch(models.Model):
    """One uploaded register file: its rows, the plan the clerk was shown,
    and what became of it. Only a file without errors becomes a batch."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file_name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("As uploaded; shown only, the file is not kept.")
    )
    rows = models.JSONField(_("rows"), default=list, help_text=_("The cells of every row, as read from the file."))
    plan = models.JSONField(_("plan"), default=list, help_text=_("What the preview showed for every row."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="import_batch_decided_unless_pending",
                condition=(Q(status="pending") & Q(decided_at__isnull=True))
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def count(self, action: str) -> int:
        return sum(1 for r in self.plan if r.get("action") == action)
