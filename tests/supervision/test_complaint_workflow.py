"""The complaint state machine: every transition from every status, allowed
or refused, with who, when and why recorded."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from jianfu.roles import SECTION_DISCIPLINE
from supervision.complaints import services
from supervision.complaints.services import ComplaintError
from supervision.models import (
    ComplainantIdentityView,
    ComplaintCase,
    ComplaintEvent,
    ComplaintStatus,
)
from supervision.workdays.calendar import add_working_days
from tests.supervision.complaint_factories import case_in_status, file_case

pytestmark = pytest.mark.django_db

S = ComplaintStatus
ALL = list(S)


def _assign_school(case: ComplaintCase, by: Any) -> Any:
    return services.complaint_assign(case=case, by=by, kind="school", school_summary="请核查周六补课情况。")


def _conclude(case: ComplaintCase, by: Any) -> Any:
    return services.complaint_conclude(
        case=case,
        by=by,
        outcome="substantiated",
        liability="school",
        measures="责令学校立即停止补课",
        conclusion="情况属实",
    )


# action -> (call, statuses it is allowed from, status it leads to or None for "same")
TRANSITIONS: dict[str, tuple[Callable[[ComplaintCase, Any], Any], set[str], str | None]] = {
    "accept": (lambda c, by: services.complaint_accept(case=c, by=by), {S.RECEIVED}, S.ACCEPTED),
    "decline": (
        lambda c, by: services.complaint_decline(case=c, by=by, reason="不属于受理范围"),
        {S.RECEIVED},
        S.NOT_ACCEPTED,
    ),
    "assign": (_assign_school, {S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING}, S.ASSIGNED),
    "investigate": (lambda c, by: services.complaint_start_investigation(case=c, by=by), {S.ASSIGNED}, S.INVESTIGATING),
    "findings": (
        lambda c, by: services.complaint_submit_findings(case=c, by=by, findings="查实周六补课"),
        {S.INVESTIGATING},
        None,
    ),
    "conclude": (_conclude, {S.INVESTIGATING}, S.CONCLUDED),
    "reply": (lambda c, by: services.complaint_reply(case=c, by=by, reply="已整改"), {S.CONCLUDED}, S.REPLIED),
    "close": (lambda c, by: services.complaint_close(case=c, by=by), {S.REPLIED, S.NOT_ACCEPTED}, S.CLOSED),
    "reopen": (
        lambda c, by: services.complaint_reopen(case=c, by=by, reason="投诉人不认可答复"),
        {S.REPLIED, S.CLOSED, S.NOT_ACCEPTED},
        "reopened",
    ),
}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_transition_allowed_only_from_its_statuses(world, status, action) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(status, school=world.school_a, by=world.bureau)
    call, allowed, target = TRANSITIONS[action]
    events_before = case.events.count()
    if status in allowed:
        call(case, world.bureau)
        case.refresh_from_db()
        if target == "reopened":
            was_accepted = status != S.NOT_ACCEPTED
            assert case.status == (S.ACCEPTED if was_accepted else S.RECEIVED)
        else:
            assert case.status == (target or status)
        event = case.events.order_by("-pk").first()
        assert case.events.count() == events_before + 1
        assert event.by == world.bureau and event.from_status == status and event.to_status == case.status
        assert abs((timezone.now() - event.at).total_seconds()) < 60
    else:
        with pytest.raises(ComplaintError):
            call(case, world.bureau)
        case.refresh_from_db()
        assert case.status == status
        assert case.events.count() == events_before


def test_reason_is_recorded_for_decline_and_reopen(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.NOT_ACCEPTED, school=world.school_a, by=world.bureau)
    assert case.not_accepted_reason == "不属于减负督导受理范围"
    assert case.events.get(action="not_accepted").note == "不属于减负督导受理范围"
    services.complaint_reopen(case=case, by=world.bureau, reason="投诉人补充了新线索")
    note = case.events.get(action="reopened").note
    assert "投诉人补充了新线索" in note and "不属于减负督导受理范围" in note
    assert case.not_accepted_reason == "" and case.reopen_count == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda c, by: services.complaint_decline(case=c, by=by, reason="  "),
        lambda c, by: services.complaint_reopen(case=c, by=by, reason=""),
    ],
)
def test_reasons_are_required(world, call) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.RECEIVED, school=world.school_a, by=world.bureau)
    with pytest.raises(ComplaintError):
        call(case, world.bureau)


def test_reopen_after_reply_keeps_old_answer_in_history_and_restarts_clock(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.REPLIED, school=world.school_a, by=world.bureau)
    services.complaint_reopen(case=case, by=world.bureau, reason="投诉人称补课仍在继续")
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.reply == "" and case.outcome == "" and case.assignee_kind == ""
    note = case.events.get(action="reopened").note
    assert "已责令整改" in note
    assert case.conclude_due == add_working_days(timezone.localdate(), 13)


def test_staff_only_transitions_refuse_other_roles(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.RECEIVED, school=world.school_a, by=world.bureau)
    for user in (world.principal_a, world.supervisor_x):
        with pytest.raises(ComplaintError):
            services.complaint_accept(case=case, by=user)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_assignee_school_investigates_and_submits_findings(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.ASSIGNED, school=world.school_a, by=world.bureau)
    with pytest.raises(ComplaintError):
        services.complaint_start_investigation(case=case, by=world.principal_b)
    services.complaint_start_investigation(case=case, by=world.principal_a)
    services.complaint_submit_findings(case=case, by=world.principal_a, findings="经自查，确有一次周六补课。")
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING and case.findings.startswith("经自查")
    assert case.events.filter(action="findings_submitted", by=world.principal_a).exists()
    with pytest.raises(ComplaintError):
        services.complaint_conclude(
            case=case, by=world.principal_a, outcome="not_substantiated", liability="none", conclusion="无"
        )


def test_assigned_supervisor_investigates_other_supervisor_cannot(world) -> None:  # type: ignore[no-untyped-def]
    sup_x = world.supervisor_x.supervisor_profile
    case = case_in_status(S.ASSIGNED, school=world.school_a, by=world.bureau, assign_to="supervisor", supervisor=sup_x)
    with pytest.raises(ComplaintError):
        services.complaint_start_investigation(case=case, by=world.supervisor_y)
    services.complaint_start_investigation(case=case, by=world.supervisor_x)
    assert case.status == S.INVESTIGATING


def test_assign_to_section_and_validation(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.ACCEPTED, school=world.school_a, by=world.bureau)
    with pytest.raises(ComplaintError):
        services.complaint_assign(case=case, by=world.bureau, kind="section", section=Group.objects.create(name="食堂"))
    with pytest.raises(ComplaintError):
        services.complaint_assign(case=case, by=world.bureau, kind="school", school_summary=" ")
    with pytest.raises(ComplaintError):
        services.complaint_assign(case=case, by=world.bureau, kind="supervisor", supervisor=None)
    section = Group.objects.get(name=SECTION_DISCIPLINE)
    services.complaint_assign(case=case, by=world.bureau, kind="section", section=section, note="请监察室核查")
    case.refresh_from_db()
    assert (case.assignee_kind, case.assigned_section, case.assigned_supervisor) == ("section", section, None)
    # Reassigning to a supervisor clears the section.
    sup = world.supervisor_x.supervisor_profile
    services.complaint_assign(case=case, by=world.bureau, kind="supervisor", supervisor=sup)
    case.refresh_from_db()
    assert (case.assignee_kind, case.assigned_section, case.assigned_supervisor) == ("supervisor", None, sup)


def test_assignment_emails_the_assignee_once(world, django_capture_on_commit_callbacks, eager_tasks) -> None:  # type: ignore[no-untyped-def]
    world.principal_a.email = "principal@a.example"
    world.principal_a.save()
    case = case_in_status(S.ACCEPTED, school=world.school_a, by=world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        _assign_school(case, world.bureau)
    assert [m.to for m in mail.outbox] == [["principal@a.example"]]
    assert case.number in mail.outbox[0].subject
    from supervision.complaints.tasks import complaint_notify_assignment

    event = case.events.get(action="assigned")
    assert complaint_notify_assignment(event.pk) is False  # safe to run twice
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("outcome", "liability", "measures", "person"),
    [
        ("substantiated", "none", "整改", ""),  # substantiated needs someone liable
        ("substantiated", "school", "", ""),  # ...and measures
        ("not_substantiated", "school", "", ""),  # not substantiated makes nobody liable
        ("partly", "individual", "整改", ""),  # an individual needs naming
        ("bogus", "none", "", ""),
    ],
)
def test_conclusion_rules(world, outcome, liability, measures, person) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.INVESTIGATING, school=world.school_a, by=world.bureau)
    with pytest.raises(ComplaintError):
        services.complaint_conclude(
            case=case,
            by=world.bureau,
            outcome=outcome,
            liability=liability,
            measures=measures,
            liable_person=person,
            conclusion="结论",
        )
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING


def test_extension_once_with_reason_at_most_thirty_days_to_a_working_day(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.ASSIGNED, school=world.school_a, by=world.bureau)
    due = case.conclude_due
    with pytest.raises(ComplaintError):
        services.complaint_extend(case=case, by=world.bureau, new_due=due + datetime.timedelta(days=7), reason="")
    with pytest.raises(ComplaintError):
        services.complaint_extend(case=case, by=world.bureau, new_due=due + datetime.timedelta(days=31), reason="复杂")
    with pytest.raises(ComplaintError):
        services.complaint_extend(case=case, by=world.bureau, new_due=due, reason="复杂")
    new_due = add_working_days(due, 10)
    services.complaint_extend(case=case, by=world.bureau, new_due=new_due, reason="涉及多名教师，需延期核查")
    case.refresh_from_db()
    assert case.conclude_due == new_due and case.extension_reason
    assert case.events.filter(action="extended", by=world.bureau).exists()
    with pytest.raises(ComplaintError):
        services.complaint_extend(case=case, by=world.bureau, new_due=add_working_days(new_due, 1), reason="再延一次")


def test_extension_refused_onto_a_holiday(world) -> None:  # type: ignore[no-untyped-def]
    received = timezone.make_aware(datetime.datetime(2026, 9, 10, 9, 0))
    case = file_case(school=world.school_a, by=world.bureau, received_at=received).case
    services.complaint_accept(case=case, by=world.bureau)
    assert case.conclude_due is not None and case.conclude_due < datetime.date(2026, 10, 1)
    with pytest.raises(ComplaintError):
        services.complaint_extend(case=case, by=world.bureau, new_due=datetime.date(2026, 10, 2), reason="复杂")


def test_extension_not_allowed_before_acceptance_or_after_reply(world) -> None:  # type: ignore[no-untyped-def]
    for status in (S.RECEIVED, S.REPLIED, S.CLOSED, S.NOT_ACCEPTED):
        case = case_in_status(status, school=world.school_a, by=world.bureau)
        with pytest.raises(ComplaintError):
            services.complaint_extend(
                case=case, by=world.bureau, new_due=add_working_days(case.conclude_due, 2), reason="复杂"
            )


def test_duplicates_link_to_the_first_case_of_the_same_school(world) -> None:  # type: ignore[no-untyped-def]
    first = file_case(school=world.school_a, by=world.bureau).case
    second = file_case(school=world.school_a, by=world.bureau).case
    third = file_case(school=world.school_a, by=world.bureau).case
    other_school = file_case(school=world.school_b, by=world.bureau).case
    services.complaint_link_duplicate(case=second, original=first, by=world.bureau)
    services.complaint_link_duplicate(case=third, original=second, by=world.bureau)
    third.refresh_from_db()
    assert third.duplicate_of == first
    with pytest.raises(ComplaintError):
        services.complaint_link_duplicate(case=other_school, original=first, by=world.bureau)
    with pytest.raises(ComplaintError):
        services.complaint_link_duplicate(case=first, original=first, by=world.bureau)
    with pytest.raises(ComplaintError):
        services.complaint_link_duplicate(case=first, original=second, by=world.bureau)
    from supervision.complaints.selectors import complaint_get_visible

    assert complaint_get_visible(user=world.bureau, pk=first.pk).same_matter_count == 3
    assert complaint_get_visible(user=world.bureau, pk=third.pk).same_matter_count == 3
    assert complaint_get_visible(user=world.bureau, pk=other_school.pk).same_matter_count == 1
    assert complaint_get_visible(user=world.bureau, pk=first.pk).school_recent_count == 3


def test_reveal_identity_needs_permission_and_is_recorded(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau).case
    with pytest.raises(ComplaintError):
        services.complaint_reveal_identity(case=case, by=world.bureau)
    assert ComplainantIdentityView.objects.count() == 0
    world.bureau.user_permissions.add(Permission.objects.get(codename="unmask_complainant"))
    from jianfu.models import User

    bureau = User.objects.get(pk=world.bureau.pk)  # fresh permission cache
    identity = services.complaint_reveal_identity(case=case, by=bureau, reason="回访投诉人")
    assert (identity.name, identity.phone) == ("张秘密", "13812345678")
    log = ComplainantIdentityView.objects.get()
    assert (log.case, log.by, log.reason) == (case, bureau, "回访投诉人")
    # A principal never, whatever permission an admin gives by mistake.
    world.principal_a.user_permissions.add(Permission.objects.get(codename="unmask_complainant"))
    principal = User.objects.get(pk=world.principal_a.pk)
    with pytest.raises(ComplaintError):
        services.complaint_reveal_identity(case=case, by=principal)


def test_section_groups_do_not_get_the_unmask_permission(world) -> None:  # type: ignore[no-untyped-def]
    for group in Group.objects.all():
        assert not group.permissions.filter(codename="unmask_complainant").exists()
    assert not world.bureau.has_perm(services.UNMASK_PERMISSION)


def test_events_record_who_when_why_for_a_full_run(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.CLOSED, school=world.school_a, by=world.bureau)
    actions = list(ComplaintEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["received", "accepted", "assigned", "investigation_started", "concluded", "replied", "closed"]
    statuses = list(case.events.values_list("from_status", "to_status"))
    assert statuses[1:] == [
        ("received", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "investigating"),
        ("investigating", "concluded"),
        ("concluded", "replied"),
        ("replied", "closed"),
    ]


def test_reply_templates_fill_placeholders_without_format_strings(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau).case
    text = services.complaint_reply_template_text(
        template_body="{school}（{case_number}）{case_number.__class__}", case=case
    )
    assert text == f"{world.school_a.name}（{case.number}）" + "{case_number.__class__}"


def test_substantiated_case_raises_rectification_on_school(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status(S.REPLIED, school=world.school_a, by=world.bureau)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    rectification = services.complaint_raise_rectification(case=case, by=world.bureau, deadline=deadline)
    assert rectification.school == world.school_a
    assert case.number in rectification.source_note
    assert "张秘密" not in rectification.description and "13812345678" not in rectification.description
    case.refresh_from_db()
    assert case.rectification_raised_at is not None
    assert case.events.filter(action="rectification_raised").exists()
    # The demand enters the same loop as a visit's: the school sees it and answers it.
    from supervision.rectifications.selectors import rectifications_visible_to

    assert list(rectifications_visible_to(user=world.principal_a)) == [rectification]
    assert rectification.status == "open" and rectification.visit_id is None


def test_rectification_refused_for_unsubstantiated_or_open_case(world) -> None:  # type: ignore[no-untyped-def]
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    not_sub = case_in_status(S.REPLIED, school=world.school_a, by=world.bureau, outcome="not_substantiated")
    open_case = case_in_status(S.INVESTIGATING, school=world.school_a, by=world.bureau)
    for case in (not_sub, open_case):
        with pytest.raises(ComplaintError):
            services.complaint_raise_rectification(case=case, by=world.bureau, deadline=deadline)
    assert not ComplaintEvent.objects.filter(action="rectification_raised").exists()
