from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (public holiday or bridge day)")
    WORKDAY = "workday", _("Adjusted working day (调休上班)")


class CalendarDay(models.Model):
    """工作日历调整: an exception to the Monday-to-Friday week: a weekday off (public
    holiday) or a weekend day worked (调休). Every other day is a working day
    if it is Monday to Friday. Time limits of complaint cases are counted
    against this calendar, so bureau staff extend it every year when the
    State Council publishes the next year's holiday arrangement."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("occasion"), max_length=30, blank=True, help_text=_("For example 春节 or 国庆节."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
