"""Helpers for the cross-check tests: a school's self-check submitted on a
given day through the services, and a visit rating items on a given day."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from schools.models import SelfCheck, SelfCheckRound
from schools.selfchecks.services import selfcheck_accept, selfcheck_save_draft, selfcheck_start, selfcheck_submit
from supervision.models import SupervisionItem, Visit
from tests.schools.filing_factories import SelfCheckRoundFactory
from tests.supervision.factories import VisitFactory, VisitItemResultFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def items(*codes: str) -> list[SupervisionItem]:
    found = {i.code: i for i in SupervisionItem.objects.filter(code__in=codes)}
    return [found[c] for c in codes]


def month_round(day: datetime.date, schools: list[Any], codes: list[str]) -> SelfCheckRound:
    start = day.replace(day=1)
    return SelfCheckRoundFactory(
        schools=schools, items=items(*codes), month=start, opens_on=start, closes_on=start.replace(day=28)
    )


def self_assess(
    round_: SelfCheckRound,
    principal: Any,
    results: dict[str, str],
    *,
    day: datetime.date,
    accept_by: Any = None,
    submit: bool = True,
) -> SelfCheck:
    """The principal answers the round's items (``{code: result}``) and
    submits on ``day``; bureau staff accept it when ``accept_by`` is given."""
    moment = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        selfcheck = selfcheck_start(round=round_, school=principal.school, by=principal)
        by_code = {i.code: i for i in round_.items.all()}
        answers = {by_code[code].pk: (result, "情况说明") for code, result in results.items()}
        selfcheck_save_draft(selfcheck=selfcheck, answers=answers, by=principal)
        if submit:
            selfcheck_submit(selfcheck=selfcheck, by=principal)
        if accept_by is not None:
            selfcheck_accept(selfcheck=selfcheck, by=accept_by)
    return selfcheck


def visit(school: Any, day: datetime.date, results: dict[str, str]) -> Visit:
    """A submitted visit of ``school`` on ``day`` rating ``{code: result}``."""
    v = VisitFactory(school=school, date=day)
    for item in items(*results):
        VisitItemResultFactory(visit=v, item=item, result=results[item.code])
    return v
