from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScoringScheme(models.Model):
    """评分方案 (scoring scheme). How schools are scored in one semester: which indicators, with which
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
    """指标权重 (indicator weight) of a scheme. ``params`` may set
    ``no_data_value``: the value a school without records gets, stated in its
    explanation, instead of the indicator leaving that school's maximum."""

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


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("score run", "Published")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ScoreRun(models.Model):
    """评分结果 (score run): one computation of a scheme, with the weights,
    veto decisions and input counts it used and every school's result. A
    draft until bureau staff publish it with the notice's 文号 (document
    number); published runs are frozen, and a correction is a new run that
    supersedes the published one, with a reason."""

    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="runs")
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    weights = models.JSONField(_("weights used"), default=dict)
    excluded = models.JSONField(_("indicators left out"), default=dict, help_text=_("Indicator and reason."))
    vetoes = models.JSONField(_("veto decisions used"), default=list, blank=True)
    inputs = models.JSONField(_("input counts"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("score computation")
        verbose_name_plural = _("score computations")
        ordering = ["-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme"], condition=Q(status="published"), name="one_published_run_per_scheme"
            ),
            models.CheckConstraint(
                name="published_run_has_document_number",
                condition=Q(status="draft") | ~Q(document_number=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.computed_label}"

    FROZEN_FIELDS = ("scheme_id", "weights", "excluded", "vetoes", "inputs", "document_number", "published_at")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published run is frozen: the only change left is being superseded.
        if not self._state.adding:
            old = ScoreRun.objects.filter(pk=self.pk).values("status", *self.FROZEN_FIELDS).first()
            if old is not None and old["status"] != RunStatus.DRAFT:
                changed = [f for f in self.FROZEN_FIELDS if getattr(self, f) != old[f]]
                if changed or self.status not in (old["status"], RunStatus.SUPERSEDED):
                    raise ValueError(f"score run {self.pk} is published and frozen")
        super().save(*args, **kwargs)

    @property
    def computed_label(self) -> str:
        """When the run was computed, in the bureau's local time: the scores
        page shows local time, so every other place naming a run must too."""
        if self.computed_at is None:  # not saved yet
            return ""
        return f"{timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}"

    @property
    def excluded_names(self) -> list[str]:
        """The names of the indicators left out, as users know them (the
        keys are code)."""
        from reports.registry import indicators

        return [str(indicators[key].verbose_name) if key in indicators else key for key in self.excluded]

    @property
    def is_draft(self) -> bool:
        return self.status == RunStatus.DRAFT


class SchoolScore(models.Model):
    """学校得分 (a school's score) in one run: the score on 100 (a share of
    the school's own maximum), the raw points, ranks, veto and explanation."""

    run = models.ForeignKey(ScoreRun, verbose_name=_("computation"), on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_total = models.DecimalField(_("possible score"), max_digits=7, decimal_places=2)
    score = models.DecimalField(
        _("score (of 100)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Points as a share of the school's possible score; empty when nothing could be assessed."),
    )
    # Empty for a school without a score (nothing could be assessed): it has
    # no place in the ranking, and printing one (all such schools tied at 1
    # when nothing is assessed) reads as a result.
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_in_type = models.PositiveIntegerField(_("rank among schools of its type"), null=True, blank=True)
    rank_in_district = models.PositiveIntegerField(_("rank in its district"), null=True, blank=True)
    district_name = models.CharField(_("district"), max_length=50, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_reason = models.TextField(_("veto reason"), blank=True)
    pending_veto = models.TextField(
        _("pending veto"), blank=True, help_text=_("Vetoes proposed but not yet confirmed by bureau staff.")
    )
    breakdown = models.JSONField(_("breakdown"), default=list)

    class Meta:
        verbose_name = _("school score")
        verbose_name_plural = _("school scores")
        ordering = ["run", F("rank").asc(nulls_last=True)]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="one_score_per_school_per_run")]

    def __str__(self) -> str:
        return f"{self.school} {self.score}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        # Read from the database: a cached run may be stale.
        if not ScoreRun.objects.filter(pk=self.run_id, status=RunStatus.DRAFT).exists():
            raise ValueError("the scores of a published run are frozen")


class VetoRule(models.Model):
    """一票否决规则 (one-vote-veto rule): a school that breaks it is ranked after
    all others and cannot be a model-school candidate that semester. The
    kind names a checker registered with ``reports.registry.veto_kind`` (in
    ``reports.scoring.visits`` and ``reports.scoring.complaints``); its parameters (for
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


class VetoDecisionState(models.TextChoices):
    CONFIRMED = "confirmed", _("Veto confirmed")
    WITHDRAWN = "withdrawn", _("Veto withdrawn")


class VetoConfirmation(models.Model):
    """一票否决确认 (veto confirmation): bureau staff's decision on a veto a
    supervisor's visit proposed (an item such as 2.2 分设重点班 or 5.1 有偿补课
    found non-compliant). Only a confirmed veto counts; a withdrawn one no
    longer does. Every change is in the audit trail."""

    visit_result = models.OneToOneField(
        "supervision.VisitItemResult",
        verbose_name=_("visit item result"),
        on_delete=models.CASCADE,
        related_name="veto_confirmation",
    )
    state = models.CharField(_("decision"), max_length=12, choices=VetoDecisionState.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("veto confirmation")
        verbose_name_plural = _("veto confirmations")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visit_result_id} {self.get_state_display()}"


class PublishedNotice(models.Model):
    """通报 (published notice): the semester notice of a published run, kept
    as it was sent; each school sees the notices that concern it."""

    run = models.OneToOneField(ScoreRun, verbose_name=_("score run"), on_delete=models.PROTECT, related_name="notice")
    document_number = models.CharField(_("document number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="notices/%Y/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("published notice")
        verbose_name_plural = _("published notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"
