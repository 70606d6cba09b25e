"""Pledge and self-check indicators on hand-computed cases."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import SchemeWeight, ScoringScheme
from reports.scoring.engine import scores_compute
from schools.models import SelfCheckStatus
from tests.factories import semester_holding_today
from tests.schools.filing_factories import (
    PledgeTextFactory,
    SchoolPledgeFactory,
    SelfCheckFactory,
    SelfCheckRoundFactory,
)

pytestmark = pytest.mark.django_db


def test_pledge_and_selfcheck_points(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    semester = semester_holding_today()
    scheme = ScoringScheme.objects.create(semester=semester)
    SchemeWeight.objects.create(scheme=scheme, indicator="pledge_signed", weight=Decimal("10"))
    SchemeWeight.objects.create(scheme=scheme, indicator="selfcheck_timeliness", weight=Decimal("10"))
    text = PledgeTextFactory(school_year=semester.school_year)
    year = semester.school_year
    with_scan = SchoolPledgeFactory(school=world.school_a, school_year=year, text=text, signed_on=today)
    with_scan.scan.save("scan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    SchoolPledgeFactory(school=world.school_b, school_year=year, text=text, signed_on=today)
    closed = today - datetime.timedelta(days=1)
    first = SelfCheckRoundFactory(
        opens_on=today - datetime.timedelta(days=10), closes_on=closed, schools=[world.school_a, world.school_b]
    )
    second = SelfCheckRoundFactory(
        opens_on=today - datetime.timedelta(days=10), closes_on=closed, schools=[world.school_a]
    )
    submitted = {
        "status": SelfCheckStatus.SUBMITTED,
        "first_submitted_at": timezone.now(),
        "submitted_at": timezone.now(),
    }
    SelfCheckFactory(round=first, school=world.school_a, first_submitted_on=closed, **submitted)
    SelfCheckFactory(round=second, school=world.school_a, first_submitted_on=today, **submitted)

    run = scores_compute(scheme=scheme)
    a = {b["indicator"]: b for b in run.scores.get(school=world.school_a).breakdown}
    b = {x["indicator"]: x for x in run.scores.get(school=world.school_b).breakdown}
    assert a["pledge_signed"]["points"] == "10.00"
    assert b["pledge_signed"]["points"] == "5.00" and "缺少签字扫描件" in b["pledge_signed"]["detail"]
    # A: one on time (1) and one late (0.5) → 0.75; B: its only round missing → 0.
    assert a["selfcheck_timeliness"]["points"] == "7.50"
    assert a["selfcheck_timeliness"]["detail"] == "按时 1 次，逾期 1 次，缺报 0 次"
    assert b["selfcheck_timeliness"]["points"] == "0.00"
    assert b["selfcheck_timeliness"]["evidence"][0]["url"] == f"/school/{world.school_b.pk}/selfchecks/{first.pk}/"
