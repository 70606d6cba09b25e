"""Notices survive a broker that is down: publishing after commit gives up
quietly, the row stays marked unsent, and the sweep sends it once. (The same
with a real stopped Redis: tests/faults/test_complaint_redis_down.py.)"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from jianfu import tasks
from jianfu.outbox import notifications_sweep
from supervision.models import ComplaintEvent, ComplaintEventAction, Rectification, RectificationAnswer
from supervision.rectifications.services import rectification_answer, rectification_raise
from tests.supervision.complaint_factories import case_in_status
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    """Every task publish fails the way kombu fails on a stopped Redis."""

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)


def _with_email(user, address: str):  # type: ignore[no-untyped-def]
    user.email = address
    user.save()
    return user


def test_assignment_with_broker_down_succeeds_and_the_sweep_sends_the_notice(  # type: ignore[no-untyped-def]
    world, broker_down, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _with_email(world.supervisor_x, "sup-x@example.cn")
    case = case_in_status("accepted", school=world.school_a, by=world.bureau)
    staff = Client()
    staff.force_login(world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("complaints:staff_action", args=[case.pk, "assign"]),
            {"assign-kind": "supervisor", "assign-supervisor": world.supervisor_x.supervisor_profile.pk},
        )
    assert response.status_code == 302
    event = ComplaintEvent.objects.get(case=case, action=ComplaintEventAction.ASSIGNED)
    assert event.notified_at is None and mailoutbox == []

    assert notifications_sweep(older_than=datetime.timedelta(0)) == 1
    assert [m.to for m in mailoutbox] == [["sup-x@example.cn"]]
    assert notifications_sweep(older_than=datetime.timedelta(0)) == 0
    assert len(mailoutbox) == 1


def test_demand_and_answer_with_broker_down_are_swept(  # type: ignore[no-untyped-def]
    world, broker_down, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _with_email(world.principal_a, "a@example.cn")
    _with_email(world.supervisor_x, "sup-x@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        rectification = rectification_raise(
            school=world.school_a,
            title="作业超量",
            description="三年级书面作业超过60分钟。",
            deadline=timezone.localdate() + datetime.timedelta(days=14),
            by=world.supervisor_x,
        )
    assert Rectification.objects.get(pk=rectification.pk).notified_at is None
    out = StringIO()
    call_command("sweep_notifications", "--older-than", "0", stdout=out)
    assert out.getvalue().strip() == "1"
    assert [m.to for m in mailoutbox] == [["a@example.cn"]]

    with django_capture_on_commit_callbacks(execute=True):
        answer = rectification_answer(rectification=rectification, by=world.principal_a, plan="已整改并公示。")
    assert RectificationAnswer.objects.get(pk=answer.pk).notified_at is None
    assert notifications_sweep(older_than=datetime.timedelta(0)) == 1
    assert tasks.sweep_notifications() == 0  # the task sweeps with the default delay: nothing left
    assert [m.to for m in mailoutbox][1:] == [["sup-x@example.cn"]]


def test_sweep_leaves_young_notices_to_their_task_and_old_ones_alone(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    _with_email(world.principal_a, "a@example.cn")
    now = timezone.now()
    young = RectificationFactory(school=world.school_a, raised_at=now - datetime.timedelta(seconds=30))
    history = RectificationFactory(school=world.school_a, raised_at=now - datetime.timedelta(days=30))
    due = RectificationFactory(school=world.school_a, raised_at=now - datetime.timedelta(minutes=10))

    assert notifications_sweep(now=now) == 1
    assert set(Rectification.objects.filter(notified_at__isnull=False).values_list("pk", flat=True)) == {due.pk}
    assert len(mailoutbox) == 1
    assert young.pk and history.pk


def test_sweep_runs_every_few_minutes_in_beat() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-notifications"]
    assert entry["task"] == "supervision.tasks.sweep_notifications"
    assert float(entry["schedule"]) <= 10 * 60  # type: ignore[arg-type]


def test_every_kind_of_notice_is_registered_with_the_one_outbox() -> None:
    from jianfu.outbox import NOTICE_KINDS

    assert set(NOTICE_KINDS) == {
        "complaint_assignment",
        "rectifications_raised",
        "rectification_answered",
        "pledge_reminder",
    }


def test_a_line_break_in_a_school_name_never_blocks_its_notices(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    """A subject with a line break would be refused by Django's header check
    on every retry; the mailer keeps subjects on one line."""
    from jianfu.mailer import mail_subject_line
    from supervision.rectifications import notifications
    from tests.supervision.factories import RectificationFactory

    world.school_a.name = "甲小学\r\nBcc: x@evil.test"
    world.school_a.save()
    world.principal_a.email = "a@example.cn"
    world.principal_a.save()
    r = RectificationFactory(school=world.school_a)
    assert notifications.notify_rectifications_raised(rectification_ids=[r.pk]) == 1
    (message,) = mailoutbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["a@example.cn"] and not message.bcc
    assert mail_subject_line("a\u2028b\tc\x00d") == "a b c d"
