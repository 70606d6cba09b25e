"""E-mails about complaint cases. None of them ever contains the
complainant's name, phone, words or recording: an assignee is told the case
number, the school, the category and where to look; a school only the
summary written for it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation

from jianfu.mailer import mail_send
from jianfu.outbox import NoticeKind, daily_once, outbox_register
from jianfu.roles import Role
from supervision.complaints.selectors import complaint_deadlines, complaints_assigned_to

from ..models import AssigneeKind, ComplaintEvent, ComplaintEventAction


def _send(subject: str, template: str, context: dict[str, Any], recipients: list[str]) -> None:
    mail_send(subject=subject, recipients=recipients, template=template, context=context)


def assignment_recipients(event: ComplaintEvent) -> list[str]:
    case = event.case
    User = get_user_model()
    users = User.objects.none()
    if case.assignee_kind == AssigneeKind.SUPERVISOR and case.assigned_supervisor is not None:
        if case.assigned_supervisor.user_id is None:
            return []
        users = User.objects.filter(pk=case.assigned_supervisor.user_id)
    elif case.assignee_kind == AssigneeKind.SECTION and case.assigned_section_id is not None:
        users = User.objects.filter(groups=case.assigned_section_id, role=Role.BUREAU)
    elif case.assignee_kind == AssigneeKind.SCHOOL and case.school_id is not None:
        users = User.objects.filter(role=Role.PRINCIPAL, school_id=case.school_id)
    return sorted({u.email for u in users.filter(is_active=True).exclude(email="")})


def complaint_send_assignment_notice(*, event_id: int) -> bool:
    """Tell the assignee of an assignment event, once: the event is claimed
    with a conditional update, so a second run sends nothing."""
    claimed = ComplaintEvent.objects.filter(
        pk=event_id, action=ComplaintEventAction.ASSIGNED, notified_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return False
    event = ComplaintEvent.objects.select_related(
        "case__school", "case__institution", "case__category", "case__assigned_supervisor", "case__assigned_section"
    ).get(pk=event_id)
    case = event.case
    with translation.override(settings.LANGUAGE_CODE):
        from django.utils.translation import gettext

        subject = gettext("Complaint case %(number)s assigned to you") % {"number": case.number}
    try:
        _send(
            subject,
            "complaints/email/assigned.txt",
            {"case": case, "for_school": case.assignee_kind == AssigneeKind.SCHOOL},
            assignment_recipients(event),
        )
    except Exception:
        # Release the claim so that a retry (or the next run) sends it.
        ComplaintEvent.objects.filter(pk=event_id).update(notified_at=None)
        raise
    return True


def _digest_recipients() -> list[Any]:
    User = get_user_model()
    staff = User.objects.filter(is_active=True, role=Role.BUREAU).exclude(email="")
    staff = staff.filter(
        Q(is_superuser=True)
        | Q(user_permissions__codename="change_complaintcase")
        | Q(groups__permissions__codename="change_complaintcase")
    ).distinct()
    return list(staff)


DEADLINE_DIGEST = "complaint_deadlines"


def complaint_send_deadline_digest(*, day: datetime.date | None = None) -> int:
    """The daily e-mail of overdue and due-soon cases: to bureau staff who
    handle cases (all of them), and to each supervisor about their own.
    Sent once per day whoever runs it; returns the number of e-mails."""
    day = day or timezone.localdate()
    with daily_once(kind=DEADLINE_DIGEST, day=day) as run:
        if run is None:
            return 0
        run.recipients = sent = _send_digest(day)
    return sent


def _send_digest(day: datetime.date) -> int:
    lists = complaint_deadlines(today=day)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        from django.utils.translation import gettext

        subject = gettext("Complaint cases: %(overdue)s overdue, %(soon)s due soon (%(day)s)") % {
            "overdue": len(lists.overdue),
            "soon": len(lists.due_soon),
            "day": day,
        }
    if lists.overdue or lists.due_soon:
        emails = sorted({u.email for u in _digest_recipients()})
        _send(subject, "complaints/email/digest.txt", {"lists": lists, "day": day}, emails)
        sent += len(emails)
    User = get_user_model()
    for user in User.objects.filter(is_active=True, role=Role.SUPERVISOR).exclude(email=""):
        mine = complaints_assigned_to(user=user)
        own = complaint_deadlines(cases=mine, today=day)
        if own.overdue or own.due_soon:
            _send(subject, "complaints/email/digest.txt", {"lists": own, "day": day}, [user.email])
            sent += 1
    return sent


def _pending_assignments(since: datetime.datetime, until: datetime.datetime) -> list[int]:
    return list(
        ComplaintEvent.objects.filter(
            action=ComplaintEventAction.ASSIGNED, notified_at__isnull=True, at__gte=since, at__lte=until
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_assignments(ids: Sequence[int]) -> int:
    return sum(bool(complaint_send_assignment_notice(event_id=event_id)) for event_id in ids)


outbox_register(NoticeKind("complaint_assignment", _pending_assignments, _send_assignments))
