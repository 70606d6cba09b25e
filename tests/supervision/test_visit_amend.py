"""A submitted visit is locked: an amendment needs a reason and keeps the
history with each value before and after."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.errors import SupervisionError
from supervision.models import ItemResult, VisitMode
from supervision.visits.services import ItemEntry, visit_amend
from tests.supervision.factories import RectificationFactory, VisitFactory, VisitItemResultFactory, item
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(world):  # type: ignore[no-untyped-def]
    v = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x, findings="原发现")
    v.supervisors.add(world.supervisor_x.supervisor_profile)
    VisitItemResultFactory(visit=v, item=item("4.1"), result=ItemResult.MOSTLY, note="原备注")
    return v


def amend(world, visit, **changes):  # type: ignore[no-untyped-def]
    kwargs = {
        "visit": visit,
        "by": world.supervisor_x,
        "reason": "补录座谈记录",
        "date": visit.date,
        "mode": visit.mode,
        "methods": list(visit.methods),
        "findings": visit.findings,
        "items": [ItemEntry(item=item("4.1"), result=ItemResult.MOSTLY, note="原备注")],
    }
    kwargs.update(changes)
    return visit_amend(**kwargs)


def test_amendment_records_before_and_after(world, visit) -> None:  # type: ignore[no-untyped-def]
    a = amend(
        world,
        visit,
        findings="补充：与三名教师座谈。",
        mode=VisitMode.UNANNOUNCED,
        items=[
            ItemEntry(item=item("4.1"), result=ItemResult.COMPLIANT, note="原备注"),
            ItemEntry(item=item("4.3"), result=ItemResult.MOSTLY),
        ],
    )
    visit.refresh_from_db()
    assert visit.findings == "补充：与三名教师座谈。" and visit.mode == VisitMode.UNANNOUNCED
    fields = {c["field"]: c for c in a.changes}
    assert fields["findings"]["before"] == "原发现" and fields["findings"]["after"] == "补充：与三名教师座谈。"
    assert "mode" in fields and "item:4.1" in fields and fields["item:4.3"]["before"] == ""
    assert a.reason == "补录座谈记录" and a.by == world.supervisor_x
    assert visit.results.get(item=item("4.1")).result == ItemResult.COMPLIANT


def test_removing_an_item_result_is_recorded(world, visit) -> None:  # type: ignore[no-untyped-def]
    a = amend(world, visit, items=[ItemEntry(item=item("4.3"), result=ItemResult.COMPLIANT)])
    assert {c["field"] for c in a.changes} == {"item:4.1", "item:4.3"}
    assert not visit.results.filter(item=item("4.1")).exists()


def test_amendment_needs_a_reason_and_a_change(world, visit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SupervisionError):
        amend(world, visit, reason=" ", findings="新")
    with pytest.raises(SupervisionError):
        amend(world, visit)  # nothing changed
    assert not visit.amendments.exists()


@pytest.mark.parametrize("persona", ["supervisor_y", "principal_a", "bureau"])
def test_only_a_supervisor_present_amends(world, visit, persona) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SupervisionError):
        amend(world, visit, by=getattr(world, persona), findings="改")


def test_item_with_a_demand_stays_non_compliant(world) -> None:  # type: ignore[no-untyped-def]
    v = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    r = VisitItemResultFactory(visit=v, item=item("4.1"), result=ItemResult.NON_COMPLIANT)
    RectificationFactory(school=world.school_a, visit=v, visit_item=r)
    with pytest.raises(SupervisionError):
        amend(world, v, items=[ItemEntry(item=item("4.1"), result=ItemResult.COMPLIANT)])


def test_future_date_refused(world, visit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SupervisionError):
        amend(world, visit, date=timezone.localdate() + datetime.timedelta(days=1))


def test_amend_page_round_trip_and_history_on_visit_page(world, visit) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    url = reverse("visit_amend", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200 and "原备注" in page.content.decode()
    i41 = item("4.1").pk
    data = {
        "date": visit.date.isoformat(),
        "mode": visit.mode,
        "methods": list(visit.methods),
        "findings": "改后的发现",
        f"result_{i41}": ItemResult.MOSTLY,
        f"note_{i41}": "原备注",
        "reason": "",
    }
    assert client.post(url, data).status_code == 200  # no reason: the form again
    data["reason"] = "笔误更正"
    response = client.post(url, data)
    assert response.status_code == 302
    detail = client.get(reverse("visit_detail", args=[visit.pk])).content.decode()
    assert "笔误更正" in detail and "原发现" in detail and "改后的发现" in detail
    # Principal of the school reads the history too.
    assert "笔误更正" in login(world.principal_a).get(reverse("visit_detail", args=[visit.pk])).content.decode()
