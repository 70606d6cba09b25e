"""The demo follows seed 002: 32 subject institutions re-reviewed, 21 cut
(66 %), a few non-subject ones, one black-listed; running it twice adds
nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from supervision.institutions.selectors import institution_figures
from supervision.models import InstitutionKind, ListEntry, TrainingInstitution

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
