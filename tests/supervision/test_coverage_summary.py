"""The visit coverage summary (one row per district and month) follows the
rows it counts in the writer's transaction, and ``rebuild_visit_coverage``
rebuilt from the raw rows gives the same rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from supervision.districts.services import district_membership_move
from supervision.models import VisitCoverageMonth
from supervision.visits.coverage import coverage_by_district
from tests.factories import DistrictMembershipFactory, SchoolFactory, SupervisoryDistrictFactory
from tests.supervision.factories import VisitFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _rows() -> list[tuple[int, datetime.date, int, int]]:
    return list(
        VisitCoverageMonth.objects.order_by("month", "district_id").values_list(
            "district_id", "month", "schools", "visited"
        )
    )


def test_rebuild_gives_what_the_writes_kept(world) -> None:  # type: ignore[no-untyped-def]
    district_z = SupervisoryDistrictFactory(name="第三责任区")
    mover, closing = SchoolFactory(), SchoolFactory()
    DistrictMembershipFactory(school=mover, district=world.district_x, start_date=D(2026, 9, 1))
    DistrictMembershipFactory(school=closing, district=district_z, start_date=D(2026, 9, 1))
    VisitFactory(school=world.school_a, date=D(2026, 9, 5))
    VisitFactory(school=world.school_a, date=D(2026, 9, 25))
    moved = VisitFactory(school=world.school_b, date=D(2026, 10, 3))
    gone = VisitFactory(school=mover, date=D(2026, 10, 8))
    VisitFactory(school=closing, date=D(2026, 11, 2))
    # A visit re-dated into another month, one deleted, a school moving to
    # another district, one closed: each writer keeps the summary.
    moved.date = D(2026, 9, 28)
    moved.save()
    gone.delete()
    district_membership_move(school=mover, district=world.district_y, on=D(2026, 10, 15))
    closing.active = False
    closing.save()

    kept = _rows()
    assert kept, "the writes kept no summary row"
    september = {(d, s, v) for d, m, s, v in kept if m == D(2026, 9, 1)}
    assert (world.district_x.pk, 2, 1) in september and (world.district_y.pk, 1, 1) in september
    october = {(d, s, v) for d, m, s, v in kept if m == D(2026, 10, 1)}
    assert (world.district_x.pk, 1, 0) in october and (world.district_y.pk, 2, 0) in october
    assert not [r for r in kept if r[0] == district_z.pk]  # its only school closed

    VisitCoverageMonth.objects.all().delete()
    call_command("rebuild_visit_coverage", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == kept


def test_finished_months_come_from_the_summary(world) -> None:  # type: ignore[no-untyped-def]
    """A finished month is read from its summary rows (here altered by hand
    to tell them apart); the running month is counted from the visits."""
    VisitFactory(school=world.school_a, date=D(2026, 9, 5))
    VisitFactory(school=world.school_b, date=D(2026, 10, 5))
    VisitCoverageMonth.objects.filter(month=D(2026, 9, 1), district=world.district_x).update(schools=7, visited=5)
    cov = coverage_by_district(start=D(2026, 9, 1), end=D(2026, 10, 31), today=D(2026, 10, 20), unvisited_of=())
    rows = {r.district: r for r in cov.rows}
    assert [(c.visited, c.schools) for c in rows[world.district_x].cells] == [(5, 7), (0, 1)]
    assert [(c.visited, c.schools) for c in rows[world.district_y].cells] == [(0, 1), (1, 1)]


def test_a_finished_month_without_summary_rows_is_counted_from_the_visits(world) -> None:  # type: ignore[no-untyped-def]
    VisitFactory(school=world.school_a, date=D(2026, 9, 5))
    VisitCoverageMonth.objects.all().delete()  # as after the migration, before any rebuild
    cov = coverage_by_district(start=D(2026, 9, 1), end=D(2026, 9, 30), today=D(2026, 10, 20), unvisited_of=())
    assert [(c.visited, c.schools) for c in cov.totals] == [(1, 2)]
