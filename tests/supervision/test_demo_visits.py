"""The demo gives visits and demands at every stage, and running it again
adds nothing."""

from __future__ import annotations

import datetime

import pytest

from jianfu.demo import build_demo
from supervision.models import Rectification, RectificationStatus, Visit, VisitKind

pytestmark = pytest.mark.django_db


def test_demo_visits_are_idempotent_and_show_the_whole_loop() -> None:
    today = datetime.date(2026, 11, 24)
    build_demo(today=today)
    counts = (Visit.objects.count(), Rectification.objects.count())
    build_demo(today=today)
    assert (Visit.objects.count(), Rectification.objects.count()) == counts
    assert counts[0] > 60
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert {RectificationStatus.OPEN, RectificationStatus.ACCEPTED} <= statuses
    assert Rectification.objects.overdue(today).exists()
    assert Visit.objects.filter(kind=VisitKind.FOLLOW_UP, checked_rectifications__isnull=False).exists()
    assert not Visit.objects.filter(date__gt=today).exists()
