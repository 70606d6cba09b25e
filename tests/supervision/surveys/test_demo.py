"""The demo surveys: a closed round with answers from several schools, some
under the threshold, and an open round; running the demo twice changes
nothing."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from schools.models import SchoolType
from supervision.surveys.demo import CLOSED_NAME, OPEN_NAME, build_surveys_demo
from supervision.surveys.models import RoundState, SurveyResponse, SurveyRound
from supervision.surveys.selectors import round_results
from tests.factories import BureauUserFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_demo_rounds() -> None:
    schools = [SchoolFactory(school_type=SchoolType.NINE_YEAR) for _ in range(14)]
    bureau = BureauUserFactory()
    build_surveys_demo(random.Random(1), today=timezone.localdate(), schools=schools, bureau=bureau)
    closed = SurveyRound.objects.get(name=CLOSED_NAME)
    opened = SurveyRound.objects.get(name=OPEN_NAME)
    assert closed.state() == RoundState.CLOSED and opened.state() == RoundState.OPEN
    results = round_results(survey_round=closed, user=bureau)
    shown = [r for r in results.schools if r.enough]
    assert len(shown) == 6 and len(results.schools) == 8
    assert SurveyResponse.objects.filter(round=opened).exists()
    count = SurveyResponse.objects.count()
    build_surveys_demo(random.Random(1), today=timezone.localdate(), schools=schools, bureau=bureau)
    assert SurveyResponse.objects.count() == count
