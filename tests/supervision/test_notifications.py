"""E-mails of the rectification loop: the principal on a new demand, the
supervisors on an answer, and the daily overdue digest to bureau staff, each
sent once even when its task runs twice."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from jianfu.models import DailyRun
from supervision.models import RectificationStatus
from supervision.rectifications import tasks
from supervision.rectifications.services import rectification_answer
from tests.factories import BureauUserFactory
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def with_email(user, address: str):  # type: ignore[no-untyped-def]
    user.email = address
    user.save()
    return user


def test_new_demand_mail_is_sent_once(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    with_email(world.principal_a, "a@example.cn")
    with_email(world.principal_b, "b@example.cn")
    r = RectificationFactory(school=world.school_a, title="作业超量")
    assert tasks.notify_rectifications_raised([r.pk]) == 1
    assert tasks.notify_rectifications_raised([r.pk]) == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["a@example.cn"]
    assert "作业超量" in mailoutbox[0].body and f"/rectifications/{r.pk}/" in mailoutbox[0].body
    assert mailoutbox[0].body.count(settings.PORTAL_BASE_URL) >= 1


def test_failed_send_releases_the_claim(world, mailoutbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import smtplib

    from supervision.rectifications import notifications

    with_email(world.principal_a, "a@example.cn")
    r = RectificationFactory(school=world.school_a)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.notify_rectifications_raised(rectification_ids=[r.pk])
    monkeypatch.undo()
    assert notifications.notify_rectifications_raised(rectification_ids=[r.pk]) == 1
    assert len(mailoutbox) == 1


def test_answer_mails_the_responsible_supervisors_once(world, mailoutbox, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with_email(world.supervisor_x, "x@example.cn")
    with_email(world.supervisor_y, "y@example.cn")
    r = RectificationFactory(school=world.school_a, raised_by=world.supervisor_x)
    with django_capture_on_commit_callbacks(execute=True):
        answer = rectification_answer(rectification=r, by=world.principal_a, plan="已公示作业")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["x@example.cn"]
    assert "已公示作业" in mailoutbox[0].body
    assert tasks.notify_rectification_answered(answer.pk) == 0
    assert len(mailoutbox) == 1


def test_overdue_digest_goes_to_bureau_once_a_day(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    with_email(world.bureau, "duban@example.cn")
    BureauUserFactory(email="")  # no address: skipped
    with_email(world.principal_a, "a@example.cn")  # not bureau: never gets the digest
    late = RectificationFactory(school=world.school_a, title="逾期未整改", deadline=YESTERDAY)
    RectificationFactory(school=world.school_b, title="未到期")
    RectificationFactory(
        school=world.school_b,
        title="已验收",
        deadline=YESTERDAY,
        status=RectificationStatus.ACCEPTED,
        closed_at=timezone.now(),
    )
    assert tasks.send_overdue_rectifications() == 1
    assert tasks.send_overdue_rectifications() == -1  # the beat entry firing twice, or a retry
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["duban@example.cn"]
    body = mailoutbox[0].body
    assert late.title in body and "未到期" not in body and "已验收" not in body
    digest = DailyRun.objects.get(kind="overdue_rectifications")
    assert digest.done_at and (digest.items, digest.recipients) == (1, 1)


def test_no_digest_mail_when_nothing_is_overdue(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    with_email(world.bureau, "duban@example.cn")
    assert tasks.send_overdue_rectifications() == 0
    assert mailoutbox == []


def test_management_command_sends_without_redis(world, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    with_email(world.bureau, "duban@example.cn")
    RectificationFactory(school=world.school_a, deadline=YESTERDAY)
    out = StringIO()
    call_command("send_overdue_rectifications", stdout=out)
    call_command("send_overdue_rectifications", stdout=out)
    assert len(mailoutbox) == 1
    call_command("send_overdue_rectifications", "--force", stdout=out)
    assert len(mailoutbox) == 2
    call_command("send_overdue_rectifications", "--date", "2020-01-01", stdout=out)
    assert len(mailoutbox) == 2  # nothing was overdue on that day


def test_digest_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["send-overdue-rectifications"]
    assert entry["task"] == tasks.send_overdue_rectifications.name
