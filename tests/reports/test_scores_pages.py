from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.scoring.engine import scores_compute
from tests.factories import DistrictMembershipFactory, SchoolFactory
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(scheme, world):  # type: ignore[no-untyped-def]
    world.school_a.name = "甲小学"
    world.school_a.save()
    world.school_b.name = "乙中学"
    world.school_b.school_type = "junior"
    world.school_b.save()
    return publish(scores_compute(scheme=scheme))


def test_bureau_ranking_overall_by_type_and_district(world, run) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    semester = run.scheme.semester.pk
    html = client.get(reverse("reports:scores"), {"semester": semester, "view": "ranking"}).content.decode()
    assert html.index("甲小学") < html.index("乙中学")  # 80 before 0
    junior = client.get(reverse("reports:scores"), {"semester": semester, "type": "junior"}).content.decode()
    assert "乙中学" in junior and "甲小学" not in junior
    district = client.get(reverse("reports:scores"), {"semester": semester, "district": "第一责任区"}).content.decode()
    assert "甲小学" in district and "乙中学" not in district


def test_bureau_first_sees_one_row_per_district(world, run) -> None:  # type: ignore[no-untyped-def]
    html = login(world.bureau).get(reverse("reports:scores"), {"semester": run.scheme.semester.pk}).content.decode()
    assert html.count('data-testid="district-row"') == 2
    assert "第一责任区" in html and "第二责任区" in html and "甲小学" not in html
    assert "80.00" in html  # 第一责任区's average, computed by the database


def test_ranking_pages_fifty_schools_at_a_time(world, scheme) -> None:  # type: ignore[no-untyped-def]
    from schools.models import School

    School.objects.bulk_create([School(code=f"39{i:08d}", name=f"丁{i:03d}", school_type="primary") for i in range(60)])
    run = scores_compute(scheme=scheme)
    client = login(world.bureau)
    url = reverse("reports:scores")
    first = client.get(url, {"semester": scheme.semester.pk, "view": "ranking"}).content.decode()
    second = client.get(url, {"semester": scheme.semester.pk, "view": "ranking", "page": 2}).content.decode()
    shown = first.count('data-testid="score"'), second.count('data-testid="score"')
    assert shown == (50, run.scores.count() - 50)


def test_explanation_shows_points_and_records(world, run) -> None:  # type: ignore[no-untyped-def]
    score = run.scores.get(school=world.school_a)
    html = login(world.bureau).get(reverse("reports:score_detail", args=[score.pk])).content.decode()
    assert "80.00 / 100.00" in html and "测试指标一" in html and "甲小学 一" in html


def test_principal_sees_own_score_only(world, run) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    html = client.get(reverse("reports:scores"), {"semester": run.scheme.semester.pk}).content.decode()
    assert "甲小学" in html and "乙中学" not in html
    other = run.scores.get(school=world.school_b)
    assert client.get(reverse("reports:score_detail", args=[other.pk])).status_code == 404


def test_supervisor_sees_own_districts(world, run) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_y)
    html = client.get(reverse("reports:scores"), {"semester": run.scheme.semester.pk}).content.decode()
    assert "乙中学" in html and "甲小学" not in html


def test_ranking_page_query_count_is_fixed(world, scheme) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    scores_compute(scheme=scheme)
    url = reverse("reports:scores")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"semester": scheme.semester.pk})
    for i in range(10):
        DistrictMembershipFactory(school=SchoolFactory(name=f"丙{i}"), district=world.district_x)
    scores_compute(scheme=scheme)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"semester": scheme.semester.pk})
    assert len(many) == len(few)
