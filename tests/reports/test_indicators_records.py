"""Complaint, homework and cross-check indicators, the complaint veto, and
the notice's and workbook's sections for them, on hand-computed cases."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.exports.base import get_exporter
from reports.models import SchemeWeight, ScoringScheme, VetoRule
from reports.scoring.engine import scores_compute
from supervision.complaints.models import ComplaintStatus as S
from supervision.models import ComplaintCase
from tests.factories import semester_holding_today
from tests.reports.conftest import publish
from tests.schools.factories import SchoolClassFactory, record_day
from tests.supervision.complaint_factories import case_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(world):  # type: ignore[no-untyped-def]
    scheme = ScoringScheme.objects.create(semester=semester_holding_today())
    for key in ("complaints_substantiated", "homework_compliance"):
        SchemeWeight.objects.create(scheme=scheme, indicator=key, weight=Decimal("30"))
    return scheme


def by_key(score) -> dict:  # type: ignore[no-untyped-def]
    return {b["indicator"]: b for b in score.breakdown}


def test_complaint_and_homework_points(world, scheme) -> None:  # type: ignore[no-untyped-def]
    # A: one substantiated and one partly substantiated case (weight 1 each): 1.5 of the limit 3 lost.
    # (Both with the school's liability; an individual's costs the school nothing by default.)
    for outcome in ("substantiated", "partly"):
        case = case_in_status(S.REPLIED, school=world.school_a, by=world.bureau, outcome=outcome)
        ComplaintCase.objects.filter(pk=case.pk).update(liability="school")
    case_in_status(S.REPLIED, school=world.school_b, by=world.bureau, outcome="not_substantiated")
    # A: grade 3, four class-days, one of them 61 minutes of written homework.
    klass = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    for i, minutes in enumerate([30, 60, 61, 45]):
        record_day(klass, monday + datetime.timedelta(days=i), minutes)
    run = scores_compute(scheme=scheme)
    a = by_key(run.scores.get(school=world.school_a))
    b = by_key(run.scores.get(school=world.school_b))
    assert a["complaints_substantiated"]["points"] == "15.00" and len(a["complaints_substantiated"]["evidence"]) == 2
    assert b["complaints_substantiated"]["points"] == "30.00"
    assert a["homework_compliance"]["points"] == "22.50"  # 3 of 4 class-days within the cap
    assert "4 个班级作业日中 1 个超时" in a["homework_compliance"]["detail"]
    # B recorded no homework: not assessed, and its weight leaves B's maximum.
    assert b["homework_compliance"]["not_assessed"] and b["homework_compliance"]["detail"] == "本学期无作业登记"
    assert run.scores.get(school=world.school_b).max_total == Decimal("30")


def test_substantiated_case_of_listed_category_vetoes(world, scheme) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.REPLIED, school=world.school_b, by=world.bureau)
    ComplaintCase.objects.filter(pk=case.pk).update(liability="school")  # the school is liable
    VetoRule.objects.create(
        name="有偿补课", kind="complaint_category_substantiated", params={"categories": [case.category.name]}
    )
    run = scores_compute(scheme=scheme)
    b = run.scores.get(school=world.school_b)
    assert (
        b.vetoed
        and case.category.name in b.veto_reason
        and b.rank == run.scores.filter(vetoed=False).exclude(score=None).count() + 1
    )


def test_notice_workbook_and_dashboard_carry_complaints(world, scheme) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    case_in_status(S.REPLIED, school=world.school_a, by=world.bureau)
    publish(scores_compute(scheme=scheme))  # reports read the published run
    _, _, pdf = get_exporter("semester_notice_pdf").render({"semester": scheme.semester.pk}, user=None)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "共收到投诉 1 件，其中查实或部分查实 1 件。" in text  # received (接收), not accepted (受理)
    _, _, xlsx = get_exporter("ranking_xlsx").render({"semester": scheme.semester.pk}, user=world.bureau)
    sheet = load_workbook(io.BytesIO(xlsx))["投诉汇总"]
    assert [c.value for c in sheet[2]] == [world.school_a.code, world.school_a.name, 1, 1, 0]
    client = Client()
    client.force_login(world.principal_a)
    html = client.get("/reports/dashboard/", {"semester": scheme.semester.pk}).content.decode()
    assert 'id="complaints"' not in html  # schools never see complaint statistics
    client.force_login(world.bureau)
    assert 'id="complaints"' in client.get("/reports/dashboard/", {"semester": scheme.semester.pk}).content.decode()


def test_homework_counts_from_summaries_equal_the_raw_count(world) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import Count

    from schools.homework.rules import over_cap_q
    from schools.homework.selectors import homework_counts_by_school
    from schools.models import HomeworkDay
    from tests.schools.factories import bulk_days

    # Days over five weeks and two months; the period starts and ends inside
    # fragments, so both the summaries and the raw edges count.
    start = datetime.date(2026, 9, 23)  # a Wednesday
    days = [start + datetime.timedelta(days=i) for i in range(35) if (start + datetime.timedelta(days=i)).weekday() < 5]
    low = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    high = SchoolClassFactory(school=world.school_a, grade=7, number=1)
    bulk_days([low], days[::2], 45)
    bulk_days([low], days[1::2], 75)  # over grade 3's cap
    bulk_days([high], days, 80)
    bulk_days([SchoolClassFactory(school=world.school_b, grade=4, number=2)], days[:2], 30)
    date_from, date_to = datetime.date(2026, 9, 25), datetime.date(2026, 10, 21)
    raw = {
        r["school_id"]: (r["recorded"], r["over"])
        for r in HomeworkDay.objects.filter(date__range=(date_from, date_to))
        .values("school_id")
        .annotate(recorded=Count("*"), over=Count("grade", filter=over_cap_q()))
    }
    counts = homework_counts_by_school(
        school_ids=[world.school_a.pk, world.school_b.pk], date_from=date_from, date_to=date_to
    )
    assert counts == raw and raw[world.school_a.pk][1] > 0
    assert world.school_b.pk not in counts  # its two days are before the period


def test_a_semester_holds_the_cases_of_its_local_days(world) -> None:  # type: ignore[no-untyped-def]
    """The semester's cases are those received on its days in Beijing time:
    23:59 on its last day is in, midnight after it and 23:59 before its
    first day are out (the range of instants the query uses must keep the
    meaning of the local dates)."""
    from reports.scoring.complaints import _cases
    from schools.models import Semester

    semester = Semester.objects.create(
        school_year=semester_holding_today().school_year,
        term=2,
        start_date=datetime.date(2031, 2, 17),
        end_date=datetime.date(2031, 7, 10),
    )
    local = timezone.get_default_timezone()

    def at(day: datetime.date, hour: int, minute: int) -> int:
        case = case_in_status(S.RECEIVED, school=world.school_a)
        received = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=local)
        ComplaintCase.objects.filter(pk=case.pk).update(received_at=received)
        return case.pk

    inside = {at(datetime.date(2031, 2, 17), 0, 0), at(datetime.date(2031, 7, 10), 23, 59)}
    at(datetime.date(2031, 2, 16), 23, 59)
    at(datetime.date(2031, 7, 11), 0, 0)
    assert set(_cases(semester).values_list("pk", flat=True)) == inside
