"""The rectification state machine: every allowed and every refused
transition, who may make it, and the event row each one writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from supervision.errors import SupervisionError
from supervision.models import ItemResult, Rectification, RectificationAction, RectificationStatus
from supervision.rectifications.services import (
    rectification_accept,
    rectification_answer,
    rectification_raise,
    rectification_return,
)
from tests.supervision.factories import (
    RectificationFactory,
    VisitFactory,
    VisitItemResultFactory,
    pdf_upload,
    photo_upload,
)

pytestmark = pytest.mark.django_db

S = RectificationStatus
IN_TWO_WEEKS = timezone.localdate() + datetime.timedelta(days=14)


def demand(world, status: str = S.OPEN) -> Rectification:  # type: ignore[no-untyped-def]
    kwargs = {}
    if status == S.ACCEPTED:
        kwargs = {"closed_at": timezone.now(), "closed_by": world.supervisor_x}
    return RectificationFactory(school=world.school_a, raised_by=world.supervisor_x, status=status, **kwargs)


def answer(world, r):  # type: ignore[no-untyped-def]
    return rectification_answer(rectification=r, by=world.principal_a, plan="已调整作业统筹，每周公示。")


def accept(world, r):  # type: ignore[no-untyped-def]
    return rectification_accept(rectification=r, by=world.supervisor_x, note="现场核实已整改")


def return_(world, r):  # type: ignore[no-untyped-def]
    return rectification_return(rectification=r, by=world.supervisor_x, reason="佐证不足")


TRANSITIONS = {"answer": answer, "accept": accept, "return": return_}
ALLOWED = {
    (S.OPEN, "answer"): S.ANSWERED,
    (S.RETURNED, "answer"): S.ANSWERED,
    (S.ANSWERED, "accept"): S.ACCEPTED,
    (S.ANSWERED, "return"): S.RETURNED,
}
ACTION = {
    "answer": RectificationAction.ANSWERED,
    "accept": RectificationAction.ACCEPTED,
    "return": RectificationAction.RETURNED,
}


@pytest.mark.parametrize(("start", "transition"), sorted((s, t) for s in S.values for t in TRANSITIONS))
def test_every_transition_from_every_state(world, start, transition) -> None:  # type: ignore[no-untyped-def]
    r = demand(world, start)
    expected = ALLOWED.get((start, transition))
    if expected is None:
        with pytest.raises(SupervisionError):
            TRANSITIONS[transition](world, r)
        r.refresh_from_db()
        assert r.status == start
        assert not r.events.exists()
        return
    TRANSITIONS[transition](world, r)
    r.refresh_from_db()
    assert r.status == expected
    event = r.events.get()
    assert (event.action, event.from_status, event.to_status) == (ACTION[transition], start, expected)
    assert event.by in (world.principal_a, world.supervisor_x)
    assert (r.closed_at is not None) == (expected == S.ACCEPTED)


def test_full_loop_with_a_return(world) -> None:  # type: ignore[no-untyped-def]
    r = rectification_raise(
        school=world.school_a,
        title="课后服务时长不足",
        description="课后服务每天不足2小时。",
        deadline=IN_TWO_WEEKS,
        by=world.supervisor_x,
    )
    answer(world, r)
    return_(world, r)
    answer(world, r)
    accept(world, r)
    r.refresh_from_db()
    assert r.status == S.ACCEPTED and r.closed_by == world.supervisor_x
    assert [e.action for e in r.events.all()] == ["raised", "answered", "returned", "answered", "accepted"]
    assert r.events.get(action="returned").note == "佐证不足"
    assert r.answers.count() == 2


@pytest.mark.parametrize("who", ["principal_b", "supervisor_x", "supervisor_y", "bureau"])
def test_only_the_schools_principal_answers(world, who) -> None:  # type: ignore[no-untyped-def]
    r = demand(world)
    with pytest.raises(SupervisionError):
        rectification_answer(rectification=r, by=getattr(world, who), plan="计划")
    r.refresh_from_db()
    assert r.status == S.OPEN


@pytest.mark.parametrize("who", ["principal_a", "supervisor_y", "bureau"])
def test_only_a_responsible_supervisor_accepts_or_returns(world, who) -> None:  # type: ignore[no-untyped-def]
    r = demand(world, S.ANSWERED)
    with pytest.raises(SupervisionError):
        rectification_accept(rectification=r, by=getattr(world, who))
    with pytest.raises(SupervisionError):
        rectification_return(rectification=r, by=getattr(world, who), reason="不行")
    r.refresh_from_db()
    assert r.status == S.ANSWERED


def test_supervisor_who_left_the_district_no_longer_verifies(world) -> None:  # type: ignore[no-untyped-def]
    r = demand(world, S.ANSWERED)
    assignment = world.supervisor_x.supervisor_profile.assignments.get()
    assignment.end_date = timezone.localdate() - datetime.timedelta(days=1)
    assignment.save()
    with pytest.raises(SupervisionError):
        accept(world, r)


def test_return_needs_a_reason_and_answer_needs_a_plan(world) -> None:  # type: ignore[no-untyped-def]
    r = demand(world, S.ANSWERED)
    with pytest.raises(SupervisionError):
        rectification_return(rectification=r, by=world.supervisor_x, reason="  ")
    r = demand(world)
    with pytest.raises(SupervisionError):
        rectification_answer(rectification=r, by=world.principal_a, plan="")


def test_answer_keeps_evidence_images_stripped_and_pdfs(world) -> None:  # type: ignore[no-untyped-def]
    from tests.supervision.factories import has_gps

    r = demand(world)
    a = rectification_answer(
        rectification=r, by=world.principal_a, plan="已整改", evidence=[photo_upload(gps=True), pdf_upload()]
    )
    kinds = sorted(e.kind for e in a.evidence.all())
    assert kinds == ["image", "pdf"]
    image = a.evidence.get(kind="image")
    assert not has_gps(image.file.read()) and image.file.name.endswith(".jpg")
    assert a.evidence.get(kind="pdf").file.name.endswith(".pdf")


def test_answer_refuses_other_files(world) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = demand(world)
    with pytest.raises(SupervisionError):
        rectification_answer(
            rectification=r,
            by=world.principal_a,
            plan="已整改",
            evidence=[SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")],
        )
    r.refresh_from_db()
    assert r.status == S.OPEN and not r.answers.exists()


def test_raise_for_a_complaint_without_a_visit(world, mailoutbox, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    world.principal_a.email = "a@example.cn"
    world.principal_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        r = rectification_raise(
            school=world.school_a,
            title="教师有偿补课",
            description="经核查属实，立即停止并退费。",
            deadline=IN_TWO_WEEKS,
            by=world.bureau,
            source_note="投诉 2026-0012",
        )
    assert r.visit is None and r.visit_item is None and r.source_note == "投诉 2026-0012"
    assert r.events.get().action == RectificationAction.RAISED
    assert len(mailoutbox) == 1 and "教师有偿补课" in mailoutbox[0].body


def test_raise_refuses_past_deadline_outsider_and_compliant_item(world) -> None:  # type: ignore[no-untyped-def]
    base = {"school": world.school_a, "title": "t", "description": "d", "by": world.supervisor_x}
    with pytest.raises(SupervisionError):
        rectification_raise(**base, deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(SupervisionError):
        rectification_raise(**{**base, "by": world.supervisor_y}, deadline=IN_TWO_WEEKS)
    with pytest.raises(SupervisionError):
        rectification_raise(**{**base, "by": world.principal_a}, deadline=IN_TWO_WEEKS)
    visit = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    compliant = VisitItemResultFactory(visit=visit, result=ItemResult.COMPLIANT)
    with pytest.raises(SupervisionError):
        rectification_raise(**base, deadline=IN_TWO_WEEKS, visit_item=compliant)
    assert not Rectification.objects.exists()


def test_one_demand_per_visit_item_and_item_of_same_school(world) -> None:  # type: ignore[no-untyped-def]
    visit = VisitFactory(school=world.school_a, submitted_by=world.supervisor_x)
    bad = VisitItemResultFactory(visit=visit, result=ItemResult.NON_COMPLIANT)
    base = {"title": "t", "description": "d", "by": world.supervisor_x, "deadline": IN_TWO_WEEKS}
    r = rectification_raise(school=world.school_a, visit_item=bad, **base)
    assert r.visit == visit
    with pytest.raises(SupervisionError):
        rectification_raise(school=world.school_a, visit_item=bad, **base)
    with pytest.raises(SupervisionError):
        rectification_raise(school=world.school_b, visit_item=bad, **{**base, "by": world.bureau})


def test_overdue_is_derived_from_deadline_until_accepted(world) -> None:  # type: ignore[no-untyped-def]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = RectificationFactory(school=world.school_a, deadline=yesterday, status=S.ANSWERED)
    done = RectificationFactory(school=world.school_a, deadline=yesterday, status=S.ACCEPTED, closed_at=timezone.now())
    on_time = RectificationFactory(school=world.school_a)
    assert late.is_overdue and not done.is_overdue and not on_time.is_overdue
    assert list(Rectification.objects.overdue()) == [late]


def test_database_refuses_closed_date_without_acceptance(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        RectificationFactory(school=world.school_a, status=S.OPEN, closed_at=timezone.now())
