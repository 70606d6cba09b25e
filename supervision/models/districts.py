from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .dated import DatedModel


class SupervisoryDistrict(models.Model):
    """A supervisory district (督学责任区): a group of schools with the
    supervisors responsible for them."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supervisory district")
        verbose_name_plural = _("supervisory districts")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class DistrictMembership(DatedModel):
    """A school's membership of a district from one date to another."""

    district = models.ForeignKey(
        SupervisoryDistrict, verbose_name=_("district"), on_delete=models.PROTECT, related_name="memberships"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="district_memberships"
    )

    class Meta:
        verbose_name = _("district membership")
        verbose_name_plural = _("district memberships")
        ordering = ["district", "school", "-start_date"]
        constraints = [
            models.CheckConstraint(
                name="membership_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            # One open membership per school everywhere; on PostgreSQL an
            # exclusion constraint (migration 0002) also forbids overlapping
            # closed periods.
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(end_date__isnull=True),
                name="one_open_district_per_school",
                violation_error_message=_("This school already belongs to a district; close that membership first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} → {self.district}"

    def clean(self) -> None:
        super().clean()
        if not (self.school_id and self.start_date):
            return
        others = DistrictMembership.objects.filter(school_id=self.school_id).exclude(pk=self.pk)
        overlap = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date is not None:
            overlap = overlap.filter(start_date__lte=self.end_date)
        if overlap.exists():
            raise ValidationError(
                _("A school belongs to one district at a time; these dates overlap another membership.")
            )
