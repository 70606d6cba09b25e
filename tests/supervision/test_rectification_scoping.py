"""Scoping of the rectification pages and evidence files, and the answer and
verification forms through the web."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from supervision.models import RectificationStatus
from supervision.rectifications.services import rectification_answer
from tests.supervision.factories import RectificationFactory, pdf_upload, photo_upload
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db

PERSONAS = ["bureau", "principal_a", "principal_b", "supervisor_x", "supervisor_y", "anonymous"]
SEES = [200, 200, 404, 200, 404, 302]


@pytest.fixture
def answered(world):  # type: ignore[no-untyped-def]
    r = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x, title="甲小学整改")
    answer = rectification_answer(
        rectification=r, by=world.principal_a, plan="已整改", evidence=[photo_upload(), pdf_upload()]
    )
    r.refresh_from_db()
    r.image = answer.evidence.get(kind="image")
    r.pdf = answer.evidence.get(kind="pdf")
    return r


def client_for(world, persona: str) -> Client:  # type: ignore[no-untyped-def]
    return Client() if persona == "anonymous" else login(getattr(world, persona))


def expect(response, status: int) -> None:  # type: ignore[no-untyped-def]
    if status == 302:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), list(zip(PERSONAS, SEES, strict=True)))
def test_rectification_page_scoped(world, answered, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, persona).get(reverse("rectification_detail", args=[answered.pk]))
    expect(response, status)
    if status == 200:
        assert "甲小学整改" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), list(zip(PERSONAS, SEES, strict=True)))
def test_evidence_files_scoped(world, answered, persona, status) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, persona)
    image = client.get(reverse("rectification_evidence", args=[answered.pk, answered.image.pk]))
    pdf = client.get(reverse("rectification_evidence", args=[answered.pk, answered.pdf.pk]))
    expect(image, status)
    expect(pdf, status)
    if status == 200:
        assert image["Content-Type"] == "image/jpeg" and image["Content-Disposition"].startswith("inline")
        assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")
        assert image["X-Content-Type-Options"] == pdf["X-Content-Type-Options"] == "nosniff"


def test_evidence_under_another_demand_is_404(world, answered) -> None:  # type: ignore[no-untyped-def]
    other = RectificationFactory(school=world.school_a)
    response = login(world.bureau).get(reverse("rectification_evidence", args=[other.pk, answered.image.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("bureau", True), ("principal_a", True), ("principal_b", False), ("supervisor_x", True), ("supervisor_y", False)],
)
def test_list_shows_only_visible_demands(world, answered, persona, sees) -> None:  # type: ignore[no-untyped-def]
    for state in ("open", "all", "answered"):
        response = login(getattr(world, persona)).get(reverse("rectification_list"), {"state": state})
        assert response.status_code == 200
        assert ("甲小学整改" in response.content.decode()) is sees


def test_list_needs_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    expect(Client().get(reverse("rectification_list")), 302)


def test_principal_answers_through_the_page(world) -> None:  # type: ignore[no-untyped-def]
    r = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x)
    client = login(world.principal_a)
    page = client.get(reverse("rectification_detail", args=[r.pk])).content.decode()
    assert reverse("rectification_answer", args=[r.pk]) in page
    response = client.post(
        reverse("rectification_answer", args=[r.pk]), {"plan": "已调整", "evidence": [photo_upload(), pdf_upload()]}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == RectificationStatus.ANSWERED and r.answers.get().evidence.count() == 2


@pytest.mark.parametrize(("persona", "status"), [("principal_b", 404), ("supervisor_y", 404), ("supervisor_x", 400)])
def test_others_cannot_answer(world, persona, status) -> None:  # type: ignore[no-untyped-def]
    r = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x)
    response = login(getattr(world, persona)).post(reverse("rectification_answer", args=[r.pk]), {"plan": "x"})
    assert response.status_code == status
    r.refresh_from_db()
    assert r.status == RectificationStatus.OPEN


def test_supervisor_accepts_and_returns_through_the_page(world, answered) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)
    page = client.get(reverse("rectification_detail", args=[answered.pk])).content.decode()
    assert 'value="accept"' in page
    response = client.post(reverse("rectification_review", args=[answered.pk]), {"decision": "return", "note": ""})
    assert response.status_code == 400  # a return needs a reason
    review = reverse("rectification_review", args=[answered.pk])
    response = client.post(review, {"decision": "return", "note": "照片不清"})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == RectificationStatus.RETURNED


@pytest.mark.parametrize(("persona", "status"), [("supervisor_y", 404), ("principal_b", 404), ("principal_a", 400)])
def test_others_cannot_verify(world, answered, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).post(
        reverse("rectification_review", args=[answered.pk]), {"decision": "accept"}
    )
    assert response.status_code == status
    answered.refresh_from_db()
    assert answered.status == RectificationStatus.ANSWERED


def test_principal_never_sees_the_verify_form_nor_supervisor_the_answer_form(world, answered) -> None:  # type: ignore[no-untyped-def]
    principal_page = login(world.principal_a).get(reverse("rectification_detail", args=[answered.pk])).content.decode()
    assert 'value="accept"' not in principal_page
    assert reverse("rectification_answer", args=[answered.pk]) not in principal_page  # answered: nothing to answer
    detail = reverse("rectification_detail", args=[answered.pk])
    supervisor_page = login(world.supervisor_x).get(detail).content.decode()
    assert reverse("rectification_answer", args=[answered.pk]) not in supervisor_page
