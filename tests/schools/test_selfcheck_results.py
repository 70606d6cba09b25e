"""The schools' standing self-assessment per item, keyed like the visits'
``latest_visit_results`` so that the cross-check joins the two."""

from __future__ import annotations

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from schools.models import School
from schools.selfchecks.selectors import selfcheck_latest_results
from schools.selfchecks.services import (
    selfcheck_accept,
    selfcheck_return,
    selfcheck_save_draft,
    selfcheck_start,
    selfcheck_submit,
)
from tests.schools.filing_factories import SelfCheckRoundFactory, checklist_items

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def month_round(month: int, schools, items):  # type: ignore[no-untyped-def]
    start = datetime.date(2026, month, 1)
    return SelfCheckRoundFactory(
        schools=schools, items=items, month=start, opens_on=start, closes_on=start.replace(day=28)
    )


def report(round_, principal, results: dict, *, day: datetime.date, submit: bool = True):  # type: ignore[no-untyped-def]
    moment = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        selfcheck = selfcheck_start(round=round_, school=principal.school, by=principal)
        answers = {item.pk: (result, "说明") for item, result in results.items()}
        selfcheck_save_draft(selfcheck=selfcheck, answers=answers, by=principal)
        if submit:
            selfcheck_submit(selfcheck=selfcheck, by=principal)
    return selfcheck


def test_latest_standing_result_per_school_and_item(world) -> None:  # type: ignore[no-untyped-def]
    first, second = checklist_items(2)
    march = month_round(3, [world.school_a, world.school_b], [first, second])
    april = month_round(4, [world.school_a, world.school_b], [first])
    accepted = report(march, world.principal_a, {first: "compliant", second: "mostly"}, day=datetime.date(2026, 3, 20))
    selfcheck_accept(selfcheck=accepted, by=world.bureau)
    newer = report(april, world.principal_a, {first: "non_compliant"}, day=datetime.date(2026, 4, 20))
    report(march, world.principal_b, {first: "mostly", second: "compliant"}, day=datetime.date(2026, 3, 21))

    results = selfcheck_latest_results(schools=School.objects.all(), on=datetime.date(2026, 5, 1))
    a, b = world.school_a.pk, world.school_b.pk
    assert results[(a, first.pk)].result == "non_compliant"
    assert results[(a, first.pk)].selfcheck_id == newer.pk
    assert results[(a, second.pk)].result == "mostly"  # only the March round rated it
    assert results[(b, first.pk)].result == "mostly"
    assert set(results) == {(a, first.pk), (a, second.pk), (b, first.pk), (b, second.pk)}

    # As it stood before the April submission.
    before = selfcheck_latest_results(schools=[world.school_a], on=datetime.date(2026, 4, 19))
    assert before[(a, first.pk)].result == "compliant"
    assert set(before) == {(a, first.pk), (a, second.pk)}


def test_drafts_and_returned_selfchecks_do_not_stand(world) -> None:  # type: ignore[no-untyped-def]
    [item] = checklist_items(1)
    march = month_round(3, [world.school_a, world.school_b], [item])
    report(march, world.principal_a, {item: "compliant"}, day=datetime.date(2026, 3, 5), submit=False)
    returned = report(march, world.principal_b, {item: "compliant"}, day=datetime.date(2026, 3, 5))
    selfcheck_return(selfcheck=returned, by=world.bureau, comment="请补充")
    assert selfcheck_latest_results(schools=School.objects.all()) == {}


def test_latest_results_take_one_query(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    items = checklist_items(4)
    for month in (3, 4, 5):
        round_ = month_round(month, [world.school_a, world.school_b], items)
        for principal in (world.principal_a, world.principal_b):
            report(round_, principal, dict.fromkeys(items, "compliant"), day=datetime.date(2026, month, 10))
    with django_assert_num_queries(1):
        results = selfcheck_latest_results(schools=School.objects.all())
    assert len(results) == 8
