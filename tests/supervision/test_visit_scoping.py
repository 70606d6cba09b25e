"""Scoping of every visit page and file: each persona sees what its role
allows and the outsider gets 404 (anonymous: the sign-in page)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supervision.models import ItemResult, VisitPhoto
from tests.supervision.factories import VisitFactory, VisitItemResultFactory, jpeg_bytes
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db

PERSONAS = ["bureau", "principal_a", "principal_b", "supervisor_x", "supervisor_y", "anonymous"]


@pytest.fixture
def visit(world):  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    v = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x, findings="甲小学的发现")
    v.supervisors.add(world.supervisor_x.supervisor_profile)
    VisitItemResultFactory(visit=v, result=ItemResult.NON_COMPLIANT)
    photo = VisitPhoto(visit=v, size=10)
    photo.image.save("p.jpg", ContentFile(jpeg_bytes(gps=False)), save=False)
    photo.thumbnail.save("t.jpg", ContentFile(jpeg_bytes(gps=False, size=(16, 12))), save=False)
    photo.save()
    v.photo = photo
    return v


def client_for(world, persona: str) -> Client:  # type: ignore[no-untyped-def]
    return Client() if persona == "anonymous" else login(getattr(world, persona))


def expect(response, status: int) -> None:  # type: ignore[no-untyped-def]
    if status == 302:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [200, 200, 404, 200, 404, 302], strict=True)),
)
def test_visit_page_scoped(world, visit, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, persona).get(reverse("visit_detail", args=[visit.pk]))
    expect(response, status)
    if status == 200:
        assert "甲小学的发现" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [200, 200, 404, 200, 404, 302], strict=True)),
)
def test_visit_photo_scoped(world, visit, persona, status) -> None:  # type: ignore[no-untyped-def]
    for query in ("", "?thumb=1"):
        response = client_for(world, persona).get(reverse("visit_photo", args=[visit.pk, visit.photo.pk]) + query)
        expect(response, status)
        if status == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("inline")
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_of_another_visit_is_404(world, visit) -> None:  # type: ignore[no-untyped-def]
    other = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    response = login(world.bureau).get(reverse("visit_photo", args=[other.pk, visit.photo.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [404, 404, 404, 200, 404, 302], strict=True)),
)
def test_visit_form_only_for_responsible_supervisor(world, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, persona).get(reverse("visit_new", args=[world.school_a.pk]))
    expect(response, status)


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [404, 404, 404, 200, 404, 302], strict=True)),
)
def test_amend_page_only_for_supervisor_present(world, visit, persona, status) -> None:  # type: ignore[no-untyped-def]
    expect(client_for(world, persona).get(reverse("visit_amend", args=[visit.pk])), status)


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_y", "bureau"])
def test_raise_demand_from_visit_refused_to_others(world, visit, persona) -> None:  # type: ignore[no-untyped-def]
    result = visit.results.get()
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client_for(world, persona).post(
        reverse("visit_raise_demand", args=[visit.pk, result.pk]),
        {f"r{result.pk}-description": "整改", f"r{result.pk}-deadline": deadline},
    )
    assert response.status_code == 404
    assert not result.rectifications.exists()


def test_responsible_supervisor_raises_demand_after_the_visit(world, visit) -> None:  # type: ignore[no-untyped-def]
    result = visit.results.get()
    page = login(world.supervisor_x).get(reverse("visit_detail", args=[visit.pk]))
    assert reverse("visit_raise_demand", args=[visit.pk, result.pk]) in page.content.decode()
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = login(world.supervisor_x).post(
        reverse("visit_raise_demand", args=[visit.pk, result.pk]),
        {f"r{result.pk}-description": "须公示作业", f"r{result.pk}-deadline": deadline},
    )
    assert response.status_code == 302
    assert result.rectifications.get().description == "须公示作业"


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("bureau", True), ("principal_a", True), ("principal_b", False), ("supervisor_x", True), ("supervisor_y", False)],
)
def test_visit_list_shows_only_visible_visits(world, visit, persona, sees) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("visit_list"))
    assert response.status_code == 200
    assert (reverse("visit_detail", args=[visit.pk]) in response.content.decode()) is sees


def test_visit_list_needs_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    expect(Client().get(reverse("visit_list")), 302)


def test_supervisor_keeps_reading_own_past_visits_after_leaving_district(world, visit) -> None:  # type: ignore[no-untyped-def]
    assignment = world.supervisor_x.supervisor_profile.assignments.get()
    assignment.end_date = timezone.localdate() - datetime.timedelta(days=1)
    assignment.save()
    client = login(world.supervisor_x)
    assert client.get(reverse("visit_detail", args=[visit.pk])).status_code == 200
    assert client.get(reverse("visit_photo", args=[visit.pk, visit.photo.pk])).status_code == 200
    # ...but no longer logs visits there, nor amends.
    assert client.get(reverse("visit_new", args=[world.school_a.pk])).status_code == 404
    assert client.get(reverse("visit_amend", args=[visit.pk])).status_code == 404
    # A visit by a colleague at that school is no longer visible.
    colleague_visit = VisitFactory(school=world.school_a)
    assert client.get(reverse("visit_detail", args=[colleague_visit.pk])).status_code == 404


def test_school_page_lists_visits_and_open_demands(world, visit) -> None:  # type: ignore[no-untyped-def]
    from tests.supervision.factories import RectificationFactory

    r = RectificationFactory(school=world.school_a, title="作业公示不全")
    page = login(world.principal_a).get(reverse("school_detail", args=[world.school_a.pk])).content.decode()
    assert reverse("visit_detail", args=[visit.pk]) in page
    assert "作业公示不全" in page and reverse("rectification_detail", args=[r.pk]) in page


def test_service_worker_is_served_from_the_root(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/supervision/visit-form.js" in body and "/static/supervision/offline.js" in body
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
