"""Writing homework records: a class-day from the entry page, the totals of
class-days, and the weekly publication (审核、公示)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from schools.errors import RecordError, refuse_future_day
from schools.homework.models import MAX_ITEM_MINUTES, fragment_of, week_start
from schools.homework.rules import over_cap_q
from schools.models import (
    HomeworkDay,
    HomeworkItem,
    HomeworkKind,
    HomeworkMonthSummary,
    HomeworkPublication,
    HomeworkSummary,
    School,
    SchoolClass,
)


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
    updated = days.update(
        written_minutes=_item_total(OuterRef("pk"), written=True),
        total_minutes=_item_total(OuterRef("pk")),
        item_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
    )
    # Every writer of class-days (entry page, upload, demo data) ends here,
    # so the summaries follow in the same transaction.
    pairs = list(days.order_by().values_list("school_id", "date").distinct())
    homework_summaries_refresh(school_ids={s for s, _d in pairs}, dates={d for _s, d in pairs})
    return updated


def _summaries_insert(days: QuerySet[HomeworkDay]) -> int:
    """Insert the summary rows of ``days`` on PostgreSQL: one INSERT ... SELECT, the
    database grouping the class-days by school, grade, ISO week and month
    (the pair that names a fragment), so no class-day passes through Python
    (a city's year is 16 million of them). Returns the rows inserted."""
    groups = (
        days.annotate(fragment_week=TruncWeek("date"), fragment_month=TruncMonth("date"))
        .values("school_id", "grade", "fragment_week", "fragment_month")
        .annotate(recorded=Count("*"), over=Count("grade", filter=over_cap_q()), written=Sum("written_minutes"))
        .order_by()
    )
    sql, params = groups.query.get_compiler(using=days.db).as_sql()
    meta = HomeworkSummary._meta
    column = {f.name: f.column for f in meta.concrete_fields}
    names = ("school", "grade", "week_start", "month", "first_date", "last_date", "recorded", "over", "written_sum")
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in names)
    # The fragment is the week cut by the month: it starts at the later of
    # the two starts and ends at the earlier of the two ends.
    insert = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608 - names are ours, values parameters
        "SELECT s, g, w, m, GREATEST(w, m), LEAST(w + 6, (m + INTERVAL '1 month')::date - 1), r, o, t "
        f"FROM (SELECT s, g, w::date AS w, m::date AS m, r, o, t FROM ({sql}) AS g (s, g, w, m, r, o, t)) AS f"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def _summary_objects(days: QuerySet[HomeworkDay]) -> list[HomeworkSummary]:
    """The summary rows of ``days`` where the database is not PostgreSQL
    (SQLite, for development): one grouped pass by (school, grade, date),
    rolled up into fragments here."""
    groups = (
        days.values("school_id", "grade", "date")
        .annotate(recorded=Count("*"), over=Count("grade", filter=over_cap_q()), written=Sum("written_minutes"))
        .order_by()
    )
    rows: dict[tuple[int, int, datetime.date], HomeworkSummary] = {}
    for g in groups.iterator(chunk_size=5000):
        first, last = fragment_of(g["date"])
        key = (g["school_id"], g["grade"], first)
        row = rows.get(key)
        if row is None:
            row = rows[key] = HomeworkSummary(
                school_id=g["school_id"],
                grade=g["grade"],
                week_start=week_start(first),
                month=first.replace(day=1),
                first_date=first,
                last_date=last,
            )
        row.recorded += g["recorded"]
        row.over += g["over"]
        row.written_sum += g["written"] or 0
    return list(rows.values())


def _summaries_write(days: QuerySet[HomeworkDay]) -> int:
    """Write the summary rows of ``days``; returns how many."""
    if connection.vendor == "postgresql":
        return _summaries_insert(days)
    rows = _summary_objects(days)
    HomeworkSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _month_summaries_insert(*, school_ids: Sequence[int], months: Iterable[datetime.date] | None = None) -> int:
    """Insert the month rows of the schools (in ``months``, or all) by adding
    up their fragments: one INSERT ... SELECT. Returns the rows inserted."""
    fragments = HomeworkSummary.objects.filter(school_id__in=school_ids)
    if months is not None:
        fragments = fragments.filter(month__in=list(months))
    groups = (
        fragments.values("school_id", "grade", "month")
        .annotate(r=Sum("recorded"), o=Sum("over"), t=Sum("written_sum"))
        .order_by()
    )
    sql, params = groups.query.get_compiler(using=fragments.db).as_sql()
    meta = HomeworkMonthSummary._meta
    column = {f.name: f.column for f in meta.concrete_fields}
    names = ("school", "grade", "month", "recorded", "over", "written_sum")
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in names)
    insert = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def homework_summaries_refresh(*, school_ids: Iterable[int], dates: Iterable[datetime.date]) -> None:
    """Recompute from the class-days the summaries of the given schools in
    the fragments containing ``dates``, and their months from the fragments:
    a delete and an insert each, after locking
    the schools' rows so that two writers of one school's week take turns
    (each recomputes from what the other committed; without the lock both
    would insert the same fragment). Call inside the writer's transaction."""
    ids = sorted(set(school_ids))
    fragments = {fragment_of(d) for d in dates}
    if not ids or not fragments:
        return
    with transaction.atomic():
        list(School.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        span = Q()
        for first, last in fragments:
            span |= Q(date__range=(first, last))
        HomeworkSummary.objects.filter(school_id__in=ids, first_date__in=[f for f, _l in fragments]).delete()
        _summaries_write(HomeworkDay.objects.filter(span, school_id__in=ids))
        months = {first.replace(day=1) for first, _l in fragments}
        HomeworkMonthSummary.objects.filter(school_id__in=ids, month__in=months).delete()
        _month_summaries_insert(school_ids=ids, months=months)


def homework_summaries_rebuild(*, batch: int = 200) -> int:
    """Rebuild every summary from the class-days, a batch of schools at a
    time (each batch one grouped INSERT ... SELECT, so the transactions stay
    short at city scale). Returns the rows written."""
    written = 0
    with transaction.atomic():
        HomeworkSummary.objects.all().delete()
        HomeworkMonthSummary.objects.all().delete()
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(school_ids), batch):
        chunk = school_ids[i : i + batch]
        with transaction.atomic():
            # A writer may have refreshed one of these schools since the
            # delete above.
            HomeworkSummary.objects.filter(school_id__in=chunk).delete()
            HomeworkMonthSummary.objects.filter(school_id__in=chunk).delete()
            written += _summaries_write(HomeworkDay.objects.filter(school_id__in=chunk))
            _month_summaries_insert(school_ids=chunk)
    return written


@transaction.atomic
def homework_day_delete(*, day: HomeworkDay, by: Any) -> None:
    """Remove a class-day recorded by mistake, with its items."""
    school_id, date = day.school_id, day.date
    audit_record(action=AuditAction.DELETE, obj=day, user=by, changes={}, note="homework_day_delete")
    day.delete()
    homework_summaries_refresh(school_ids=[school_id], dates=[date])


def _check_items(items: Sequence[ItemSpec]) -> None:
    for item in items:
        if not 1 <= item.minutes <= MAX_ITEM_MINUTES:
            raise RecordError(_("Each item takes between 1 and %(max)s minutes.") % {"max": MAX_ITEM_MINUTES})
        if not item.content.strip():
            raise RecordError(_("Each item says what the homework is."))


def item_objects(*, day: HomeworkDay, items: Sequence[ItemSpec], start: int = 0) -> list[HomeworkItem]:
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
    HomeworkItem.objects.bulk_create(item_objects(day=day, items=items))
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
