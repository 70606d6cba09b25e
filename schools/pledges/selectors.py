"""Reads about responsibility pledges, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from jianfu.scoping import schools_visible_to
from schools.models import PledgeText, School, SchoolPledge, SchoolYear


def school_year_current(*, today: datetime.date | None = None) -> SchoolYear | None:
    """The school year containing today; in a gap between years, the one
    that started last; before any year has started, the first one."""
    day = today or timezone.localdate()
    return (
        SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
        or SchoolYear.objects.filter(start_date__lte=day).order_by("-start_date").first()
        or SchoolYear.objects.order_by("start_date").first()
    )


def pledge_text_latest(*, school_year: SchoolYear) -> PledgeText | None:
    """The version schools sign now: the latest published for the year."""
    return PledgeText.objects.filter(school_year=school_year).order_by("-version").first()


def pledge_of_school(*, school: School, school_year: SchoolYear) -> SchoolPledge | None:
    return SchoolPledge.objects.filter(school=school, school_year=school_year).select_related("text").first()


@dataclass(frozen=True)
class PledgeRow:
    school: School
    pledge: SchoolPledge | None
    last_reminded_at: datetime.datetime | None

    @property
    def is_signed(self) -> bool:
        return self.pledge is not None and self.pledge.is_signed


@dataclass(frozen=True)
class PledgeOverview:
    school_year: SchoolYear
    rows: list[PledgeRow]
    total: int
    signed: int
    with_scan: int
    teachers: int
    teacher_pledges: int

    @property
    def unsigned(self) -> int:
        return self.total - self.signed


def pledge_overview(*, user: Any, school_year: SchoolYear, unsigned_only: bool = False) -> PledgeOverview:
    """Every active school the user may see with its pledge for the year and
    when it was last reminded; the totals count every school even when only
    the unsigned ones are listed. Two queries whatever the number of schools."""
    schools = (
        schools_visible_to(user)
        .filter(active=True)
        .annotate(
            last_reminded_at=Max("pledge_reminders__queued_at", filter=Q(pledge_reminders__school_year=school_year))
        )
        .prefetch_related(
            Prefetch(
                "pledges",
                queryset=SchoolPledge.objects.filter(school_year=school_year).select_related("text"),
                to_attr="year_pledges",
            )
        )
        .order_by("code")
    )
    rows = [
        PledgeRow(
            school=school,
            pledge=school.year_pledges[0] if school.year_pledges else None,
            last_reminded_at=school.last_reminded_at,
        )
        for school in schools
    ]
    pledges = [row.pledge for row in rows if row.pledge is not None]
    overview = PledgeOverview(
        school_year=school_year,
        rows=[row for row in rows if not row.is_signed] if unsigned_only else rows,
        total=len(rows),
        signed=sum(1 for p in pledges if p.is_signed),
        with_scan=sum(1 for p in pledges if p.scan),
        teachers=sum(p.teacher_count or 0 for p in pledges),
        teacher_pledges=sum(p.teacher_pledge_count or 0 for p in pledges),
    )
    return overview


def unsigned_schools(*, user: Any, school_year: SchoolYear) -> list[School]:
    """Active schools the user may see without a signed pledge for the year."""
    signed = SchoolPledge.objects.filter(school_year=school_year, signed_on__isnull=False).values("school_id")
    return list(schools_visible_to(user).filter(active=True).exclude(pk__in=signed).order_by("code"))


def public_commitment(*, school: School, today: datetime.date | None = None) -> SchoolPledge | None:
    """The commitment the school's public sign shows: that of the latest
    school year already started in which the school made one (this year's
    once written, last year's until then). One query."""
    day = today or timezone.localdate()
    return (
        SchoolPledge.objects.filter(school=school, school_year__start_date__lte=day)
        .exclude(commitment="")
        .select_related("school_year")
        .order_by("-school_year__start_date")
        .first()
    )
