"""Principals' self-checks (自查) against the supervision checklist.

Bureau staff open a round (a period, the items it covers, open and close
dates, the schools); each school fills one self-check per round, item by
item with a result on the shared :class:`~supervision.models.ItemResult`
scale, an explanation and evidence files, then submits; bureau staff accept
it (which locks it) or return it with comments for revision.

Each item result keeps the checklist item's FK and its code and title as
they were, so a self-check joins with visit results on (school, item) and an
old self-check reads the same after the checklist is reworded."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.models import ItemResult


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    SEMESTER = "semester", _("Semester")


class RoundState(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("self-check round", "Not open yet")
    OPEN = "open", pgettext_lazy("self-check round", "Open")
    CLOSED = "closed", pgettext_lazy("self-check round", "Closed")


class SelfCheckRound(models.Model):
    """自查轮次: a round of self-checks (自查) the bureau opens for chosen schools between two dates."""

    title = models.CharField(_("title"), max_length=100)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("The first day of the month checked."))
    semester = models.ForeignKey(
        "schools.Semester",
        verbose_name=_("semester"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="selfcheck_rounds",
    )
    items = models.ManyToManyField(
        "supervision.SupervisionItem", verbose_name=_("supervision items"), related_name="selfcheck_rounds"
    )
    schools = models.ManyToManyField("schools.School", verbose_name=_("schools"), related_name="selfcheck_rounds")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(
        _("closes on"), help_text=_("The deadline: a self-check first submitted after this day is late.")
    )
    instructions = models.TextField(_("instructions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-check round")
        verbose_name_plural = _("self-check rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="selfcheck_round_closes_after_opening", condition=Q(closes_on__gte=F("opens_on"))
            ),
            models.CheckConstraint(
                name="selfcheck_round_period_consistent",
                condition=Q(period_kind=PeriodKind.MONTH, month__isnull=False, semester__isnull=True)
                | Q(period_kind=PeriodKind.SEMESTER, semester__isnull=False, month__isnull=True),
                violation_error_message=_("A monthly round names its month, a semester round its semester."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A round cannot close before it opens.")})
        if self.period_kind == PeriodKind.MONTH:
            if self.month is None:
                raise ValidationError({"month": _("Choose the month the round checks.")})
            if self.month.day != 1:
                self.month = self.month.replace(day=1)
            self.semester = None
        elif self.period_kind == PeriodKind.SEMESTER:
            if self.semester_id is None:
                raise ValidationError({"semester": _("Choose the semester the round checks.")})
            self.month = None

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.MONTH and self.month:
            return f"{self.month.year}年{self.month.month}月"
        return str(self.semester) if self.semester_id else ""

    def state(self, today: datetime.date | None = None) -> RoundState:
        day = today or timezone.localdate()
        if day < self.opens_on:
            return RoundState.UPCOMING
        if day > self.closes_on:
            return RoundState.CLOSED
        return RoundState.OPEN


class SelfCheckStatus(models.TextChoices):
    """A school's self-check (自查) workflow: 填报 → 提交 → 审核."""

    DRAFT = "draft", pgettext_lazy("self-check status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("self-check status", "Submitted, awaiting review")
    RETURNED = "returned", pgettext_lazy("self-check status", "Returned for revision")
    ACCEPTED = "accepted", pgettext_lazy("self-check status", "Accepted")


# The states in which the school may still change its answers and evidence.
EDITABLE_STATUSES = (SelfCheckStatus.DRAFT, SelfCheckStatus.RETURNED)


class Timing(models.TextChoices):
    """A school's timeliness in a round (the "late self-check" rule)."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")
    PENDING = "pending", _("Not submitted yet")


def selfcheck_timing_of(
    *, first_submitted_on: datetime.date | None, closes_on: datetime.date, today: datetime.date
) -> Timing:
    """THE rule of a late self-check, used by pages, scoring and the notice:
    on time when first submitted (a return for revision does not count) on
    or before the round's closing day, late after it; without a submission,
    missing once the round has closed and pending while it is open."""
    if first_submitted_on is not None:
        return Timing.ON_TIME if first_submitted_on <= closes_on else Timing.LATE
    return Timing.MISSING if today > closes_on else Timing.PENDING


def selfcheck_on_time_q(closes_on: Any, *, prefix: str = "") -> Q:
    """:func:`selfcheck_timing_of`'s "on time" as a condition, for counts in
    the database; ``closes_on`` is a date, ``F("round__closes_on")`` or an
    ``OuterRef``."""
    return Q(**{f"{prefix}first_submitted_on__isnull": False, f"{prefix}first_submitted_on__lte": closes_on})


class SelfCheck(models.Model):
    """学校自查: one school's self-check in one round. Timeliness is measured on the
    first submission: a return for revision does not make a school late."""

    round = models.ForeignKey(
        SelfCheckRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="selfchecks"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="selfchecks"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SelfCheckStatus.choices, default=SelfCheckStatus.DRAFT
    )
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    # The local (Asia/Shanghai) day of the first submission, kept so that
    # on-time counts compare it with the round's closing day in the database.
    first_submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("review comments"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["-round__opens_on", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="one_selfcheck_per_school_round"),
            # Only a never-submitted self-check is a draft; every other state
            # has been submitted at least once.
            models.CheckConstraint(
                name="selfcheck_submission_dates_match_status",
                condition=Q(
                    status=SelfCheckStatus.DRAFT, first_submitted_at__isnull=True, first_submitted_on__isnull=True
                )
                | (
                    ~Q(status=SelfCheckStatus.DRAFT)
                    & Q(first_submitted_at__isnull=False, first_submitted_on__isnull=False, submitted_at__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["round", "first_submitted_on"], name="selfcheck_round_submitted")]

    def __str__(self) -> str:
        return f"{self.school} · {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_locked(self) -> bool:
        return self.status == SelfCheckStatus.ACCEPTED


class SelfCheckItemResult(models.Model):
    """自查事项结果: the school's answer on one checklist item of its self-check."""

    selfcheck = models.ForeignKey(
        SelfCheck, verbose_name=_("self-check"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        on_delete=models.PROTECT,
        related_name="selfcheck_results",
    )
    item_code = models.CharField(_("item code"), max_length=10)
    item_title = models.CharField(_("item title"), max_length=200)
    result = models.CharField(_("result"), max_length=20, choices=ItemResult.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("self-check item result")
        verbose_name_plural = _("self-check item results")
        ordering = ["selfcheck", "item__order", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["selfcheck", "item"], name="one_result_per_selfcheck_item"),
            models.CheckConstraint(
                name="selfcheck_result_on_scale",
                condition=Q(result="") | Q(result__in=ItemResult.values),
            ),
        ]
        # The cross-check against visits looks results up by item.
        indexes = [models.Index(fields=["item", "selfcheck"], name="selfcheck_result_by_item")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_result_display() or '—'}"


def evidence_path(instance: Any, filename: str) -> str:
    """A generated name under the round's folder; the extension comes from
    the checked content, never from what the browser sent."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"selfchecks/{instance.item_result.selfcheck.round_id}/{uuid.uuid4().hex}.{ext}"


class SelfCheckEvidence(models.Model):
    """自查佐证材料: an evidence file (PDF, or an image re-encoded without metadata)."""

    item_result = models.ForeignKey(
        SelfCheckItemResult, verbose_name=_("item result"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    original_name = models.CharField(
        _("original name"), max_length=120, blank=True, help_text=_("Shown to people only; never used on disk.")
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-check evidence")
        verbose_name_plural = _("self-check evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SelfCheckAction(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("self-check event", "Submitted")
    RESUBMITTED = "resubmitted", pgettext_lazy("self-check event", "Resubmitted after revision")
    RETURNED = "returned", pgettext_lazy("self-check event", "Returned for revision")
    ACCEPTED = "accepted", pgettext_lazy("self-check event", "Accepted")


class SelfCheckEvent(models.Model):
    """自查流转记录: one transition of a self-check: who, when, from which state to which,
    and why (the review comments)."""

    selfcheck = models.ForeignKey(
        SelfCheck, verbose_name=_("self-check"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=SelfCheckAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=SelfCheckStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=SelfCheckStatus.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("self-check event")
        verbose_name_plural = _("self-check events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.selfcheck} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
