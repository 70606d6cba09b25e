"""Demo data for the self-check cross-check (``manage.py demo_data``).

The monthly rounds of :mod:`schools.selfchecks.demo` already ask about
sub-items that the demo visits rate, so the cross-check shows gaps on the
sub-items (and sub-items compared with their parent item's rating). This
adds a semester round on four whole areas (top-level items 2-5) for the
first sixteen schools, so the cross-check also shows areas compared with the
worst rating of their sub-items; most schools rate themselves compliant,
the odd one honestly "mostly", which is where gaps appear.

Idempotent: the round is keyed by its title and each school's self-check by
the round, as in the other demo filings."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from jianfu.models import User
from schools.models import PeriodKind, School, SelfCheckRound, SelfCheckStatus, Semester
from schools.selfchecks.demo import _aware, _fill
from supervision.models import SupervisionItem

AREAS = ["2", "3", "4", "5"]


TERM_NAMES = {1: "第一学期", 2: "第二学期"}


def build_crosscheck_demo(
    rng: random.Random, *, today: datetime.date, schools: Sequence[School], bureau: User
) -> SelfCheckRound | None:
    """The semester round and its self-checks; returns the round (None when
    there is no semester or no checklist). ``rng`` is not drawn from: each
    school has its own generator, so the demo built before this stays as it
    was."""
    semester = Semester.objects.current(today)
    items = list(SupervisionItem.objects.filter(code__in=AREAS, parent__isnull=True).order_by("order", "code"))
    if semester is None or not items:
        return None
    opens_on = max(semester.start_date, today - datetime.timedelta(days=35))
    round_, created = SelfCheckRound.objects.get_or_create(
        title=f"{semester.school_year.name}{TERM_NAMES.get(semester.term, '')}减负专项自查",
        defaults={
            "period_kind": PeriodKind.SEMESTER,
            "semester": semester,
            "opens_on": opens_on,
            "closes_on": opens_on + datetime.timedelta(days=14),
            "instructions": "本学期对照招生收费、课程教学、课业负担、师德四个方面整体自查，逐项说明情况并上传佐证。",
            "created_by": bureau,
        },
    )
    members = list(schools[:16])
    if created:
        round_.items.set(items)
        round_.schools.set(members)
    principals = {u.school_id: u for u in User.objects.filter(school__in=members, is_active=True).order_by("pk")}
    for i, school in enumerate(members):
        # One generator per school: the same answers on every run.
        school_rng = random.Random(f"crosscheck:{school.code}")  # noqa: S311 - demo data
        day = min(round_.opens_on + datetime.timedelta(days=2 + i % 10), today)
        submitted_at = min(_aware(day, 9 + i % 8, 15), timezone.now())
        _fill(
            school_rng,
            round_=round_,
            school=school,
            items=items,
            status=SelfCheckStatus.ACCEPTED if i % 3 else SelfCheckStatus.SUBMITTED,
            submitted_at=submitted_at,
            principal=principals.get(school.pk),
            bureau=bureau,
        )
    return round_
