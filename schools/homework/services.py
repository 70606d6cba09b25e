"""Writing homework records: a class-day from the entry page, the totals of
class-days, and the weekly publication (审核、公示)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from schools.errors import RecordError, refuse_future_day
from schools.homework.models import MAX_ITEM_MINUTES
from schools.models import HomeworkDay, HomeworkItem, HomeworkKind, HomeworkPublication, School, SchoolClass


@dataclass(frozen=True)
class ItemSpec:
    """One homework item as entered, before it is stored."""

    subject: str
    content: str
    minutes: int
    kind: str = HomeworkKind.BASIC
    written: bool = True
    layered: bool = False


def _item_total(day_ref: Any, **filters: Any) -> Coalesce:
    rows = (
        HomeworkItem.objects.filter(day=day_ref, **filters)
        .order_by()
        .values("day")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def homework_days_recompute(*, days: QuerySet[HomeworkDay]) -> int:
    """Recompute the totals of ``days`` from their items: one UPDATE, the
    sums computed by the database. Returns the number of days updated."""
    count = HomeworkItem.objects.filter(day=OuterRef("pk")).order_by().values("day").annotate(n=Count("pk")).values("n")
    return days.update(
        written_minutes=_item_total(OuterRef("pk"), written=True),
        total_minutes=_item_total(OuterRef("pk")),
        item_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
    )


def _check_items(items: Sequence[ItemSpec]) -> None:
    for item in items:
        if not 1 <= item.minutes <= MAX_ITEM_MINUTES:
            raise RecordError(_("Each item takes between 1 and %(max)s minutes.") % {"max": MAX_ITEM_MINUTES})
        if not item.content.strip():
            raise RecordError(_("Each item says what the homework is."))


def item_objects(day: HomeworkDay, items: Sequence[ItemSpec], *, start: int = 0) -> list[HomeworkItem]:
    return [
        HomeworkItem(
            day=day,
            order=start + i,
            subject=item.subject,
            content=item.content.strip()[:200],
            kind=item.kind,
            written=item.written,
            minutes=item.minutes,
            layered=item.layered,
        )
        for i, item in enumerate(items)
    ]


@transaction.atomic
def homework_day_save(
    *, school_class: SchoolClass, date: datetime.date, items: Sequence[ItemSpec], by: Any
) -> HomeworkDay:
    """Record the homework of ``school_class`` on ``date``, replacing what
    was recorded before. An empty ``items`` records a day without homework.
    Returns the day with its totals."""
    if not school_class.active:
        raise RecordError(_("This class is no longer in the register."))
    refuse_future_day(date)
    _check_items(items)
    day, _created = HomeworkDay.objects.update_or_create(
        school_class=school_class,
        date=date,
        defaults={"school_id": school_class.school_id, "grade": school_class.grade, "updated_by": by},
    )
    day.items.all().delete()
    HomeworkItem.objects.bulk_create(item_objects(day, items))
    homework_days_recompute(days=HomeworkDay.objects.filter(pk=day.pk))
    day.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATE,
        obj=day,
        user=by,
        changes={"items": [None, [f"{i.subject} {i.minutes}" for i in items]]},
        note="homework_day_save",
    )
    return day


def _monday(day: datetime.date) -> datetime.date:
    if day.weekday() != 0:
        raise RecordError(_("A week starts on a Monday."))
    return day


@transaction.atomic
def homework_week_publish(*, school: School, week: datetime.date, by: Any) -> HomeworkPublication:
    """Publish a reviewed week of the school's homework on its public page."""
    monday = _monday(week)
    sunday = monday + datetime.timedelta(days=6)
    if not HomeworkDay.objects.filter(school=school, date__range=(monday, sunday)).exists():
        raise RecordError(_("No homework is recorded for this week, so there is nothing to publish."))
    publication, created = HomeworkPublication.objects.get_or_create(
        school=school, week_start=monday, defaults={"published_by": by}
    )
    if not created:
        raise RecordError(_("This week is already published."))
    return publication


@transaction.atomic
def homework_week_withdraw(*, school: School, week: datetime.date, by: Any) -> None:
    """Take a published week off the public page, for instance to correct it."""
    deleted, _rows = HomeworkPublication.objects.filter(school=school, week_start=_monday(week)).delete()
    if not deleted:
        raise RecordError(_("This week is not published."))
