"""The bureau's scores, coverage and dashboard pages and the supervisor's
dashboard issue the same number of queries at 31 and at 300 schools (the
issue's city has 3,031). The schools, memberships, visits and scores are
made in bulk so that the test stays fast."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import RunStatus, ScoreRun
from reports.scoring.engine import scores_compute
from schools.models import School
from supervision.models import DistrictMembership, SupervisoryDistrict, Visit, VisitKind, VisitMode
from supervision.visits.coverage import visit_coverage_rebuild
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db

D = datetime.date


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _grow_to(total: int, world) -> None:  # type: ignore[no-untyped-def]
    """Add schools (twenty to a district, a few more in the supervisor's own
    district) with a visit in September and October each, until ``total``."""
    have = School.objects.count()
    new = [
        School(code=f"39{i:08d}", name=f"丁{i:05d}", school_type="primary" if i % 3 else "junior")
        for i in range(have, total)
    ]
    School.objects.bulk_create(new)
    number = SupervisoryDistrict.objects.order_by("-number").values_list("number", flat=True).first() or 0
    districts = SupervisoryDistrict.objects.bulk_create(
        [SupervisoryDistrict(name=f"责任区{number + i + 1}", number=number + i + 1) for i in range(len(new) // 20 + 1)]
    )
    own = new[: len(new) // 10]
    DistrictMembership.objects.bulk_create(
        [DistrictMembership(school=s, district=world.district_x, start_date=D(2024, 9, 1)) for s in own]
        + [
            DistrictMembership(school=s, district=districts[i // 20], start_date=D(2024, 9, 1))
            for i, s in enumerate(new[len(own) :])
        ]
    )
    visits = [
        Visit(
            client_id=uuid.uuid4(),
            school=s,
            date=day,
            kind=VisitKind.ROUTINE,
            mode=VisitMode.ANNOUNCED,
            methods=[],
            submitted_by=world.supervisor_x,
        )
        for i, s in enumerate(new)
        for day in (D(2026, 9, 10), D(2026, 10, 12))
        if i % 4
    ]
    Visit.objects.bulk_create(visits)
    visit_coverage_rebuild()  # bulk writes send no signal


def _counts(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    bureau, supervisor = _client(world.bureau), _client(world.supervisor_x)
    pages = {
        "bureau scores (districts)": (bureau, reverse("reports:scores"), {}),
        "bureau scores (ranking)": (bureau, reverse("reports:scores"), {"view": "ranking"}),
        "bureau scores (a district)": (bureau, reverse("reports:scores"), {"district": "第一责任区"}),
        "bureau coverage": (bureau, reverse("bureau_coverage"), {}),
        "bureau coverage (a district)": (
            bureau,
            reverse("bureau_coverage"),
            {"district": world.district_x.pk, "month": "2026-10"},
        ),
        "bureau dashboard": (bureau, reverse("reports:dashboard"), {}),
        "supervisor dashboard": (supervisor, reverse("reports:dashboard"), {}),
    }
    counts = {}
    for name, (client, url, params) in pages.items():
        client.get(url, params)  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.fixture
def today(monkeypatch):  # type: ignore[no-untyped-def]
    """Mid-November 2026: September and October are finished months (read
    from the summary), November is running (counted from the raw rows)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 11, 16))
    return D(2026, 11, 16)


def test_page_queries_do_not_grow_from_31_to_300_schools(world, scheme, today) -> None:  # type: ignore[no-untyped-def]
    _grow_to(31, world)
    publish(scores_compute(scheme=scheme))
    few = _counts(world)

    ScoreRun.objects.update(status=RunStatus.SUPERSEDED)
    _grow_to(300, world)
    run = publish(scores_compute(scheme=scheme), number="示教督〔2026〕2号")
    assert run.scores.count() == 300
    many = _counts(world)
    assert many == few
