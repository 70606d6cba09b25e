from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SchoolYear(models.Model):
    """学年: a school year (September to August), with its two semesters."""

    name = models.CharField(_("name"), max_length=30, unique=True, help_text=_("For example 2026-2027学年."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(name="school_year_ends_after_start", condition=Q(end_date__gt=F("start_date"))),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.IntegerChoices):
    FIRST = 1, _("First semester")
    SECOND = 2, _("Second semester")


class SemesterQuerySet(models.QuerySet["Semester"]):
    def containing(self, day: datetime.date) -> SemesterQuerySet:
        return self.filter(start_date__lte=day, end_date__gte=day)

    def current(self, today: datetime.date | None = None) -> Semester | None:
        """The semester that contains today, or, during a vacation, the one
        that ended last (its work is still being reported on)."""
        day = today or timezone.localdate()
        return (
            self.containing(day).select_related("school_year").first()
            or self.filter(start_date__lte=day).select_related("school_year").order_by("-start_date").first()
        )


class Semester(models.Model):
    """学期: one semester of a school year; the current one is derived from the date."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.CASCADE, related_name="semesters"
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = SemesterQuerySet.as_manager()

    class Meta:
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "term"], name="one_semester_per_term"),
            models.CheckConstraint(name="semester_ends_after_start", condition=Q(end_date__gt=F("start_date"))),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.get_term_display()}"

    def clean(self) -> None:
        if not (self.school_year_id and self.start_date and self.end_date):
            return
        year = self.school_year
        if self.start_date < year.start_date or self.end_date > year.end_date:
            raise ValidationError(_("A semester lies within its school year."))
        overlapping = Semester.objects.filter(start_date__lte=self.end_date, end_date__gte=self.start_date).exclude(
            pk=self.pk
        )
        if overlapping.exists():
            raise ValidationError(_("Semesters may not overlap."))
