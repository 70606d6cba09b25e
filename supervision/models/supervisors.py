from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .dated import DatedModel


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
    """A supervisor's responsibility for a district over a period."""

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
