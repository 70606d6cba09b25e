"""Rectification demands (整改): a problem a school must fix, followed until
the responsible supervisor verifies it is fixed (闭环, item by item).

A demand usually comes from a non-compliant item of a visit, but it can come
from elsewhere (a substantiated complaint case): only the school is required.

States: open → answered → accepted (closed), or answered → returned →
answered → … A demand closes only when accepted. It is overdue while not
accepted after its deadline; that is derived, never stored."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.uploads import evidence_path


class RectificationStatus(models.TextChoices):
    """A rectification demand's workflow (整改 → 验收销号)."""

    OPEN = "open", pgettext_lazy("rectification status", "Open")
    ANSWERED = "answered", pgettext_lazy("rectification status", "Answered, awaiting verification")
    RETURNED = "returned", pgettext_lazy("rectification status", "Returned for more work")
    ACCEPTED = "accepted", pgettext_lazy("rectification status", "Accepted and closed")


def rectification_overdue_q(day: datetime.date, *, prefix: str = "") -> Q:
    """THE rule of an overdue demand (pages, digests, scoring, exports and
    counts all use it): not accepted, and its deadline is before ``day`` (the
    bureau's local date). ``prefix`` reaches the demand through a relation
    (``"rectifications__"``)."""
    return ~Q(**{f"{prefix}status": RectificationStatus.ACCEPTED}) & Q(**{f"{prefix}deadline__lt": day})


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def not_closed(self) -> RectificationQuerySet:
        return self.exclude(status=RectificationStatus.ACCEPTED)

    def overdue(self, on: datetime.date | None = None) -> RectificationQuerySet:
        return self.filter(rectification_overdue_q(on or timezone.localdate()))


class Rectification(models.Model):
    """整改通知: a rectification demand (整改) a school (or a training institution) must fix, followed until
    it is verified and closed (销号)."""

    # Exactly one of school and institution: a demand to a training
    # institution (from an inspection, issue 16) follows the same loop, with
    # bureau staff recording the institution's answer.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="rectifications",
        null=True,
        blank=True,
    )
    institution = models.ForeignKey(
        "supervision.TrainingInstitution",
        verbose_name=_("training institution"),
        on_delete=models.PROTECT,
        related_name="rectifications",
        null=True,
        blank=True,
    )
    inspection = models.ForeignKey(
        "supervision.InstitutionInspection",
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    visit = models.ForeignKey(
        "Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    visit_item = models.ForeignKey(
        "VisitItemResult",
        verbose_name=_("visit item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what must be corrected"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    source_note = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the demand comes from when not from a visit.")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set when the principal's e-mail about the new demand was claimed, so a
    # task that runs twice sends it once.
    notified_at = models.DateTimeField(_("principal notified"), null=True, blank=True, editable=False)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification demand")
        verbose_name_plural = _("rectification demands")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["school", "status"], name="rect_school_status")]
        constraints = [
            models.CheckConstraint(
                name="rectification_school_xor_institution",
                condition=Q(school__isnull=False, institution__isnull=True)
                | Q(school__isnull=True, institution__isnull=False),
                violation_error_message=_("A demand is made to either a school or a training institution."),
            ),
            models.CheckConstraint(
                name="rectification_inspection_needs_institution",
                condition=Q(inspection__isnull=True) | Q(institution__isnull=False),
            ),
            models.CheckConstraint(
                name="rectification_status_valid",
                condition=Q(status__in=[c.value for c in RectificationStatus]),
            ),
            models.CheckConstraint(
                name="rectification_item_needs_visit",
                condition=Q(visit_item__isnull=True) | Q(visit__isnull=False),
                violation_error_message=_("A demand on a visit item names that visit."),
            ),
            models.CheckConstraint(
                name="rectification_closed_iff_accepted",
                condition=(Q(status=RectificationStatus.ACCEPTED) & Q(closed_at__isnull=False))
                | (~Q(status=RectificationStatus.ACCEPTED) & Q(closed_at__isnull=True)),
            ),
            models.UniqueConstraint(
                fields=["visit_item"],
                condition=Q(visit_item__isnull=False),
                name="one_rectification_per_visit_item",
                violation_error_message=_("This item of the visit already has a rectification demand."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.title}"

    @property
    def subject_name(self) -> str:
        """The name of the school or training institution the demand is made to."""
        if self.school_id is not None and self.school is not None:
            return self.school.name
        return self.institution.name if self.institution is not None else ""

    @property
    def is_closed(self) -> bool:
        return self.status == RectificationStatus.ACCEPTED

    def is_overdue_on(self, day: datetime.date) -> bool:
        """:func:`rectification_overdue_q` for a row already loaded (a test
        keeps the two in agreement)."""
        return not self.is_closed and self.deadline < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        today = timezone.localdate()
        return (today - self.deadline).days if self.is_overdue_on(today) else 0


class RectificationAnswer(models.Model):
    """整改回复: the school's answer to a demand: what it did or will do (the plan),
    with evidence files. A returned demand gets a new answer; earlier ones
    stay for the record."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification demand"), on_delete=models.CASCADE, related_name="answers"
    )
    plan = models.TextField(_("rectification plan and measures taken"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("answered"), default=timezone.now)
    notified_at = models.DateTimeField(_("supervisors notified"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rectification answer")
        verbose_name_plural = _("rectification answers")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rectification} · {self.at:%Y-%m-%d}"


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")


class RectificationEvidence(models.Model):
    """整改佐证材料: an evidence file of a school's answer to a rectification demand."""

    answer = models.ForeignKey(
        RectificationAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.answer} #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.kind == EvidenceKind.IMAGE


class RectificationAction(models.TextChoices):
    RAISED = "raised", pgettext_lazy("rectification event", "Raised")
    ANSWERED = "answered", pgettext_lazy("rectification event", "Answered")
    RETURNED = "returned", pgettext_lazy("rectification event", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("rectification event", "Accepted")
    CHECKED_ON_VISIT = "checked", pgettext_lazy("rectification event", "Checked on a follow-up visit")


class RectificationEvent(models.Model):
    """整改流转记录: one step in a demand's history: who did what, when, and why."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification demand"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=RectificationAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=RectificationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RectificationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    visit = models.ForeignKey(
        "Visit", verbose_name=_("visit"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
