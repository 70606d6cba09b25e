"""Keep the visit coverage summary (``VisitCoverageMonth``) in step with the
rows it counts, in the writer's transaction: a visit saved, moved to another
month or deleted; a district membership added, changed or removed; a school
made active or inactive. Signals rather than calls in the services because
the admin and the register's import change memberships and schools too.
Bulk writes (``bulk_create``, ``update``) send no signal: run
``manage.py rebuild_visit_coverage`` after them, as the bench generator does."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Min
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from schools.models import School
from supervision.models import DistrictMembership, Visit
from supervision.visits.coverage import months_between, visit_coverage_refresh


def _span(start: datetime.date, end: datetime.date | None) -> list[datetime.date]:
    """The months a dated row touches that the summary may hold: from its
    start to its end, at most to the current month (a row that starts later
    still gets its first month, so a planned change is in place when that
    month comes)."""
    today = timezone.localdate()
    last = min(end or today, today)
    return months_between(start, max(last, start))


@receiver(post_init, sender=Visit)
def _visit_loaded(sender: Any, instance: Visit, **kwargs: Any) -> None:
    instance._coverage_date = instance.__dict__.get("date")  # type: ignore[attr-defined]


@receiver(post_save, sender=Visit)
def _visit_saved(sender: Any, instance: Visit, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_coverage_date", None)
    if kwargs.get("created") or before != instance.date:
        visit_coverage_refresh(months=[d for d in (before, instance.date) if isinstance(d, datetime.date)])
    instance._coverage_date = instance.date  # type: ignore[attr-defined]


@receiver(post_delete, sender=Visit)
def _visit_deleted(sender: Any, instance: Visit, **kwargs: Any) -> None:
    visit_coverage_refresh(months=[instance.date])


@receiver(post_init, sender=DistrictMembership)
def _membership_loaded(sender: Any, instance: DistrictMembership, **kwargs: Any) -> None:
    values = instance.__dict__
    instance._coverage_span = (  # type: ignore[attr-defined]
        values.get("district_id"),
        values.get("school_id"),
        values.get("start_date"),
        values.get("end_date"),
    )


@receiver(post_save, sender=DistrictMembership)
def _membership_saved(sender: Any, instance: DistrictMembership, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    now = (instance.district_id, instance.school_id, instance.start_date, instance.end_date)
    before = getattr(instance, "_coverage_span", now)
    months = set(_span(instance.start_date, instance.end_date))
    if not kwargs.get("created") and before != now and isinstance(before[2], datetime.date):
        months |= set(_span(before[2], before[3]))
    elif not kwargs.get("created") and before == now:
        return
    visit_coverage_refresh(months=months)
    instance._coverage_span = now  # type: ignore[attr-defined]


@receiver(post_delete, sender=DistrictMembership)
def _membership_deleted(sender: Any, instance: DistrictMembership, **kwargs: Any) -> None:
    visit_coverage_refresh(months=_span(instance.start_date, instance.end_date))


@receiver(post_init, sender=School)
def _school_loaded(sender: Any, instance: School, **kwargs: Any) -> None:
    instance._coverage_active = instance.__dict__.get("active")  # type: ignore[attr-defined]


@receiver(post_save, sender=School)
def _school_saved(sender: Any, instance: School, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_coverage_active", None)
    instance._coverage_active = instance.active  # type: ignore[attr-defined]
    if raw or kwargs.get("created") or before is None or before == instance.active:
        return
    first = DistrictMembership.objects.filter(school=instance).aggregate(first=Min("start_date"))["first"]
    if first is not None:
        visit_coverage_refresh(months=_span(first, None))
