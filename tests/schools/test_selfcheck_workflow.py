"""The self-check state machine: every allowed and refused transition, who
may do what, what a submission needs, and the event rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from schools.models import SelfCheck, SelfCheckAction, SelfCheckEvent, SelfCheckRound, SelfCheckStatus
from schools.selfchecks.services import (
    SelfCheckError,
    selfcheck_accept,
    selfcheck_add_evidence,
    selfcheck_remove_evidence,
    selfcheck_return,
    selfcheck_round_create,
    selfcheck_save_draft,
    selfcheck_start,
    selfcheck_submit,
)
from supervision.models import ItemResult
from tests.schools.filing_factories import SelfCheckRoundFactory, checklist_items, jpeg_upload, pdf_upload

pytestmark = pytest.mark.django_db

S = SelfCheckStatus


@pytest.fixture
def round_(world) -> SelfCheckRound:  # type: ignore[no-untyped-def]
    return SelfCheckRoundFactory(schools=[world.school_a, world.school_b])


def answer_all(selfcheck: SelfCheck, by, result: str = ItemResult.COMPLIANT) -> None:  # type: ignore[no-untyped-def]
    items = selfcheck.round.items.all()
    selfcheck_save_draft(selfcheck=selfcheck, answers={i.pk: (result, "已落实") for i in items}, by=by)


def reach(state: str, world, round_: SelfCheckRound) -> SelfCheck:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    answer_all(selfcheck, world.principal_a)
    if state == S.DRAFT:
        return selfcheck
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    if state == S.RETURNED:
        selfcheck_return(selfcheck=selfcheck, by=world.bureau, comment="请补充作业公示材料")
    elif state == S.ACCEPTED:
        selfcheck_accept(selfcheck=selfcheck, by=world.bureau)
    assert selfcheck.status == state
    return selfcheck


ACTIONS = {
    "submit": lambda sc, w: selfcheck_submit(selfcheck=sc, by=w.principal_a),
    "return": lambda sc, w: selfcheck_return(selfcheck=sc, by=w.bureau, comment="请修改"),
    "accept": lambda sc, w: selfcheck_accept(selfcheck=sc, by=w.bureau),
}
ALLOWED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.SUBMITTED, "accept"): S.ACCEPTED,
    (S.RETURNED, "submit"): S.SUBMITTED,
}


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_table(world, round_, state, action) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(state, world, round_)
    events_before = SelfCheckEvent.objects.count()
    if (state, action) in ALLOWED:
        ACTIONS[action](selfcheck, world)
        selfcheck.refresh_from_db()
        assert selfcheck.status == ALLOWED[(state, action)]
        event = SelfCheckEvent.objects.order_by("-pk").first()
        assert (event.from_status, event.to_status) == (state, selfcheck.status)
        assert SelfCheckEvent.objects.count() == events_before + 1
    else:
        with pytest.raises(SelfCheckError):
            ACTIONS[action](selfcheck, world)
        selfcheck.refresh_from_db()
        assert selfcheck.status == state
        assert SelfCheckEvent.objects.count() == events_before


def test_full_history_records_who_when_and_why(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.RETURNED, world, round_)
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    selfcheck_accept(selfcheck=selfcheck, by=world.bureau, comment="材料齐全")
    events = list(selfcheck.events.order_by("at", "pk"))
    assert [e.action for e in events] == [
        SelfCheckAction.SUBMITTED,
        SelfCheckAction.RETURNED,
        SelfCheckAction.RESUBMITTED,
        SelfCheckAction.ACCEPTED,
    ]
    assert [e.by for e in events] == [world.principal_a, world.bureau, world.principal_a, world.bureau]
    assert events[1].comment == "请补充作业公示材料"
    assert events[3].comment == "材料齐全"
    selfcheck.refresh_from_db()
    assert selfcheck.reviewed_by == world.bureau and selfcheck.reviewed_at is not None


def test_return_needs_a_comment(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.SUBMITTED, world, round_)
    with pytest.raises(SelfCheckError):
        selfcheck_return(selfcheck=selfcheck, by=world.bureau, comment="  ")
    assert SelfCheck.objects.get(pk=selfcheck.pk).status == S.SUBMITTED


@pytest.mark.parametrize("persona", ["principal_a", "principal_b", "supervisor_x"])
def test_only_bureau_reviews(world, round_, persona) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.SUBMITTED, world, round_)
    with pytest.raises(SelfCheckError):
        selfcheck_accept(selfcheck=selfcheck, by=getattr(world, persona))
    with pytest.raises(SelfCheckError):
        selfcheck_return(selfcheck=selfcheck, by=getattr(world, persona), comment="x")


@pytest.mark.parametrize("persona", ["bureau", "principal_b", "supervisor_x"])
def test_only_the_school_fills_and_submits(world, round_, persona) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.DRAFT, world, round_)
    outsider = getattr(world, persona)
    with pytest.raises(SelfCheckError):
        selfcheck_submit(selfcheck=selfcheck, by=outsider)
    with pytest.raises(SelfCheckError):
        answer_all(selfcheck, outsider)
    with pytest.raises(SelfCheckError):
        selfcheck_add_evidence(selfcheck=selfcheck, item=round_.items.first(), upload=pdf_upload(), by=outsider)
    with pytest.raises(SelfCheckError):
        selfcheck_start(round=round_, school=world.school_a, by=outsider)


@pytest.mark.parametrize("state", [S.SUBMITTED, S.ACCEPTED])
def test_answers_and_evidence_are_locked_after_submission(world, round_, state) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.DRAFT, world, round_)
    item = round_.items.order_by("order").first()
    evidence = selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=jpeg_upload(), by=world.principal_a)
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    if state == S.ACCEPTED:
        selfcheck_accept(selfcheck=selfcheck, by=world.bureau)
    with pytest.raises(SelfCheckError):
        answer_all(selfcheck, world.principal_a, result=ItemResult.NON_COMPLIANT)
    with pytest.raises(SelfCheckError):
        selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=pdf_upload(), by=world.principal_a)
    with pytest.raises(SelfCheckError):
        selfcheck_remove_evidence(evidence=evidence, by=world.principal_a)
    assert set(selfcheck.results.values_list("result", flat=True)) == {ItemResult.COMPLIANT}
    assert selfcheck.results.get(item=item).evidence.count() == 1


def test_returned_selfcheck_can_be_revised(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.RETURNED, world, round_)
    item = round_.items.order_by("order").first()
    selfcheck_save_draft(
        selfcheck=selfcheck, answers={item.pk: (ItemResult.MOSTLY, "个别班级作业超时，已整改")}, by=world.principal_a
    )
    selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=pdf_upload(), by=world.principal_a)
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    assert selfcheck.status == S.SUBMITTED
    assert selfcheck.results.get(item=item).result == ItemResult.MOSTLY


def test_submission_needs_every_item_answered(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    first = round_.items.order_by("order").first()
    selfcheck_save_draft(selfcheck=selfcheck, answers={first.pk: (ItemResult.COMPLIANT, "")}, by=world.principal_a)
    with pytest.raises(SelfCheckError) as excinfo:
        selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    assert len(excinfo.value.messages) == round_.items.count() - 1
    assert SelfCheck.objects.get(pk=selfcheck.pk).status == S.DRAFT


@pytest.mark.parametrize(
    ("result", "needs_explanation"),
    [
        (ItemResult.COMPLIANT, False),
        (ItemResult.MOSTLY, True),
        (ItemResult.NON_COMPLIANT, True),
        (ItemResult.NOT_APPLICABLE, True),
    ],
)
def test_results_short_of_compliant_need_an_explanation(world, round_, result, needs_explanation) -> None:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    selfcheck_save_draft(
        selfcheck=selfcheck, answers={i.pk: (result, "") for i in round_.items.all()}, by=world.principal_a
    )
    if needs_explanation:
        with pytest.raises(SelfCheckError):
            selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    else:
        assert selfcheck_submit(selfcheck=selfcheck, by=world.principal_a).status == S.SUBMITTED


def test_answers_outside_the_round_are_refused(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    outside = checklist_items(10)[-1]
    assert not round_.items.filter(pk=outside.pk).exists()
    with pytest.raises(SelfCheckError):
        selfcheck_save_draft(selfcheck=selfcheck, answers={outside.pk: ("compliant", "")}, by=world.principal_a)
    with pytest.raises(SelfCheckError):
        selfcheck_add_evidence(selfcheck=selfcheck, item=outside, upload=pdf_upload(), by=world.principal_a)
    with pytest.raises(SelfCheckError):
        item = round_.items.first()
        selfcheck_save_draft(selfcheck=selfcheck, answers={item.pk: ("excellent", "")}, by=world.principal_a)


def test_cannot_start_before_the_round_opens_or_outside_it(world) -> None:  # type: ignore[no-untyped-def]
    later = SelfCheckRoundFactory(
        schools=[world.school_a],
        opens_on=timezone.localdate() + datetime.timedelta(days=1),
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    with pytest.raises(SelfCheckError):
        selfcheck_start(round=later, school=world.school_a, by=world.principal_a)
    with pytest.raises(SelfCheckError):
        selfcheck_start(round=later, school=world.school_b, by=world.principal_b)
    assert not SelfCheck.objects.exists()


def test_item_wording_is_kept_as_answered(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = reach(S.ACCEPTED, world, round_)
    item = round_.items.order_by("order").first()
    old_title = item.title
    item.title = "改写后的督导事项"
    item.save()
    row = selfcheck.results.get(item=item)
    assert (row.item_code, row.item_title) == (item.code, old_title)


def test_evidence_per_item_is_capped(world, round_, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SELFCHECK_EVIDENCE_MAX_FILES = 2
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    item = round_.items.first()
    for _ in range(2):
        selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=jpeg_upload(), by=world.principal_a)
    with pytest.raises(SelfCheckError):
        selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=jpeg_upload(), by=world.principal_a)


def test_evidence_image_loses_its_gps(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    upload = jpeg_upload("IMG_0001.jpg", with_gps=True)
    item = round_.items.first()
    evidence = selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=upload, by=world.principal_a)
    assert evidence.content_type == "image/jpeg" and evidence.original_name == "IMG_0001.jpg"
    assert "IMG_0001" not in evidence.file.name
    assert b"TestCam" not in evidence.file.read()


def test_round_creation_checks_its_inputs(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    common = {
        "title": "十一月自查",
        "period_kind": "month",
        "month": today,
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=5),
        "items": checklist_items(2),
        "schools": [world.school_a],
    }
    created = selfcheck_round_create(**common, by=world.bureau)
    assert created.month == today.replace(day=1) and created.semester is None
    assert set(created.schools.all()) == {world.school_a}
    with pytest.raises(SelfCheckError):
        selfcheck_round_create(**common, by=world.principal_a)
    with pytest.raises(SelfCheckError):
        selfcheck_round_create(**{**common, "items": []}, by=world.bureau)
    with pytest.raises(SelfCheckError):
        selfcheck_round_create(**{**common, "schools": []}, by=world.bureau)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        selfcheck_round_create(**{**common, "closes_on": today - datetime.timedelta(days=1)}, by=world.bureau)
    with pytest.raises(ValidationError):
        selfcheck_round_create(**{**common, "period_kind": "semester"}, by=world.bureau)


def test_semester_round(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import SemesterFactory

    semester = SemesterFactory()
    today = timezone.localdate()
    created = selfcheck_round_create(
        title="学期自查",
        period_kind="semester",
        semester=semester,
        month=today,  # ignored for a semester round
        opens_on=today,
        closes_on=today,
        items=checklist_items(1),
        schools=[world.school_a],
        by=world.bureau,
    )
    assert created.semester == semester and created.month is None
    assert created.period_label == str(semester)
