"""latest_visit_results: per (school, item) the result and date of the most
recent visit that rated the item, in one query (for the self-check cross-check)."""

from __future__ import annotations

import datetime

import pytest

from schools.models import School
from supervision.models import ItemResult
from supervision.visits.selectors import latest_visit_results
from tests.supervision.factories import VisitFactory, VisitItemResultFactory, item

pytestmark = pytest.mark.django_db

D = datetime.date


def rate(school, day, **results):  # type: ignore[no-untyped-def]
    visit = VisitFactory(school=school, date=day)
    for code, result in results.items():
        VisitItemResultFactory(visit=visit, item=item(code.replace("_", ".")), result=result)
    return visit


def test_latest_result_per_school_and_item(world) -> None:  # type: ignore[no-untyped-def]
    a, b = world.school_a, world.school_b
    rate(a, D(2026, 9, 10), **{"4_1": ItemResult.NON_COMPLIANT, "4_3": ItemResult.COMPLIANT})
    latest_a = rate(a, D(2026, 10, 8), **{"4_1": ItemResult.MOSTLY})
    rate(b, D(2026, 10, 1), **{"4_1": ItemResult.COMPLIANT})
    found = latest_visit_results(schools=School.objects.all(), on=D(2026, 10, 31))
    i41, i43 = item("4.1").pk, item("4.3").pk
    assert found[(a.pk, i41)].result == ItemResult.MOSTLY
    assert found[(a.pk, i41)].date == D(2026, 10, 8) and found[(a.pk, i41)].visit_id == latest_a.pk
    # 4.3 was not rated on the latest visit: the earlier visit's result stands.
    assert found[(a.pk, i43)].result == ItemResult.COMPLIANT and found[(a.pk, i43)].date == D(2026, 9, 10)
    assert found[(b.pk, i41)].result == ItemResult.COMPLIANT
    assert len(found) == 3


def test_as_of_a_day_and_not_applicable(world) -> None:  # type: ignore[no-untyped-def]
    a = world.school_a
    rate(a, D(2026, 9, 10), **{"4_1": ItemResult.NON_COMPLIANT})
    rate(a, D(2026, 10, 8), **{"4_1": ItemResult.NOT_APPLICABLE})
    i41 = item("4.1").pk
    assert latest_visit_results(schools=[a], on=D(2026, 9, 30))[(a.pk, i41)].date == D(2026, 9, 10)
    # "Not applicable" is no rating by default...
    assert latest_visit_results(schools=[a.pk], on=D(2026, 10, 31))[(a.pk, i41)].result == ItemResult.NON_COMPLIANT
    # ...unless asked for.
    with_na = latest_visit_results(schools=[a], on=D(2026, 10, 31), include_not_applicable=True)
    assert with_na[(a.pk, i41)].result == ItemResult.NOT_APPLICABLE
    assert latest_visit_results(schools=[world.school_b]) == {}


def test_one_query_whatever_the_number_of_visits(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for month in range(1, 10):
        rate(world.school_a, D(2026, month, 5), **{"4_1": ItemResult.COMPLIANT, "4_2": ItemResult.MOSTLY})
        rate(world.school_b, D(2026, month, 6), **{"4_1": ItemResult.NON_COMPLIANT})
    with django_assert_num_queries(1):
        found = latest_visit_results(schools=School.objects.all(), on=D(2026, 12, 31))
    assert len(found) == 3
    assert found[(world.school_a.pk, item("4.1").pk)].date == D(2026, 9, 5)
