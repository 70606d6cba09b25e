from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from reports.scoring.engine import scores_compute
from tests.factories import DistrictMembershipFactory, SchoolFactory
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db


def panel(response, key: str) -> dict:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index(f'<script id="{key}" type="application/json">') + len(
        f'<script id="{key}" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def scored(scheme, world):  # type: ignore[no-untyped-def]
    world.school_a.name = "甲小学"
    world.school_a.save()
    world.school_b.name = "乙小学"
    world.school_b.save()
    extra = SchoolFactory(name="丙小学")
    DistrictMembershipFactory(school=extra, district=world.district_y)
    publish(scores_compute(scheme=scheme))
    return scheme


def test_bureau_sees_every_school(world, scored) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    response = client.get(reverse("reports:dashboard"), {"semester": scored.semester.pk})
    option = panel(response, "scores")
    assert set(option["yAxis"]["data"]) == {"甲小学", "乙小学", "丙小学"}


def test_supervisor_sees_only_their_districts(world, scored) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.supervisor_y)
    option = panel(client.get(reverse("reports:dashboard"), {"semester": scored.semester.pk}), "scores")
    assert set(option["yAxis"]["data"]) == {"乙小学", "丙小学"}


def test_principal_sees_own_school_against_average(world, scored) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    response = client.get(reverse("reports:dashboard"), {"semester": scored.semester.pk})
    option = panel(response, "scores")
    # 甲 80, 乙 70, 丙 0: the area's average is 50.
    assert option["series"][0]["data"] == [80.0, 50.0]
    html = response.content.decode()
    assert "乙小学" not in html and "丙小学" not in html


def test_dashboard_page_needs_sign_in() -> None:
    assert Client().get(reverse("reports:dashboard")).status_code == 302


def test_score_distribution_counts_visible_schools(world, scored) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    option = panel(client.get(reverse("reports:dashboard"), {"semester": scored.semester.pk}), "score_distribution")
    # 甲 80%, 乙 70%, 丙 0%.
    assert option["series"][0]["data"] == [1, 0, 0, 0, 0, 0, 0, 1, 1, 0]
    client.force_login(world.principal_a)
    html = client.get(reverse("reports:dashboard"), {"semester": scored.semester.pk}).content.decode()
    assert 'id="score_distribution"' not in html


def test_coverage_panel_counts_only_the_supervisors_districts(world, scored) -> None:  # type: ignore[no-untyped-def]
    """The supervisor's coverage panel has their district alone; once the
    assignment has ended, no coverage panel at all."""
    import datetime

    from django.utils import timezone

    from supervision.models import SupervisorAssignment

    client = Client()
    client.force_login(world.supervisor_y)
    url, params = reverse("reports:dashboard"), {"semester": scored.semester.pk}
    bureau = Client()
    bureau.force_login(world.bureau)
    assert set(panel(bureau.get(url, params), "coverage")["xAxis"]["data"]) == {"第一责任区", "第二责任区"}
    assert panel(client.get(url, params), "coverage")["xAxis"]["data"] == ["第二责任区"]
    SupervisorAssignment.objects.filter(supervisor__user=world.supervisor_y).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert 'id="coverage"' not in client.get(url, params).content.decode()


def test_score_list_never_reads_the_breakdown(world, scored) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world.bureau)
    for params in ({}, {"view": "ranking"}, {"district": "第二责任区"}, {"type": "primary"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reports:scores"), {"semester": scored.semester.pk, **params})
        assert response.status_code == 200
        assert not [q for q in queries.captured_queries if "breakdown" in q["sql"]], params


def _dashboard_queries(user, semester) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), {"semester": semester.pk})
    assert response.status_code == 200
    return len(ctx.captured_queries), panel(response, "homework")


@pytest.mark.parametrize("persona", ["bureau", "supervisor_x"])
def test_dashboard_queries_at_31_and_300_schools(world, scored, persona) -> None:  # type: ignore[no-untyped-def]
    from tests.schools.test_homework_compliance import _city

    user = getattr(world, persona)
    _city(world, 31)
    small, homework = _dashboard_queries(user, scored.semester)
    assert homework["series"][0]["data"]  # the homework panel is drawn
    _city(world, 300)
    assert _dashboard_queries(user, scored.semester)[0] == small


def test_homework_panel_gives_the_report_figures_by_grade(world, scored) -> None:  # type: ignore[no-untyped-def]
    from schools.homework.selectors import homework_compliance
    from tests.schools.test_homework_compliance import _city

    _city(world, 31)
    semester = scored.semester
    report = homework_compliance(user=world.bureau, date_from=semester.start_date, date_to=semester.end_date)
    option = _dashboard_queries(world.bureau, semester)[1]
    assert len(option["xAxis"]["data"]) == len(report.by_grade) == 3
    assert option["series"][0]["data"] == [round(100 * r.compliant / r.recorded) for r in report.by_grade]
    assert any(0 < v < 100 for v in option["series"][0]["data"])
