"""Five managements (五项管理): the Ministry of Education's rules on sleep,
phones, reading materials, physical activity and homework. Homework has its
own records (:mod:`schools.homework.models`); the other four are reported by
the school once a semester."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schools.records.stamped import UpdateStamped


class FiveManagementRecord(UpdateStamped):
    """五项管理: a school's record of the five managements (作业、睡眠、手机、读物、体质) for a semester."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="five_management_records"
    )
    semester = models.ForeignKey(
        "schools.Semester",
        verbose_name=_("semester"),
        on_delete=models.PROTECT,
        related_name="five_management_records",
    )
    # Sleep, from the school's survey of its pupils.
    sleep_survey_date = models.DateField(_("date of the sleep survey"), null=True, blank=True)
    primary_pupils_surveyed = models.PositiveIntegerField(_("primary pupils surveyed"), null=True, blank=True)
    primary_pupils_enough_sleep = models.PositiveIntegerField(
        _("primary pupils sleeping enough"), null=True, blank=True
    )
    junior_pupils_surveyed = models.PositiveIntegerField(_("junior pupils surveyed"), null=True, blank=True)
    junior_pupils_enough_sleep = models.PositiveIntegerField(_("junior pupils sleeping enough"), null=True, blank=True)
    # Phones.
    phone_policy = models.BooleanField(
        _("phone policy in place"),
        default=False,
        help_text=_("Phones stay out of school unless parents ask in writing."),
    )
    phones_kept_by_school = models.BooleanField(
        _("phones kept by the school"),
        default=False,
        help_text=_("Phones brought in are kept by the school and never used in class."),
    )
    # Reading materials.
    reading_list_reviewed = models.BooleanField(_("reading list reviewed"), default=False)
    reading_reviewed_on = models.DateField(_("reading list reviewed on"), null=True, blank=True)
    # Physical activity.
    long_break_daily = models.BooleanField(_("30-minute long break every day"), default=False)
    pe_hour_in_school = models.BooleanField(_("one hour of physical activity a day in school"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("five-management record")
        verbose_name_plural = _("five-management records")
        ordering = ["school", "-semester__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "semester"], name="one_five_management_record_per_semester"),
            models.CheckConstraint(
                name="primary_sleep_within_surveyed",
                condition=Q(primary_pupils_enough_sleep__isnull=True)
                | Q(primary_pupils_enough_sleep__lte=F("primary_pupils_surveyed")),
            ),
            models.CheckConstraint(
                name="junior_sleep_within_surveyed",
                condition=Q(junior_pupils_enough_sleep__isnull=True)
                | Q(junior_pupils_enough_sleep__lte=F("junior_pupils_surveyed")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.semester}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for level in ("primary", "junior"):
            surveyed = getattr(self, f"{level}_pupils_surveyed")
            enough = getattr(self, f"{level}_pupils_enough_sleep")
            if enough is not None and surveyed is None:
                errors[f"{level}_pupils_surveyed"] = str(_("Give the number of pupils surveyed."))
            elif enough is not None and surveyed is not None and enough > surveyed:
                errors[f"{level}_pupils_enough_sleep"] = str(_("This cannot be more than the pupils surveyed."))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _share(enough: int | None, surveyed: int | None) -> float | None:
        if enough is None or not surveyed:
            return None
        return enough / surveyed

    @property
    def primary_sleep_share(self) -> float | None:
        return self._share(self.primary_pupils_enough_sleep, self.primary_pupils_surveyed)

    @property
    def junior_sleep_share(self) -> float | None:
        return self._share(self.junior_pupils_enough_sleep, self.junior_pupils_surveyed)
