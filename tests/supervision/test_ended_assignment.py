"""Scoping in time: a supervisor whose assignment to the district has ended
no longer reads the school: it leaves their start page and lists, and its
visits, photos, demands, answers and evidence files are 404, except the
visits they made themselves, read-only and as they were on their last day
(no amendments, demands or answers added after it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from supervision.models import ItemResult, Rectification, RectificationEvidence, Visit, VisitAmendment, VisitPhoto
from supervision.rectifications.services import rectification_answer
from tests.factories import SupervisorAssignmentFactory, SupervisorFactory
from tests.supervision.factories import (
    RectificationFactory,
    VisitFactory,
    VisitItemResultFactory,
    jpeg_bytes,
    pdf_upload,
    photo_upload,
)
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    own_visit: Visit
    early_photo: VisitPhoto
    colleague_visit: Visit
    colleague_photo: VisitPhoto
    demand: Rectification
    early_evidence: RectificationEvidence
    late_evidence: RectificationEvidence


def _photo(visit: Visit, at: datetime.datetime) -> VisitPhoto:
    photo = VisitPhoto(visit=visit, size=10, uploaded_at=at)
    photo.image.save("p.jpg", ContentFile(jpeg_bytes(gps=False)), save=False)
    photo.save()
    return photo


def _end_assignment(world: Any) -> None:
    assignment = world.supervisor_x.supervisor_profile.assignments.get()
    assignment.end_date = timezone.localdate() - datetime.timedelta(days=1)
    assignment.save()


@pytest.fixture
def scene(world) -> Scene:  # type: ignore[no-untyped-def]
    """Supervisor X visits school A a month ago and raises a demand, the
    school answers; then X's assignment ends yesterday, and afterwards the
    school answers again and a colleague amends X's visit."""
    now = timezone.now()
    month_ago = now - datetime.timedelta(days=30)
    colleague = SupervisorFactory(name="督学丙")
    SupervisorAssignmentFactory(supervisor=colleague, district=world.district_x, start_date=datetime.date(2024, 9, 1))

    own = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x, date=month_ago.date())
    own.supervisors.add(world.supervisor_x.supervisor_profile, colleague)
    result = VisitItemResultFactory(visit=own, result=ItemResult.NON_COMPLIANT)
    early_photo = _photo(own, month_ago)
    demand = RectificationFactory(
        school=world.school_a, raised_by=world.supervisor_x, visit=own, visit_item=result, title="作业公示整改"
    )
    first = rectification_answer(rectification=demand, by=world.principal_a, plan="第一次答复", evidence=[pdf_upload()])
    colleague_visit = VisitFactory(school=world.school_a, submitted_by=colleague.user, date=month_ago.date())
    colleague_photo = _photo(colleague_visit, month_ago)

    _end_assignment(world)

    demand.refresh_from_db()
    demand.status = "returned"
    demand.save()
    late = rectification_answer(
        rectification=demand, by=world.principal_a, plan="离任后的答复", evidence=[photo_upload()]
    )
    VisitAmendment.objects.create(visit=own, by=colleague.user, reason="离任后的更正", changes=[])
    return Scene(
        own_visit=own,
        early_photo=early_photo,
        colleague_visit=colleague_visit,
        colleague_photo=colleague_photo,
        demand=demand,
        early_evidence=first.evidence.get(),
        late_evidence=late.evidence.get(),
    )


def test_the_school_leaves_the_start_page_and_the_lists(world, scene) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    home = client.get(reverse("supervisor_home")).content.decode()
    assert world.school_a.name not in home
    demands = client.get(reverse("rectification_list"), {"state": "all"}).content.decode()
    assert "作业公示整改" not in demands and world.school_a.name not in demands
    visits = client.get(reverse("visit_list")).content.decode()
    assert reverse("visit_detail", args=[scene.colleague_visit.pk]) not in visits
    # Their own visit stays listed: it is the one thing they still read,
    # without the demand and the amendment that its page leaves out.
    assert reverse("visit_detail", args=[scene.own_visit.pk]) in visits
    assert 'data-testid="visit-demands"' not in visits and 'data-testid="visit-amended"' not in visits
    assert f'value="{world.school_a.pk}"' not in visits  # nor is the school offered as a filter


def test_the_school_records_and_files_are_404(world, scene) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    demand = scene.demand.pk
    for url in [
        reverse("visit_detail", args=[scene.colleague_visit.pk]),
        reverse("visit_photo", args=[scene.colleague_visit.pk, scene.colleague_photo.pk]),
        reverse("rectification_detail", args=[demand]),
        reverse("rectification_evidence", args=[demand, scene.early_evidence.pk]),
        reverse("rectification_evidence", args=[demand, scene.late_evidence.pk]),
        reverse("visit_amend", args=[scene.own_visit.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # Nor can they raise a demand from their own visit any more.
    result = scene.own_visit.results.get()
    raise_url = reverse("visit_raise_demand", args=[scene.own_visit.pk, result.pk])
    data = {f"r{result.pk}-description": "补交", f"r{result.pk}-deadline": "2099-01-01"}
    assert client.post(raise_url, data).status_code == 404
    assert Rectification.objects.count() == 1


def test_own_visit_is_read_only_as_it_was_on_the_last_day(world, scene) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    response = client.get(reverse("visit_detail", args=[scene.own_visit.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="visit-former"' in page
    assert reverse("visit_photo", args=[scene.own_visit.pk, scene.early_photo.pk]) in page
    assert "离任后的更正" not in page
    assert reverse("rectification_detail", args=[scene.demand.pk]) not in page
    assert 'data-testid="amend-visit"' not in page and "visit_raise_demand" not in page
    assert client.get(reverse("visit_photo", args=[scene.own_visit.pk, scene.early_photo.pk])).status_code == 200


def test_the_school_and_the_colleague_still_read_everything(world, scene) -> None:  # type: ignore[no-untyped-def]
    principal = login(world.principal_a)
    page = principal.get(reverse("visit_detail", args=[scene.own_visit.pk])).content.decode()
    assert "离任后的更正" in page and 'data-testid="visit-former"' not in page
    url = reverse("rectification_evidence", args=[scene.demand.pk, scene.late_evidence.pk])
    assert principal.get(url).status_code == 200


def test_while_assigned_the_supervisor_reads_it_all(world) -> None:  # type: ignore[no-untyped-def]
    """The same records, before the assignment ends: nothing above is
    hidden by accident."""
    visit = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    demand = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x, title="作业公示整改")
    answer = rectification_answer(rectification=demand, by=world.principal_a, plan="答复", evidence=[pdf_upload()])
    client = login(world.supervisor_x)
    assert world.school_a.name in client.get(reverse("supervisor_home")).content.decode()
    assert "作业公示整改" in client.get(reverse("rectification_list"), {"state": "all"}).content.decode()
    page = client.get(reverse("visit_detail", args=[visit.pk])).content.decode()
    assert 'data-testid="visit-former"' not in page
    VisitAmendment.objects.create(visit=visit, by=world.supervisor_x, reason="更正", changes=[])
    assert 'data-testid="visit-amended"' in client.get(reverse("visit_list")).content.decode()
    assert client.get(reverse("rectification_detail", args=[demand.pk])).status_code == 200
    evidence = answer.evidence.get()
    assert client.get(reverse("rectification_evidence", args=[demand.pk, evidence.pk])).status_code == 200
