"""Rows valid from a start date to an optional end date (inclusive).

Assignments change at each term of office (换届); closing a row with an end
date instead of deleting it keeps the history of who was responsible when."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class DatedQuerySet(models.QuerySet[Any]):
    def active_on(self, day: datetime.date | None = None) -> DatedQuerySet:
        return self.filter(active_on_q(day or timezone.localdate()))


class DatedModel(models.Model):
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while still in force."))

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
