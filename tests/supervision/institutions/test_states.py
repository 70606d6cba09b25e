"""The institution status state machine: each allowed transition writes its
event; forbidden ones are refused with a Chinese message and change
nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from supervision.institutions import services
from supervision.models import InstitutionEvent, InstitutionKind, InstitutionStatus, ListKind
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db
St = InstitutionStatus


def test_allowed_path_records_who_when_why(world) -> None:  # type: ignore[no-untyped-def]
    i = make_institution(world.bureau)
    assert i.status == St.REGISTERED
    services.institution_start_review(institution=i, by=world.bureau, reason="专项治理")
    services.institution_order_rectification(institution=i, by=world.bureau, reason="消防不合格")
    services.institution_confirm(institution=i, by=world.bureau, reason="整改到位")
    services.institution_convert(institution=i, by=world.bureau, new_kind=InstitutionKind.SPORTS, reason="转型")
    i.refresh_from_db()
    assert (i.status, i.kind) == (St.CONVERTED, InstitutionKind.SPORTS)
    steps = list(InstitutionEvent.objects.filter(institution=i).values_list("from_status", "to_status", "reason"))
    assert steps == [
        ("", St.REGISTERED, steps[0][2]),
        (St.REGISTERED, St.UNDER_REVIEW, "专项治理"),
        (St.UNDER_REVIEW, St.RECTIFYING, "消防不合格"),
        (St.RECTIFYING, St.REGISTERED, "整改到位"),
        (St.REGISTERED, St.CONVERTED, "转型"),
    ]
    assert all(e.by_id == world.bureau.pk for e in InstitutionEvent.objects.filter(institution=i))


def test_cancelled_is_final_and_forbidden_steps_say_why_in_chinese(world) -> None:  # type: ignore[no-untyped-def]
    i = make_institution(world.bureau)
    entry = services.list_entry_add(institution=i, kind=ListKind.WHITE, by=world.bureau)
    services.institution_cancel(institution=i, by=world.bureau, reason="不符合设置标准")
    entry.refresh_from_db()
    assert entry.removed_on is not None  # off the white list the same day
    events = InstitutionEvent.objects.filter(institution=i).count()
    for step in (services.institution_start_review, services.institution_confirm, services.institution_cancel):
        with translation.override("zh-hans"), pytest.raises(services.InstitutionError) as caught:
            step(institution=i, by=world.bureau, reason="再试")
        assert "不能" in caught.value.messages[0] or "无法" in caught.value.messages[0]
    i.refresh_from_db()
    assert i.status == St.CANCELLED
    assert InstitutionEvent.objects.filter(institution=i).count() == events


def test_conversion_only_of_subject_training_and_reasons_required(world) -> None:  # type: ignore[no-untyped-def]
    sports = make_institution(world.bureau, kind=InstitutionKind.SPORTS)
    with pytest.raises(services.InstitutionError):
        services.institution_convert(institution=sports, by=world.bureau, new_kind=InstitutionKind.ARTS, reason="x")
    subject = make_institution(world.bureau)
    with pytest.raises(services.InstitutionError):
        services.institution_convert(institution=subject, by=world.bureau, new_kind=InstitutionKind.SUBJECT, reason="x")
    with pytest.raises(services.InstitutionError):
        services.institution_cancel(institution=subject, by=world.bureau, reason="  ")
    with pytest.raises(services.InstitutionError):
        services.institution_order_rectification(institution=subject, by=world.bureau, reason="")
    subject.refresh_from_db()
    assert subject.status == St.REGISTERED


def test_only_bureau_staff_change_a_status(world) -> None:  # type: ignore[no-untyped-def]
    i = make_institution(world.bureau)
    for user in (world.principal_a, world.supervisor_x):
        with pytest.raises(services.InstitutionError):
            services.institution_start_review(institution=i, by=user)
    i.refresh_from_db()
    assert i.status == St.REGISTERED


def test_every_pair_follows_the_table(world) -> None:  # type: ignore[no-untyped-def]
    """Walk each status to each other one: allowed exactly when the table says so."""
    reach = {
        St.REGISTERED: [],
        St.UNDER_REVIEW: [services.institution_start_review],
        St.RECTIFYING: [services.institution_order_rectification],
        St.CONVERTED: [],
        St.CANCELLED: [services.institution_cancel],
    }
    targets = {
        St.UNDER_REVIEW: services.institution_start_review,
        St.RECTIFYING: services.institution_order_rectification,
        St.REGISTERED: services.institution_confirm,
        St.CANCELLED: services.institution_cancel,
    }
    for start, path in reach.items():
        for target, step in targets.items():
            i = make_institution(world.bureau)
            if start == St.CONVERTED:
                services.institution_convert(institution=i, by=world.bureau, new_kind="arts", reason="转型")
            for move in path:
                move(institution=i, by=world.bureau, reason="准备")
            allowed = target in services.TRANSITIONS[start]
            if allowed:
                step(institution=i, by=world.bureau, reason="变更")
                i.refresh_from_db()
                assert i.status == target
            else:
                with pytest.raises(services.InstitutionError):
                    step(institution=i, by=world.bureau, reason="变更")
                i.refresh_from_db()
                assert i.status == start
