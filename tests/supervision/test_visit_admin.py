"""Visits and rectifications in the admin: read-only, searchable, filterable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.models import RectificationStatus
from tests.supervision.factories import RectificationFactory, VisitFactory, VisitItemResultFactory
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):  # type: ignore[no-untyped-def]
    visit = VisitFactory(school=world.school_a, findings="发现作业公示缺失")
    visit.supervisors.add(world.supervisor_x.supervisor_profile)
    VisitItemResultFactory(visit=visit)
    other = VisitFactory(school=world.school_b, findings="一切正常")
    demand = RectificationFactory(school=world.school_a, title="补全作业公示", visit=visit)
    return visit, other, demand


def test_visit_changelist_search_and_filters(world, rows) -> None:  # type: ignore[no-untyped-def]
    visit, other, _ = rows
    client = login(world.bureau)
    url = reverse("admin:supervision_visit_changelist")
    html = client.get(url, {"q": "公示缺失"}).content.decode()
    assert f"/admin/supervision/visit/{visit.pk}/" in html and f"/admin/supervision/visit/{other.pk}/" not in html
    html = client.get(url, {"district": world.district_y.pk}).content.decode()
    assert f"/admin/supervision/visit/{other.pk}/" in html and f"/admin/supervision/visit/{visit.pk}/" not in html
    assert client.get(url, {"q": world.supervisor_x.supervisor_profile.name}).status_code == 200


def test_visit_is_read_only_in_the_admin(world, rows) -> None:  # type: ignore[no-untyped-def]
    visit, _, _ = rows
    client = login(world.bureau)
    page = client.get(reverse("admin:supervision_visit_change", args=[visit.pk]))
    assert page.status_code == 200 and "发现作业公示缺失" in page.content.decode()
    response = client.post(reverse("admin:supervision_visit_change", args=[visit.pk]), {"findings": "改"})
    assert response.status_code == 403
    assert client.get(reverse("admin:supervision_visit_add")).status_code == 403


def test_rectification_changelist_filters(world, rows) -> None:  # type: ignore[no-untyped-def]
    _, _, demand = rows
    client = login(world.bureau)
    url = reverse("admin:supervision_rectification_changelist")
    assert "补全作业公示" in client.get(url, {"q": "作业公示"}).content.decode()
    assert "补全作业公示" in client.get(url, {"status": RectificationStatus.OPEN}).content.decode()
    assert "补全作业公示" not in client.get(url, {"overdue": "yes"}).content.decode()
    assert client.get(reverse("admin:supervision_rectification_change", args=[demand.pk])).status_code == 200


def test_admin_is_closed_to_schools_and_supervisors(world, rows) -> None:  # type: ignore[no-untyped-def]
    for persona in ("principal_a", "supervisor_x"):
        response = login(getattr(world, persona)).get(reverse("admin:supervision_visit_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
