"""The annual model-school selection: rules as data over the two semesters'
published runs, staff changes with reasons, decision, public notice, final
list, the public sign page, and the exports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.exports.base import get_exporter
from reports.models import ModelSchoolRound, RoundStatus, SchemeWeight, ScoringScheme, VetoRule
from reports.modelschools import services
from reports.scoring.engine import scores_compute
from reports.scoring.errors import ScoringError
from supervision.models import ComplaintCase
from tests.factories import SchoolFactory, SemesterFactory
from tests.reports.conftest import publish
from tests.supervision.complaint_factories import S, case_in_status
from tests.supervision.factories import VisitFactory

pytestmark = pytest.mark.django_db


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """One day in each calendar month from ``start`` to ``end``."""
    days, day = [], start
    while day <= end:
        days.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    return days


@pytest.fixture
def year(scheme, world):  # type: ignore[no-untyped-def]
    """Two published semesters scored by the test indicators (甲 80, 乙 70 of 100)."""
    first = scheme.semester
    second = SemesterFactory(term=2, start_date=datetime.date(2027, 2, 20), end_date=datetime.date(2027, 7, 10))
    other = ScoringScheme.objects.create(semester=second)
    for w in scheme.weights.all():
        SchemeWeight.objects.create(scheme=other, indicator=w.indicator, weight=w.weight)
    schools = {name: SchoolFactory(name=name) for name in ("甲一", "甲二", "甲三", "丁四", "乙五")}
    world.school_a.active = world.school_b.active = False  # the world's schools play no part here
    world.school_a.save()
    world.school_b.save()
    VetoRule.objects.create(name="有偿家教", kind="test_veto", params={"school": schools["丁四"].pk})
    case = case_in_status(S.REPLIED, school=schools["甲二"], by=world.bureau)
    # Concluded within the school year whatever day the suite runs (the rule
    # counts cases concluded in the year; a case concluded "now" falls
    # outside it once the year is over).
    concluded = timezone.make_aware(
        datetime.datetime.combine(first.start_date + datetime.timedelta(days=30), datetime.time(10))
    )
    ComplaintCase.objects.filter(pk=case.pk).update(
        liability="school", received_at=concluded - datetime.timedelta(days=10), concluded_at=concluded
    )
    today = timezone.localdate()
    for semester in (first, second):
        for day in _months(semester.start_date, min(semester.end_date, today)):
            for name in ("甲一", "甲二", "丁四", "乙五"):  # 甲三 is never visited
                VisitFactory(school=schools[name], date=day)
        publish(scores_compute(scheme=ScoringScheme.objects.get(semester=semester)), f"示教督〔2026〕{semester.term}号")
    return first.school_year, schools


def test_rules_propose_only_the_schools_that_meet_them(world, year) -> None:  # type: ignore[no-untyped-def]
    school_year, _schools = year
    round = services.modelschool_round_create(school_year=school_year, min_score=Decimal("75"), by=world.bureau)
    found = {c.school.name: c for c in round.candidates.select_related("school")}
    assert [n for n, c in sorted(found.items()) if c.proposed] == ["甲一"], {n: c.findings for n, c in found.items()}
    assert found["甲一"].included and found["甲一"].scores[0]["score"] == "80.00"
    assert any("学校责任" in f for f in found["甲二"].findings)
    assert any("一票否决" in f for f in found["丁四"].findings)
    assert any("低于 75" in f for f in found["乙五"].findings)
    assert [f for f in found["甲三"].findings if "未督导" in f] and len(found["甲三"].findings) == 1


def test_the_round_from_staff_changes_to_the_final_list_and_the_sign_page(world, year) -> None:  # type: ignore[no-untyped-def]
    school_year, schools = year
    round = services.modelschool_round_create(school_year=school_year, min_score=Decimal("75"), by=world.bureau)
    third = round.candidates.get(school=schools["甲三"])
    with pytest.raises(ScoringError):
        services.modelschool_candidate_set(candidate=third, included=True, reason=" ", by=world.bureau)
    services.modelschool_candidate_set(
        candidate=third, included=True, reason="督导记录延迟录入，已补核", by=world.bureau
    )
    services.modelschool_candidates_propose(round=round, by=world.bureau)  # staff's decision with a reason stands
    third.refresh_from_db()
    assert third.included and not third.proposed
    services.modelschool_round_decide(round=round, by=world.bureau)
    today = timezone.localdate()
    with pytest.raises(ScoringError) as refused:
        services.modelschool_round_publish(
            round=round, start=today, end=today - datetime.timedelta(days=1), document_number="", by=world.bureau
        )
    assert "早于" in " ".join(refused.value.messages)
    services.modelschool_round_publish(
        round=round,
        start=today,
        end=today + datetime.timedelta(days=6),
        document_number="示教督〔2027〕5号",
        by=world.bureau,
    )
    round.refresh_from_db()
    assert round.status == RoundStatus.PUBLICITY
    fourth = round.candidates.get(school=schools["丁四"])
    with pytest.raises(ScoringError):  # no additions during the public notice
        services.modelschool_candidate_set(candidate=fourth, included=True, reason="补报", by=world.bureau)
    with pytest.raises(ScoringError):
        services.modelschool_round_finalise(round=round, by=world.bureau, today=today)
    sign = Client().get(reverse("public_sign", args=[schools["甲一"].code])).content.decode()
    assert "减负提质示范校" not in sign  # not before the list is final
    services.modelschool_round_finalise(round=round, by=world.bureau, today=today + datetime.timedelta(days=7))
    round.refresh_from_db()
    assert round.status == RoundStatus.FINAL
    sign = Client().get(reverse("public_sign", args=[schools["甲一"].code])).content.decode()
    assert "2026-2027学年 减负提质示范校" in sign
    assert "减负提质示范校" not in Client().get(reverse("public_sign", args=[schools["乙五"].code])).content.decode()

    _, _, xlsx = get_exporter("model_schools_xlsx").render({"round": round.pk}, user=world.bureau)
    rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["甲一", "甲三"] and rows[1][4] == "督导记录延迟录入，已补核"
    _, _, pdf = get_exporter("model_schools_pdf").render({"round": round.pk}, user=world.bureau)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "示教督〔2027〕5号" in text and "被评为减负提质示范校" in text and "甲三" in text


def test_pages_for_bureau_only(world, year) -> None:  # type: ignore[no-untyped-def]
    school_year, _ = year
    bureau = Client()
    bureau.force_login(world.bureau)
    response = bureau.post(
        reverse("reports:modelschool_round_create"), {"school_year": school_year.pk, "min_score": "75"}
    )
    round = ModelSchoolRound.objects.get()
    assert (
        response.status_code == 302
        and "甲一" in bureau.get(reverse("reports:modelschool_round", args=[round.pk])).content.decode()
    )
    for user in (world.principal_a, world.supervisor_x):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("reports:modelschool_rounds")).status_code == 404
        assert client.get(reverse("reports:modelschool_round", args=[round.pk])).status_code == 404
        assert client.post(reverse("reports:modelschool_round_action", args=[round.pk, "decide"])).status_code == 404
    round.refresh_from_db()
    assert round.status == RoundStatus.PROPOSED
