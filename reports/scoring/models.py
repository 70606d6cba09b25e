from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScoringScheme(models.Model):
    """评分方案: how schools are scored in one semester: which indicators, with which
    weights. Bureau staff set it in the admin; each computation keeps a copy
    of the weights it used, so a result can always be explained as it was."""

    semester = models.OneToOneField(
        "schools.Semester", verbose_name=_("semester"), on_delete=models.PROTECT, related_name="scoring_scheme"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["-semester__start_date"]

    def __str__(self) -> str:
        return str(self.semester)


class SchemeWeight(models.Model):
    """指标权重: the weight of one indicator in a scoring scheme."""

    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="weights"
    )
    indicator = models.CharField(_("indicator"), max_length=60)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["scheme", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="one_weight_per_indicator"),
            models.CheckConstraint(name="weight_not_negative", condition=Q(weight__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.weight}"


class ScoreRun(models.Model):
    """评分批次: one computation of a scheme: the weights used and every school's result."""

    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="runs")
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    weights = models.JSONField(_("weights used"), default=dict)
    excluded = models.JSONField(_("indicators left out"), default=dict, help_text=_("Indicator and reason."))

    class Meta:
        verbose_name = _("score computation")
        verbose_name_plural = _("score computations")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.computed_at:%Y-%m-%d %H:%M}"


class SchoolScore(models.Model):
    """学校得分: one school's result in a score run: points, rank, vetoes and the explanation."""

    run = models.ForeignKey(ScoreRun, verbose_name=_("computation"), on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_total = models.DecimalField(_("possible score"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    rank_in_type = models.PositiveIntegerField(_("rank among schools of its type"))
    rank_in_district = models.PositiveIntegerField(_("rank in its district"), null=True, blank=True)
    district_name = models.CharField(_("district"), max_length=50, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_reason = models.TextField(_("veto reason"), blank=True)
    breakdown = models.JSONField(_("breakdown"), default=list)

    class Meta:
        verbose_name = _("school score")
        verbose_name_plural = _("school scores")
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="one_score_per_school_per_run")]

    def __str__(self) -> str:
        return f"{self.school} {self.total}"


class VetoRule(models.Model):
    """A one-vote-veto rule (一票否决): a school that breaks it is ranked after
    all others and cannot be a model-school candidate that semester. The
    kind names a checker in ``reports.scoring.vetoes``; its parameters (for
    example which complaint categories count) are data."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("veto rule")
        verbose_name_plural = _("veto rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
