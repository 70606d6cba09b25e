from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from supervision.districts.dated import DatedModel


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
    """责任区学校归属: a school's membership of a district from one date to another."""

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


class SupervisorKind(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    SPECIAL = "special", _("Special")


class Supervisor(models.Model):
    """A responsible supervisor (责任督学). The account is optional: a special
    supervisor may never sign in, yet still appears on the school's sign."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisor_profile",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=SupervisorKind.choices, default=SupervisorKind.PART_TIME)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to="supervisors/", blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="supervisor_term_order",
                condition=Q(term_end__isnull=True) | Q(term_start__isnull=True) | Q(term_end__gte=F("term_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})


class SupervisorAssignment(DatedModel):
    """责任督学分工: a supervisor's responsibility for a district over a period."""

    supervisor = models.ForeignKey(
        Supervisor, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="assignments"
    )
    district = models.ForeignKey(
        "SupervisoryDistrict", verbose_name=_("district"), on_delete=models.PROTECT, related_name="assignments"
    )
    is_leader = models.BooleanField(_("district leader"), default=False)

    class Meta:
        verbose_name = _("supervisor assignment")
        verbose_name_plural = _("supervisor assignments")
        ordering = ["district", "-is_leader", "supervisor"]
        constraints = [
            models.CheckConstraint(
                name="assignment_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.UniqueConstraint(
                fields=["supervisor", "district"],
                condition=Q(end_date__isnull=True),
                name="one_open_assignment_per_supervisor_district",
                violation_error_message=_("This supervisor is already assigned to this district."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor.name} → {self.district}"
