"""Inspection visits (督导随访): what a responsible supervisor saw at a school
on one day, with a result per checklist item, findings and photos.

A visit exists on the server only once it is submitted: drafts live in the
tablet's browser until then. A submitted visit is locked; a change is an
amendment with a reason, kept with the before and after values."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.checklist.models import ItemResult
from supervision.uploads import visit_photo_path


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Monthly visit")
    FOLLOW_UP = "follow_up", _("Follow-up visit")


class VisitMode(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    UNANNOUNCED = "unannounced", _("Unannounced")


class VisitSubmissionState(models.TextChoices):
    """Where a visit is on its way from the tablet to the server (督导记录提交):
    a draft lives on the tablet, is queued when submitted without a
    connection, sent, and either stored (submitted) or failed and retried.
    The offline form shows these labels next to its submit button."""

    DRAFT = "editing", pgettext_lazy("visit submission", "Draft on this tablet")
    QUEUED = "queued", pgettext_lazy("visit submission", "Queued, waiting for a connection")
    SENDING = "sending", pgettext_lazy("visit submission", "Sending")
    SENT = "sent", pgettext_lazy("visit submission", "Submitted")
    FAILED = "failed", pgettext_lazy("visit submission", "Not sent, will retry")


class VisitMethod(models.TextChoices):
    CAMPUS_PATROL = "patrol", _("Campus patrol")
    LESSON_OBSERVATION = "lessons", _("Lesson observation")
    DOCUMENT_REVIEW = "documents", _("Document review")
    MEETING = "meetings", _("Sitting in on meetings")
    INTERVIEW = "interviews", _("Interviews and home visits")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the calendar month of ``day``."""
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


class VisitQuerySet(models.QuerySet["Visit"]):
    def in_month(self, day: datetime.date) -> VisitQuerySet:
        first, last = month_bounds(day)
        return self.filter(date__gte=first, date__lte=last)


class Visit(models.Model):
    """督导检查（挂牌督导）: one visit of a responsible supervisor to a school, with a result per checklist item."""

    client_id = models.UUIDField(
        _("client id"),
        unique=True,
        editable=False,
        help_text=_("Made by the tablet when the draft was started; a repeated submission finds this visit."),
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("date of visit"))
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    mode = models.CharField(
        _("announced or not"), max_length=20, choices=VisitMode.choices, default=VisitMode.ANNOUNCED
    )
    methods = models.JSONField(_("methods"), default=list, blank=True)
    supervisors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "Supervisor", verbose_name=_("supervisors present"), related_name="visits", blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
    checked_rectifications: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "Rectification",
        verbose_name=_("rectifications checked"),
        related_name="follow_up_visits",
        blank=True,
        help_text=_("The demands a follow-up visit (回访) checked."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submitted_visits",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-date", "-submitted_at"]
        indexes = [models.Index(fields=["school", "date"], name="visit_school_date")]
        constraints = [
            models.CheckConstraint(name="visit_kind_valid", condition=Q(kind__in=[c.value for c in VisitKind])),
            models.CheckConstraint(name="visit_mode_valid", condition=Q(mode__in=[c.value for c in VisitMode])),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        methods = self.methods or []
        if not isinstance(methods, list) or not methods:
            raise ValidationError({"methods": _("Choose at least one method.")})
        unknown = set(methods) - set(VisitMethod.values)
        if unknown:
            raise ValidationError({"methods": _("Unknown method.")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A visit cannot be dated in the future.")})

    @property
    def method_labels(self) -> list[str]:
        labels = dict(VisitMethod.choices)
        return [str(labels.get(m, m)) for m in self.methods or []]


class VisitItemResult(models.Model):
    """督导事项结果: the result of one checklist item on a visit. The item's code and
    wording are copied at the time of the visit, so that rewording or
    retiring the item never changes what the visit says."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        "SupervisionItem", verbose_name=_("supervision item"), on_delete=models.PROTECT, related_name="visit_results"
    )
    item_code = models.CharField(_("item code at the time"), max_length=10)
    item_title = models.CharField(_("item wording at the time"), max_length=200)
    item_order = models.PositiveSmallIntegerField(_("order"), default=0)
    item_is_top_level = models.BooleanField(_("top-level item"), default=True)
    result = models.CharField(_("result"), max_length=20, choices=ItemResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visit item result")
        verbose_name_plural = _("visit item results")
        ordering = ["item_order", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="one_result_per_item_per_visit"),
            models.CheckConstraint(
                name="visit_item_result_valid", condition=Q(result__in=[c.value for c in ItemResult])
            ),
        ]
        indexes = [models.Index(fields=["item", "visit"], name="visit_result_item_visit")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_title}: {self.get_result_display()}"

    @property
    def is_non_compliant(self) -> bool:
        return self.result == ItemResult.NON_COMPLIANT


class VisitPhoto(models.Model):
    """督导照片: a photo taken on a visit, re-encoded on upload (no EXIF, no GPS) and
    served only through a view that checks who may see the visit."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=visit_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=visit_photo_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"


class VisitAmendment(models.Model):
    """督导记录更正: a change to a submitted visit: who, when, why, and each changed value
    before and after, so the visit's history reads in full."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="amendments")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("amended by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("amended"), default=timezone.now)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(
        _("changes"), default=list, help_text=_("A list of {field, label, before, after} entries.")
    )

    class Meta:
        verbose_name = _("visit amendment")
        verbose_name_plural = _("visit amendments")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(name="amendment_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.at:%Y-%m-%d %H:%M}"


class VisitCoverageMonth(models.Model):
    """走访覆盖汇总 (visit coverage summary): per district and calendar month,
    the member schools (active, member on the month's last day) and how
    many of them had at least one visit that month. Kept in the writer's
    transaction by ``supervision.visits.coverage.visit_coverage_refresh``
    (from the visit and membership signals); ``manage.py
    rebuild_visit_coverage`` rebuilds it from the raw rows."""

    district = models.ForeignKey(
        "supervision.SupervisoryDistrict",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    schools = models.PositiveIntegerField(_("schools"))
    visited = models.PositiveIntegerField(_("schools visited"))

    class Meta:
        verbose_name = _("visit coverage summary")
        verbose_name_plural = _("visit coverage summaries")
        ordering = ["month", "district"]
        constraints = [
            models.UniqueConstraint(fields=["month", "district"], name="one_coverage_row_per_district_month"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m}: {self.visited}/{self.schools}"
