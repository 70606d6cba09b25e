"""Every list of visits and demands takes a fixed number of queries,
whatever the number of rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision.models import ItemResult, RectificationStatus
from supervision.rectifications.services import rectification_answer
from tests.supervision.factories import (
    RectificationFactory,
    VisitFactory,
    VisitItemResultFactory,
    item,
    pdf_upload,
    photo_upload,
)
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db


def count(client, url: str, params: dict | None = None) -> int:  # type: ignore[no-untyped-def]
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx)


def add_visits(world, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        v = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
        v.supervisors.add(world.supervisor_x.supervisor_profile, world.supervisor_y.supervisor_profile)
        r = VisitItemResultFactory(visit=v, result=ItemResult.NON_COMPLIANT)
        RectificationFactory(school=world.school_a, visit=v, visit_item=r)


@pytest.mark.parametrize("persona", ["bureau", "principal_a", "supervisor_x"])
def test_visit_list_fixed_queries(world, persona) -> None:  # type: ignore[no-untyped-def]
    client = login(getattr(world, persona))
    add_visits(world, 2)
    few = count(client, reverse("visit_list"))
    add_visits(world, 7)
    assert count(client, reverse("visit_list")) == few


@pytest.mark.parametrize("persona", ["bureau", "principal_a", "supervisor_x"])
def test_rectification_list_fixed_queries(world, persona) -> None:  # type: ignore[no-untyped-def]
    client = login(getattr(world, persona))
    add_visits(world, 2)
    few = {state: count(client, reverse("rectification_list"), {"state": state}) for state in ("open", "all")}
    add_visits(world, 7)
    RectificationFactory.create_batch(3, school=world.school_a, status=RectificationStatus.RETURNED)
    for state in ("open", "all"):
        assert count(client, reverse("rectification_list"), {"state": state}) == few[state]


def test_visit_page_fixed_queries(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.models import VisitPhoto

    client = login(world.supervisor_x)
    visit = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    visit.supervisors.add(world.supervisor_x.supervisor_profile)
    codes = ["1.1", "2.1", "3.1", "4.1", "4.2", "4.3", "5.1", "8.1"]

    def add(codes_: list[str]) -> None:
        for code in codes_:
            r = VisitItemResultFactory(visit=visit, item=item(code), result=ItemResult.NON_COMPLIANT)
            if code.endswith(".1"):
                RectificationFactory(school=world.school_a, visit=visit, visit_item=r)
            VisitPhoto.objects.create(visit=visit, image="x.jpg")

    add(codes[:2])
    url = reverse("visit_detail", args=[visit.pk])
    few = count(client, url)
    add(codes[2:])
    assert count(client, url) == few


def test_rectification_page_fixed_queries(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    r = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x)
    rectification_answer(rectification=r, by=world.principal_a, plan="一", evidence=[photo_upload()])
    url = reverse("rectification_detail", args=[r.pk])
    few = count(client, url)
    r.status = RectificationStatus.RETURNED
    r.save()
    rectification_answer(
        rectification=r, by=world.principal_a, plan="二", evidence=[photo_upload(), pdf_upload(), photo_upload()]
    )
    r.status = RectificationStatus.RETURNED
    r.deadline = timezone.localdate() + datetime.timedelta(days=1)
    r.save()
    assert count(client, url) == few
