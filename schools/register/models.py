"""Uploaded register imports kept between the preview and the confirmation.

The parsed rows are kept here, server-side, so that the confirmation never
trusts rows posted back by the browser; they are validated again when the
clerk confirms. The uploaded file itself is not kept."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

school_code_validator = RegexValidator(r"^\d{10}$", _("The national school code (学校标识码) is exactly 10 digits."))


class SchoolType(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    COMPLETE = "complete", _("Complete secondary school (junior part)")


# Which compulsory-education grades each type of school teaches.
GRADES_BY_TYPE: dict[str, range] = {
    SchoolType.PRIMARY: range(1, 7),
    SchoolType.JUNIOR: range(7, 10),
    SchoolType.NINE_YEAR: range(1, 10),
    SchoolType.COMPLETE: range(7, 10),
}


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class EducationGroup(models.Model):
    """An education group (教育集团): a lead school and its member schools."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    lead_school = models.ForeignKey(
        "School",
        verbose_name=_("lead school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_groups",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("education group")
        verbose_name_plural = _("education groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        lead = self.lead_school
        if lead is not None and self.pk and lead.group_id not in (None, self.pk):
            raise ValidationError({"lead_school": _("The lead school belongs to another education group.")})


class School(models.Model):
    """学校: a compulsory-education school of the register, identified by its 10-digit code."""

    code = models.CharField(
        _("national school code"),
        max_length=10,
        unique=True,
        validators=[school_code_validator],
        help_text=_("学校标识码, 10 digits."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    school_type = models.CharField(_("school type"), max_length=20, choices=SchoolType.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC)
    town = models.CharField(_("town or street"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="school_code_ten_digits", condition=Q(code__regex=r"^[0-9]{10}$")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grades(self) -> range:
        return GRADES_BY_TYPE.get(self.school_type, range(1, 10))


class GradeEnrolment(models.Model):
    """年级学生数: classes and pupils of one grade (1-9) of a school."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="enrolments")
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MinValueValidator(1), MaxValueValidator(9)])
    classes = models.PositiveSmallIntegerField(_("classes"), default=0)
    pupils = models.PositiveIntegerField(_("pupils"), default=0)

    class Meta:
        verbose_name = _("grade enrolment")
        verbose_name_plural = _("grade enrolments")
        ordering = ["school", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["school", "grade"], name="one_enrolment_per_grade"),
            models.CheckConstraint(name="grade_1_to_9", condition=Q(grade__gte=1, grade__lte=9)),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.grade}"

    def clean(self) -> None:
        if self.school_id and self.grade and self.grade not in self.school.grades:
            raise ValidationError(
                {"grade": _("This school type does not teach grade %(grade)s.") % {"grade": self.grade}}
            )
        if self.pupils and not self.classes:
            raise ValidationError({"classes": _("A grade with pupils has at least one class.")})


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("School list")
    SUPERVISORS = "supervisors", _("Supervisor list")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")
    OUTDATED = "outdated", _("Outdated: the register changed before confirmation")


class ImportBatch(models.Model):
    """导入批次: one uploaded register file: its rows, the plan the clerk was shown,
    and what became of it. Only a file without errors becomes a batch."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file_name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("As uploaded; shown only, the file is not kept.")
    )
    rows = models.JSONField(_("rows"), default=list, help_text=_("The cells of every row, as read from the file."))
    plan = models.JSONField(_("plan"), default=list, help_text=_("What the preview showed for every row."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="import_batch_decided_unless_pending",
                condition=(Q(status="pending") & Q(decided_at__isnull=True))
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def count(self, action: str) -> int:
        return sum(1 for r in self.plan if r.get("action") == action)
