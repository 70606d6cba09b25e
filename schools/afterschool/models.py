"""After-school service (课后服务): one plan per school and semester (一校一案)
and the days the service was held, entered a week at a time."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schools.records.stamped import UpdateStamped


class AfterSchoolContent(models.TextChoices):
    HOMEWORK_HELP = "homework_help", _("Homework help")
    READING = "reading", _("Reading")
    SPORT = "sport", _("Sport")
    ARTS = "arts", _("Arts")
    SCIENCE = "science", _("Science")
    INTEREST_GROUPS = "interest_groups", _("Interest groups")


class FeePolicy(models.TextChoices):
    FREE = "free", _("Free of charge")
    COST_SHARING = "cost_sharing", _("Service fee approved by the price authority")
    SUBSIDISED = "subsidised", _("Government subsidy with a fee")


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def minutes_between(start: datetime.time, end: datetime.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _clean_contents(contents: object) -> None:
    valid = set(AfterSchoolContent.values)
    if not isinstance(contents, list) or any(c not in valid for c in contents):
        raise ValidationError({"contents": _("Choose the contents from the list.")})


class AfterSchoolPlan(UpdateStamped):
    """课后服务方案: the school's after-school service plan for a semester."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="afterschool_plans"
    )
    semester = models.ForeignKey(
        "schools.Semester", verbose_name=_("semester"), on_delete=models.PROTECT, related_name="afterschool_plans"
    )
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    contents = models.JSONField(_("contents"), default=list, blank=True)
    staff = models.TextField(
        _("staff"), blank=True, help_text=_("Who runs the service: teachers, volunteers, partners.")
    )
    staff_count = models.PositiveSmallIntegerField(_("number of staff"), default=0)
    fee_policy = models.CharField(_("fee policy"), max_length=20, choices=FeePolicy.choices, default=FeePolicy.FREE)
    fee_note = models.CharField(_("fee details"), max_length=200, blank=True)
    three_nos_declared = models.BooleanField(
        _("three no's declared"),
        default=False,
        help_text=_("The school declares: no new lessons, no group tutoring, no added burden."),
    )

    class Meta:
        verbose_name = _("after-school service plan")
        verbose_name_plural = _("after-school service plans")
        ordering = ["school", "-semester__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "semester"], name="one_afterschool_plan_per_semester"),
            models.CheckConstraint(name="afterschool_plan_ends_after_start", condition=Q(end_time__gt=F("start_time"))),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.semester}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The service ends after it starts.")})
        _clean_contents(self.contents)

    @property
    def days_per_week(self) -> int:
        return sum(1 for name in WEEKDAY_FIELDS if getattr(self, name))

    @property
    def minutes_per_day(self) -> int:
        return minutes_between(self.start_time, self.end_time)


class AfterSchoolDay(UpdateStamped):
    """课后服务日记录: the service on one day: held or not, from when to when, how many
    pupils asked for it and how many attended."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="afterschool_days"
    )
    date = models.DateField(_("date"))
    no_school = models.BooleanField(
        _("no school that day"), default=False, help_text=_("A holiday or a day off: the service is not due.")
    )
    held = models.BooleanField(_("held"), default=True)
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    # Derived from the times on save, so that short days are counted in SQL.
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=0, editable=False)
    pupils_requested = models.PositiveIntegerField(_("pupils who asked"), default=0)
    pupils_attended = models.PositiveIntegerField(_("pupils who attended"), default=0)
    contents = models.JSONField(_("contents"), default=list, blank=True)

    class Meta:
        verbose_name = _("after-school service day")
        verbose_name_plural = _("after-school service days")
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="one_afterschool_day_per_school"),
            models.CheckConstraint(
                name="afterschool_day_times_when_held",
                condition=Q(held=False)
                | Q(start_time__isnull=False, end_time__isnull=False, end_time__gt=F("start_time")),
            ),
            models.CheckConstraint(
                name="afterschool_day_attended_within_requested",
                condition=Q(pupils_attended__lte=F("pupils_requested")),
            ),
            models.CheckConstraint(
                name="afterschool_day_not_held_without_school", condition=Q(no_school=False) | Q(held=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.date:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_minutes()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.no_school and self.held:
            raise ValidationError({"held": _("The service is not held on a day without school.")})
        if self.held:
            if not (self.start_time and self.end_time):
                raise ValidationError(_("Give the start and end times of a day the service was held."))
            if self.end_time <= self.start_time:
                raise ValidationError({"end_time": _("The service ends after it starts.")})
        if self.pupils_attended > self.pupils_requested:
            raise ValidationError(
                {"pupils_attended": _("More pupils attended than asked for the service; count them as having asked.")}
            )
        _clean_contents(self.contents)

    def derive_minutes(self) -> None:
        """Set ``minutes`` from the times; bulk writes call this themselves."""
        held_with_times = self.held and self.start_time and self.end_time
        self.minutes = minutes_between(self.start_time, self.end_time) if held_with_times else 0  # type: ignore[arg-type]
