"""The demo follows seed 002: 32 subject institutions re-reviewed, 21 cut
(66 %), a few non-subject ones, one black-listed; running it twice adds
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from supervision.institutions.selectors import institution_figures
from supervision.models import InstitutionKind, ListEntry, Rectification, TrainingInstitution

pytestmark = pytest.mark.django_db


def test_demo_institutions() -> None:
    call_command("demo_data")
    call_command("demo_data")
    figures = institution_figures()
    assert figures.reduction is not None
    assert (figures.reduction.reviewed, figures.reduction.cut, figures.reduction.rate_text) == (32, 21, "66%")
    assert figures.black_listed == 1
    assert TrainingInstitution.objects.count() == 36
    assert (
        TrainingInstitution.objects.exclude(kind=InstitutionKind.SUBJECT).filter(review_outcomes__isnull=True).count()
        == 4
    )
    assert ListEntry.objects.filter(published=False).count() == 1  # one draft, never public


def test_a_demo_dated_months_ago_still_builds_with_deadlines_ahead() -> None:
    """The tests build the demo on a fixed day, which the calendar passes:
    the institutions' rectification deadlines (which the service refuses in
    the past) count from the real today then, so the demo keeps building."""
    from jianfu.demo import build_demo

    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    build_demo(today=long_ago)
    deadlines = list(Rectification.objects.filter(institution__isnull=False).values_list("deadline", flat=True))
    assert deadlines and min(deadlines) >= timezone.localdate()
