"""The cross-check selector: each school's self-assessment beside the latest
visit result per item, flagged where the school rated itself better; the
roll-up between items and sub-items; the round restriction; the semester
gap counts for scoring; a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest

from schools.models import School
from schools.selfchecks.crosscheck import (
    Comparison,
    Via,
    crosscheck_for_schools,
    crosscheck_of_school,
    crosscheck_overview,
    selfcheck_gap_counts,
)
from schools.selfchecks.services import selfcheck_return
from tests.factories import DistrictMembershipFactory, PrincipalFactory, SchoolFactory, SemesterFactory
from tests.schools.crosscheck_helpers import month_round, self_assess, visit

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH = D(2026, 3, 1)
ON = D(2026, 4, 30)


def rows_by_code(check):  # type: ignore[no-untyped-def]
    return {r.item.code: r for r in check.rows}


def test_better_same_lower_and_not_applicable(world) -> None:  # type: ignore[no-untyped-def]
    codes = ["4.1", "4.2", "4.3", "4.4"]
    round_ = month_round(MARCH, [world.school_a], codes)
    selfcheck = self_assess(
        round_,
        world.principal_a,
        {"4.1": "compliant", "4.2": "mostly", "4.3": "non_compliant", "4.4": "na"},
        day=D(2026, 3, 20),
    )
    seen = visit(
        world.school_a,
        D(2026, 3, 10),
        {"4.1": "non_compliant", "4.2": "mostly", "4.3": "compliant", "4.4": "non_compliant"},
    )

    check = crosscheck_of_school(school=world.school_a, on=ON)
    rows = rows_by_code(check)
    assert rows["4.1"].comparison == Comparison.HIGHER and rows["4.1"].flagged
    assert rows["4.2"].comparison == Comparison.SAME and not rows["4.2"].flagged
    assert rows["4.3"].comparison == Comparison.LOWER and not rows["4.3"].flagged
    # "Not applicable" in a self-check is never compared, so never flagged.
    assert rows["4.4"].comparison == Comparison.NONE and not rows["4.4"].flagged
    assert (check.flagged, check.compared, check.self_assessed) == (1, 3, 4)
    first = rows["4.1"]
    assert first.own is not None and first.own.selfcheck_id == selfcheck.pk and first.own.round_id == round_.pk
    assert first.self_date == D(2026, 3, 20)
    assert first.visit is not None and first.visit.visit_id == seen.pk and first.visit.date == D(2026, 3, 10)
    assert first.visit.via == Via.ITEM


def test_latest_visit_and_latest_selfcheck_count(world) -> None:  # type: ignore[no-untyped-def]
    march = month_round(MARCH, [world.school_a], ["4.1"])
    april = month_round(D(2026, 4, 1), [world.school_a], ["4.1"])
    self_assess(march, world.principal_a, {"4.1": "non_compliant"}, day=D(2026, 3, 20), accept_by=world.bureau)
    self_assess(april, world.principal_a, {"4.1": "compliant"}, day=D(2026, 4, 20))
    visit(world.school_a, D(2026, 3, 5), {"4.1": "compliant"})
    visit(world.school_a, D(2026, 4, 10), {"4.1": "mostly"})

    [row] = crosscheck_of_school(school=world.school_a, on=ON).rows
    assert row.own is not None and row.own.result == "compliant" and row.own.round_id == april.pk
    assert row.visit is not None and row.visit.result == "mostly" and row.visit.date == D(2026, 4, 10)
    assert row.flagged
    # As it stood before the April visit and self-check: no gap.
    [before] = crosscheck_of_school(school=world.school_a, on=D(2026, 4, 9)).rows
    assert before.own is not None and before.own.result == "non_compliant"
    assert before.visit is not None and before.visit.result == "compliant" and not before.flagged


def test_no_visit_no_selfcheck_and_returned_selfcheck(world) -> None:  # type: ignore[no-untyped-def]
    round_ = month_round(MARCH, [world.school_a, world.school_b], ["4.1", "4.2"])
    self_assess(round_, world.principal_a, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 3, 20))
    returned = self_assess(round_, world.principal_b, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 3, 20))
    selfcheck_return(selfcheck=returned, by=world.bureau, comment="请补充佐证")
    visit(world.school_b, D(2026, 3, 10), {"4.1": "non_compliant"})

    a, b = crosscheck_for_schools(schools=School.objects.filter(pk__in=[world.school_a.pk, world.school_b.pk]), on=ON)
    # School A: assessed, never visited on these items.
    assert [r.item.code for r in a.rows] == ["4.1", "4.2"]
    assert all(r.visit is None and r.comparison == Comparison.NONE for r in a.rows)
    assert (a.flagged, a.compared, a.self_assessed) == (0, 0, 2)
    # School B: its self-check was returned for revision, so nothing stands.
    assert b.rows == [] and not b.has_gaps
    # Restricted to the round, B's items show the visit side alone.
    b_round = crosscheck_of_school(school=world.school_b, round=round_, on=ON)
    assert [(r.item.code, r.own, r.visit is not None) for r in b_round.rows] == [
        ("4.1", None, True),
        ("4.2", None, False),
    ]
    assert b_round.flagged == 0


def test_sub_item_compared_with_parent_when_only_the_parent_was_rated(world) -> None:  # type: ignore[no-untyped-def]
    round_ = month_round(MARCH, [world.school_a], ["4.2", "4.3", "4.5"])
    self_assess(
        round_, world.principal_a, {"4.2": "compliant", "4.3": "compliant", "4.5": "compliant"}, day=D(2026, 3, 20)
    )
    parent_visit = visit(world.school_a, D(2026, 3, 25), {"4": "mostly"})
    visit(world.school_a, D(2026, 3, 5), {"4.3": "compliant"})
    # "Not applicable" on a visit is no rating: the parent's result applies.
    visit(world.school_a, D(2026, 3, 26), {"4.5": "na"})

    rows = rows_by_code(crosscheck_of_school(school=world.school_a, on=ON))
    sub = rows["4.2"]
    assert sub.visit is not None and sub.visit.via == Via.PARENT and sub.visit.item.code == "4"
    assert sub.visit.result == "mostly" and sub.visit.visit_id == parent_visit.pk and sub.flagged
    # A rating of the sub-item itself wins, even older than the parent's.
    direct = rows["4.3"]
    assert direct.visit is not None and direct.visit.via == Via.ITEM and direct.visit.result == "compliant"
    assert not direct.flagged
    assert rows["4.5"].visit is not None and rows["4.5"].visit.via == Via.PARENT and rows["4.5"].flagged


def test_parent_compared_with_worst_sub_item_when_only_sub_items_were_rated(world) -> None:  # type: ignore[no-untyped-def]
    round_ = month_round(MARCH, [world.school_a, world.school_b], ["3", "6"])
    self_assess(round_, world.principal_a, {"3": "compliant", "6": "compliant"}, day=D(2026, 3, 20))
    self_assess(round_, world.principal_b, {"3": "mostly", "6": "compliant"}, day=D(2026, 3, 20))
    visit(world.school_a, D(2026, 3, 3), {"3.1": "compliant", "3.2": "non_compliant"})
    worst = visit(world.school_a, D(2026, 3, 12), {"3.3": "non_compliant", "3.1": "compliant"})
    visit(world.school_b, D(2026, 3, 12), {"3.1": "compliant", "3.2": "mostly", "3.3": "na"})

    a = rows_by_code(crosscheck_of_school(school=world.school_a, on=ON))
    parent = a["3"]
    assert parent.visit is not None and parent.visit.via == Via.SUB_ITEMS
    # Two sub-items non-compliant: the more recent one is shown.
    assert parent.visit.result == "non_compliant" and parent.visit.item.code == "3.3"
    assert parent.visit.visit_id == worst.pk and parent.flagged
    # Item 6 has no sub-items and was never rated.
    assert a["6"].visit is None and not a["6"].flagged
    b = rows_by_code(crosscheck_of_school(school=world.school_b, on=ON))
    assert b["3"].visit is not None and b["3"].visit.result == "mostly" and b["3"].comparison == Comparison.SAME


def test_round_restricts_items_schools_and_answers(world) -> None:  # type: ignore[no-untyped-def]
    other_school = SchoolFactory()
    march = month_round(MARCH, [world.school_a, world.school_b], ["4.1"])
    april = month_round(D(2026, 4, 1), [world.school_a], ["4.1", "4.2"])
    self_assess(march, world.principal_a, {"4.1": "mostly"}, day=D(2026, 3, 20))
    self_assess(april, world.principal_a, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 4, 20))
    visit(world.school_a, D(2026, 4, 1), {"4.1": "mostly", "4.2": "non_compliant"})

    overview = crosscheck_overview(user=world.bureau, round=march, on=ON)
    assert [c.school for c in overview.schools] == [world.school_a, world.school_b]
    [row] = overview.schools[0].rows
    # March's answer, not April's newer one: no gap in March.
    assert row.own is not None and row.own.round_id == march.pk and row.comparison == Comparison.SAME
    unrestricted = crosscheck_overview(user=world.bureau, on=ON)
    assert {c.school for c in unrestricted.schools} == {world.school_a, world.school_b, other_school}
    assert unrestricted.schools[0].school == world.school_a and unrestricted.schools[0].flagged == 2


def test_overview_filters_and_counts(world) -> None:  # type: ignore[no-untyped-def]
    third = SchoolFactory(name="丙小学")
    DistrictMembershipFactory(school=third, district=world.district_x, start_date=D(2024, 9, 1))
    principal_c = PrincipalFactory(school=third)
    round_ = month_round(MARCH, [world.school_a, world.school_b, third], ["4.1", "4.2"])
    self_assess(round_, world.principal_a, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 3, 20))
    self_assess(round_, world.principal_b, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 3, 20))
    self_assess(round_, principal_c, {"4.1": "mostly", "4.2": "compliant"}, day=D(2026, 3, 20))
    visit(world.school_a, D(2026, 3, 10), {"4.1": "non_compliant", "4.2": "mostly"})
    visit(world.school_b, D(2026, 3, 10), {"4.1": "compliant"})
    visit(third, D(2026, 3, 10), {"4.1": "non_compliant", "4.2": "compliant"})

    overview = crosscheck_overview(user=world.bureau, on=ON)
    assert [(c.school.pk, c.flagged, c.compared) for c in overview.schools] == [
        (world.school_a.pk, 2, 2),
        (third.pk, 1, 2),
        (world.school_b.pk, 0, 1),
    ]
    assert overview.schools_with_gaps == 2 and overview.flagged == 3 and overview.total_schools == 3

    gaps = crosscheck_overview(user=world.bureau, only_gaps=True, on=ON)
    assert [c.school for c in gaps.schools] == [world.school_a, third] and gaps.total_schools == 3
    in_y = crosscheck_overview(user=world.bureau, district=world.district_y, on=ON)
    assert [c.school for c in in_y.schools] == [world.school_b]
    assert in_y.schools[0].district == world.district_y
    assert crosscheck_overview(user=world.bureau, district=world.district_y, only_gaps=True, on=ON).schools == []
    # A supervisor sees the schools they are responsible for, nothing else.
    mine = crosscheck_overview(user=world.supervisor_x, on=ON)
    assert {c.school for c in mine.schools} == {world.school_a, third}
    # The selector scopes like everything else (the pages refuse principals).
    assert [c.school for c in crosscheck_overview(user=world.principal_a, on=ON).schools] == [world.school_a]


def test_semester_gap_counts(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory(start_date=D(2026, 2, 17), end_date=D(2026, 7, 5))
    third = SchoolFactory()
    january = month_round(D(2026, 1, 1), [world.school_a], ["4.3"])
    march = month_round(MARCH, [world.school_a, world.school_b], ["4.1", "4.2", "4.4"])
    self_assess(january, world.principal_a, {"4.3": "compliant"}, day=D(2026, 1, 20))  # before the semester
    self_assess(march, world.principal_a, {"4.1": "compliant", "4.2": "mostly", "4.4": "na"}, day=D(2026, 3, 20))
    self_assess(
        march, world.principal_b, {"4.1": "compliant", "4.2": "compliant", "4.4": "compliant"}, day=D(2026, 3, 20)
    )
    visit(world.school_a, D(2025, 12, 1), {"4.1": "non_compliant", "4.3": "non_compliant", "4.4": "mostly"})
    visit(world.school_a, D(2026, 5, 10), {"4": "non_compliant"})
    visit(world.school_a, D(2026, 7, 20), {"4.1": "compliant"})  # after the semester's end
    visit(third, D(2026, 5, 10), {"4.1": "non_compliant"})

    counts = selfcheck_gap_counts(semester=semester)
    # A: 4.1 compliant vs non-compliant (the December visit; July's is after
    # the end), 4.2 mostly vs its parent's non-compliant; 4.4 not applicable;
    # 4.3 was self-assessed before the semester.
    assert counts == {world.school_a.pk: (2, 2), world.school_b.pk: (0, 0)}
    assert selfcheck_gap_counts(semester=semester, school_ids=[world.school_b.pk]) == {world.school_b.pk: (0, 0)}


def test_fixed_number_of_queries_as_schools_grow(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    def grow(n: int) -> None:
        schools = []
        for _ in range(n):
            school = SchoolFactory()
            DistrictMembershipFactory(school=school, district=world.district_x, start_date=D(2024, 9, 1))
            schools.append((school, PrincipalFactory(school=school)))
        round_ = month_round(MARCH, [s for s, _ in schools], ["3", "4.1", "4.2"])
        for school, principal in schools:
            self_assess(round_, principal, {"3": "compliant", "4.1": "compliant", "4.2": "mostly"}, day=D(2026, 3, 20))
            visit(school, D(2026, 3, 10), {"3.1": "mostly", "4": "non_compliant", "4.1": "compliant"})

    def count(**kwargs) -> int:  # type: ignore[no-untyped-def]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            overview = crosscheck_overview(on=ON, **kwargs)
            assert sum(c.flagged for c in overview.schools) >= 0
        return len(ctx.captured_queries)

    grow(2)
    before = count(user=world.bureau)
    before_supervisor = count(user=world.supervisor_x, district=world.district_x, only_gaps=True)
    grow(5)
    assert count(user=world.bureau) == before
    assert count(user=world.supervisor_x, district=world.district_x, only_gaps=True) == before_supervisor
    overview = crosscheck_overview(user=world.bureau, on=ON)
    assert sum(1 for c in overview.schools if c.flagged == 2) == 7  # 3 (worst 3.1 mostly) and 4.2 (parent)
    semester = SemesterFactory(start_date=D(2026, 2, 17), end_date=D(2026, 7, 5))
    with django_assert_num_queries(3):
        assert len(selfcheck_gap_counts(semester=semester)) == 7
