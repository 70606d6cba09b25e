"""The demo shows the cross-check with gaps, on sub-items and on whole areas
(compared with their sub-items), and a second run adds nothing."""

from __future__ import annotations

import datetime

import pytest

from jianfu.demo import build_demo
from jianfu.models import User
from schools.models import PeriodKind, SelfCheck, SelfCheckRound
from schools.selfchecks.crosscheck import Via, crosscheck_overview

pytestmark = pytest.mark.django_db

# A fixed day well into a first semester, so the demo is the same whenever
# the suite runs.
DAY = datetime.date(2026, 11, 24)


def test_demo_crosscheck_shows_gaps_and_roll_ups() -> None:
    build_demo(today=DAY)
    bureau = User.objects.get(username="bureau")
    overview = crosscheck_overview(user=bureau, on=DAY)
    assert overview.schools_with_gaps >= 5
    vias = {r.visit.via for c in overview.schools for r in c.rows if r.flagged and r.visit}
    assert vias == {Via.ITEM, Via.PARENT, Via.SUB_ITEMS}
    semester_round = SelfCheckRound.objects.get(period_kind=PeriodKind.SEMESTER)
    in_round = crosscheck_overview(user=bureau, round=semester_round, on=DAY)
    assert in_round.total_schools == 16 and in_round.schools_with_gaps >= 3
    selfchecks = SelfCheck.objects.count()
    build_demo(today=DAY)
    assert SelfCheck.objects.count() == selfchecks
    assert SelfCheckRound.objects.filter(period_kind=PeriodKind.SEMESTER).count() == 1
