"""Off-campus training institutions (校外培训机构) and what the bureau does
about them: the register with fee standards, the status history, review
campaigns with an outcome per institution, inspections, and the public
white and black lists.

The status changes only through :mod:`.services`, one function per
transition, each writing an :class:`InstitutionEvent`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Every constraint below carries its own Chinese message and code: a form
# (the admin's included) that runs into one shows that message, never
# Django's default, which names the constraint ("约束 “…” 是无效的").


class InstitutionKind(models.TextChoices):
    SUBJECT = "subject", _("Subject training (学科类)")
    SPORTS = "sports", _("Non-subject: sports")
    ARTS = "arts", _("Non-subject: culture and arts")
    SCIENCE = "science", _("Non-subject: science and technology")


NON_SUBJECT_KINDS = (InstitutionKind.SPORTS, InstitutionKind.ARTS, InstitutionKind.SCIENCE)


class InstitutionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Under review")
    RECTIFYING = "rectifying", _("Rectifying")
    CANCELLED = "cancelled", _("Cancelled (reduced)")
    CONVERTED = "converted", _("Converted to non-subject training")


# An institution in one of these may run and appear on the white list.
OPERATING_STATUSES = (
    InstitutionStatus.REGISTERED,
    InstitutionStatus.UNDER_REVIEW,
    InstitutionStatus.RECTIFYING,
    InstitutionStatus.CONVERTED,
)


LICENCE_DATES_MESSAGE = _("The licence cannot expire before it was issued.")


class TrainingInstitution(models.Model):
    """An off-campus training institution (校外培训机构) of the register."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        help_text=_("18 characters (GB 32100-2015), checked with its check character."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        "supervision.SupervisoryDistrict",
        verbose_name=_("supervisory district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_institutions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    licence_number = models.CharField(_("licence number"), max_length=50, blank=True)
    licence_issued_on = models.DateField(_("licence issued"), null=True, blank=True)
    licence_expires_on = models.DateField(_("licence expires"), null=True, blank=True)
    insurance_policy = models.CharField(_("liability insurance policy"), max_length=50, blank=True)
    insurance_expires_on = models.DateField(_("insurance expires"), null=True, blank=True)
    premises = models.CharField(_("premises"), max_length=200, blank=True)
    premises_area = models.DecimalField(
        _("premises area (m²)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    capacity = models.PositiveIntegerField(_("capacity (pupils)"), null=True, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InstitutionStatus.choices, default=InstitutionStatus.REGISTERED
    )
    status_since = models.DateTimeField(_("status since"), default=timezone.now)
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("For bureau staff only; never shown on a public page.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["kind", "status"], name="institution_kind_status")]
        constraints = [
            models.CheckConstraint(
                name="institution_status_valid",
                condition=Q(status__in=[c.value for c in InstitutionStatus]),
                violation_error_code="status",
                violation_error_message=_("Choose one of the register's statuses."),
            ),
            models.CheckConstraint(
                name="institution_kind_valid",
                condition=Q(kind__in=[c.value for c in InstitutionKind]),
                violation_error_code="kind",
                violation_error_message=_("Choose the kind of training."),
            ),
            models.CheckConstraint(
                name="institution_licence_dates_ordered",
                condition=Q(licence_issued_on__isnull=True)
                | Q(licence_expires_on__isnull=True)
                | Q(licence_expires_on__gte=models.F("licence_issued_on")),
                violation_error_code="licence_dates",
                violation_error_message=LICENCE_DATES_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The constraint's own check, here too so that the message stands on
        # the field that is wrong (a constraint's error belongs to no field).
        issued, expires = self.licence_issued_on, self.licence_expires_on
        if issued and expires and expires < issued:
            raise ValidationError({"licence_expires_on": ValidationError(LICENCE_DATES_MESSAGE, code="licence_dates")})

    @property
    def is_subject(self) -> bool:
        return self.kind == InstitutionKind.SUBJECT

    def insurance_valid_on(self, day: datetime.date) -> bool:
        return bool(self.insurance_policy and self.insurance_expires_on and self.insurance_expires_on >= day)


class FeeStandard(models.Model):
    """An approved fee standard (收费标准) of an institution: one course and
    its price, published with the lists (收费公示)."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="fees"
    )
    course = models.CharField(_("course"), max_length=100)
    unit = models.CharField(_("charged per"), max_length=30, help_text=_("For example: lesson, hour, term."))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    approved_on = models.DateField(_("approved on"))

    class Meta:
        verbose_name = _("approved fee standard")
        verbose_name_plural = _("approved fee standards")
        ordering = ["institution", "course", "pk"]
        constraints = [
            models.CheckConstraint(
                name="fee_amount_not_negative",
                condition=Q(amount__gte=0),
                violation_error_code="negative",
                violation_error_message=_("A fee cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["institution", "course", "unit"],
                name="fee_one_per_course_unit",
                violation_error_code="unique",
                violation_error_message=_("This course already has a fee standard charged per this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.amount}/{self.unit}"


class InstitutionEvent(models.Model):
    """One status change of an institution (状态变更): from, to, who, when,
    why."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=InstitutionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=InstitutionStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("institution status change")
        verbose_name_plural = _("institution status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        # The admin and the audit trail read this: the states' Chinese labels
        # and the bureau's day, never the codes and a UTC date.
        day = f"{timezone.localdate(self.at):%Y-%m-%d}" if self.at else ""
        return f"{self.institution} {self.get_from_status_display() or '—'}→{self.get_to_status_display()} {day}"


class ReviewCampaign(models.Model):
    """A review campaign (重新审核/专项治理) over institutions, e.g. the
    re-review of all subject-training institutions."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    started_on = models.DateField(_("started"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="campaign_closed_after_start",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("started_on")),
                violation_error_code="closed_before_start",
                violation_error_message=_("A campaign cannot close before it started."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReviewOutcomeKind(models.TextChoices):
    KEEP = "keep", _("Keep")
    RECTIFY = "rectify", _("Rectify")
    CANCEL = "cancel", _("Cancel (reduce)")
    CONVERT = "convert", _("Convert to non-subject")


# Outcomes that count as a reduction (压减) of subject training: the
# institution no longer offers subject training either way.
CUT_OUTCOMES = (ReviewOutcomeKind.CANCEL, ReviewOutcomeKind.CONVERT)


class ReviewOutcome(models.Model):
    """The outcome of a review campaign for one institution (审核结论)."""

    campaign = models.ForeignKey(
        ReviewCampaign, verbose_name=_("review campaign"), on_delete=models.CASCADE, related_name="outcomes"
    )
    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="review_outcomes"
    )
    # Empty while the institution is enrolled in the campaign and not yet decided.
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcomeKind.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review outcome")
        verbose_name_plural = _("review outcomes")
        ordering = ["campaign", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "institution"],
                name="one_outcome_per_campaign_institution",
                violation_error_code="unique",
                violation_error_message=_("This institution is already in this review campaign."),
            ),
            models.CheckConstraint(
                name="review_outcome_valid",
                condition=Q(outcome__in=["", *[c.value for c in ReviewOutcomeKind]]),
                violation_error_code="outcome",
                violation_error_message=_("Choose the outcome: keep, rectify, cancel or convert."),
            ),
            models.CheckConstraint(
                name="review_outcome_decided_has_date",
                condition=Q(outcome="", decided_on__isnull=True) | (~Q(outcome="") & Q(decided_on__isnull=False)),
                violation_error_code="decided_on",
                violation_error_message=_("A decided outcome needs the day it was decided; an undecided one none."),
            ),
        ]

    def __str__(self) -> str:
        outcome = self.get_outcome_display() if self.outcome else _("pending")
        return f"{self.campaign} · {self.institution} · {outcome}"


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("No problems found")
    PROBLEMS = "problems", _("Problems found")


class InstitutionInspection(models.Model):
    """An inspection of an institution (检查/巡查) with its findings;
    problems lead to rectification demands."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("date"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution inspection")
        verbose_name_plural = _("institution inspections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="inspection_problems_have_findings",
                condition=~Q(result=InspectionResult.PROBLEMS) | ~Q(findings=""),
                violation_error_code="findings",
                violation_error_message=_("Describe the problems found."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.date}"


class ListKind(models.TextChoices):
    WHITE = "white", pgettext_lazy("institution list", "White list")
    BLACK = "black", pgettext_lazy("institution list", "Black list")


class ListEntry(models.Model):
    """An entry of an institution on the public white list (白名单) or
    black list (黑名单). Public only once published and until removed; the
    internal note is never public."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="list_entries"
    )
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    listed_on = models.DateField(_("listed on"), default=timezone.localdate)
    reason = models.TextField(_("public reason"), blank=True, help_text=_("Published with a black-list entry."))
    internal_note = models.TextField(_("internal note"), blank=True, help_text=_("Never shown on a public page."))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["-listed_on", "-pk"]
        indexes = [models.Index(fields=["kind", "published", "removed_on"], name="list_entry_public")]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(removed_on__isnull=True),
                name="one_current_list_entry",
                violation_error_code="current_entry",
                violation_error_message=_("The institution is already on a list."),
            ),
            models.CheckConstraint(
                name="black_list_entry_has_reason",
                condition=~Q(kind=ListKind.BLACK) | ~Q(reason=""),
                violation_error_code="reason",
                violation_error_message=_("Give the reason for the black-listing; the public reads it."),
            ),
            models.CheckConstraint(
                name="list_entry_published_has_time",
                condition=Q(published=False) | Q(published_at__isnull=False),
                violation_error_code="published_at",
                violation_error_message=_("A published entry needs the time it was published."),
            ),
        ]

    def __str__(self) -> str:
        # The list's Chinese label (白名单/黑名单), not its code.
        return f"{self.institution} {self.get_kind_display()} {self.listed_on:%Y-%m-%d}"

    def clean(self) -> None:
        # An entry ends on or after the day it starts (the admin may change
        # the day it was listed of an entry already removed).
        if self.listed_on and self.removed_on and self.removed_on < self.listed_on:
            raise ValidationError(
                {"listed_on": ValidationError(_("An entry cannot end before it was listed."), code="ends_before")}
            )

    @property
    def is_public(self) -> bool:
        return self.published and self.removed_on is None
