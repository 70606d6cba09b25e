"""The annual model-school selection (减负提质示范校评选)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    PROPOSED = "proposed", _("Candidates proposed")
    DECIDED = "decided", _("Decided")
    PUBLICITY = "publicity", _("In public notice (公示)")
    FINAL = "final", _("Final list")


class ModelSchoolRound(models.Model):
    """示范校评选 (model-school selection round) of one school year. Its rules
    are data: the minimum score on 100 in each semester's published run, and
    whether a veto, a substantiated complaint with school liability or an
    incomplete visit coverage rule a school out."""

    school_year = models.OneToOneField(
        "schools.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="model_school_round"
    )
    title = models.CharField(_("title"), max_length=100, default="减负提质示范校")
    min_score = models.DecimalField(_("minimum score (of 100)"), max_digits=5, decimal_places=2, default=Decimal("85"))
    require_no_veto = models.BooleanField(_("no veto in either semester"), default=True)
    require_no_school_liability_complaint = models.BooleanField(
        _("no substantiated complaint with school liability"), default=True
    )
    require_visit_coverage = models.BooleanField(_("visited every month of both semesters"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PROPOSED)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    publicity_start = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_end = models.DateField(_("public notice until"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final list at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("model-school selection")
        verbose_name_plural = _("model-school selections")
        ordering = ["-school_year__start_date"]
        constraints = [
            models.CheckConstraint(
                name="modelschool_publicity_dates",
                condition=Q(publicity_start__isnull=True)
                | Q(publicity_end__isnull=True)
                | Q(publicity_end__gte=models.F("publicity_start")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.title}"


class ModelSchoolCandidate(models.Model):
    """示范校候选 (candidate): a school the rules proposed or bureau staff
    added; ``included`` is whether it is on the list, ``reason`` why staff
    added or removed it, ``findings`` what the rules found."""

    round = models.ForeignKey(
        ModelSchoolRound, verbose_name=_("selection"), on_delete=models.CASCADE, related_name="candidates"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="model_school_candidacies"
    )
    proposed = models.BooleanField(_("proposed by the rules"), default=False)
    included = models.BooleanField(_("on the list"), default=False)
    reason = models.TextField(_("reason for adding or removing"), blank=True)
    scores = models.JSONField(_("scores of the two semesters"), default=list, blank=True)
    findings = models.JSONField(_("rules not met"), default=list, blank=True)

    class Meta:
        verbose_name = _("model-school candidate")
        verbose_name_plural = _("model-school candidates")
        ordering = ["round", "school__code"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="one_candidacy_per_round")]

    def __str__(self) -> str:
        return f"{self.round} {self.school}"
