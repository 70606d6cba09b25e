"""The institutions' part of the demo built on a day long past (the demo on
today's date, seed 002's figures, is read in ``tests/jianfu/test_demo_data.py``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jianfu.demo import build_demo
from supervision.models import Rectification

pytestmark = pytest.mark.django_db


def test_a_demo_dated_months_ago_still_builds_with_deadlines_ahead() -> None:
    """The tests build the demo on a fixed day, which the calendar passes:
    the institutions' rectification deadlines (which the service refuses in
    the past) count from the real today then, so the demo keeps building."""
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    build_demo(today=long_ago)
    deadlines = list(Rectification.objects.filter(institution__isnull=False).values_list("deadline", flat=True))
    assert deadlines and min(deadlines) >= timezone.localdate()
