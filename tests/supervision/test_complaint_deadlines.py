"""Overdue and due-soon cases: the lists, and the daily e-mail sent once
per day by the beat task or its management command."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianfu.models import DailyRun, RateCounter
from supervision.complaints.selectors import complaint_deadlines
from supervision.complaints.tasks import complaint_deadline_digest
from tests.supervision.complaint_factories import case_in_status, file_case

pytestmark = pytest.mark.django_db

D = datetime.date


def _received(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def dated_cases(world):  # type: ignore[no-untyped-def]
    """Cases received on known days, looked at on Monday 12 October 2026
    (after the National Day holiday, with Saturday 10 October worked)."""
    old = file_case(school=world.school_a, by=world.bureau, received_at=_received(D(2026, 9, 28))).case
    # accept_due: 29, 30 Sep, 8, 9, 10 Oct -> 10 Oct: overdue on the 12th.
    fresh = file_case(school=world.school_a, by=world.bureau, received_at=_received(D(2026, 10, 9))).case
    # accept_due: 10, 12, 13, 14, 15 Oct -> not due soon (two working days: 13, 14).
    soon = file_case(school=world.school_b, by=world.bureau, received_at=_received(D(2026, 10, 1))).case
    # accept_due: 8, 9, 10, 12, 13 Oct -> due within two working days.
    answered = case_in_status("replied", school=world.school_a, by=world.bureau, received_at=_received(D(2026, 9, 1)))
    return {"old": old, "fresh": fresh, "soon": soon, "answered": answered}


def test_overdue_and_due_soon_lists(dated_cases) -> None:  # type: ignore[no-untyped-def]
    assert dated_cases["old"].accept_due == D(2026, 10, 10)
    assert dated_cases["soon"].accept_due == D(2026, 10, 13)
    lists = complaint_deadlines(today=D(2026, 10, 12))
    assert [c.pk for c in lists.overdue] == [dated_cases["old"].pk]
    assert [c.pk for c in lists.due_soon] == [dated_cases["soon"].pk]


def test_accepted_case_is_measured_against_the_conclusion_limit(world, dated_cases) -> None:  # type: ignore[no-untyped-def]
    from supervision.complaints import services

    old = dated_cases["old"]
    services.complaint_accept(case=old, by=world.bureau)
    # Conclusion due 13 working days after Monday 28 September: 29, 30 Sep,
    # 8, 9, 10 (调休), 12-16, 19, 20, 21 October.
    assert old.conclude_due == D(2026, 10, 21)
    for today, overdue, soon in [
        (D(2026, 10, 12), False, False),
        (D(2026, 10, 16), False, False),
        (D(2026, 10, 19), False, True),
        (D(2026, 10, 21), False, True),
        (D(2026, 10, 22), True, False),
    ]:
        lists = complaint_deadlines(today=today)
        assert (old.pk in [c.pk for c in lists.overdue], old.pk in [c.pk for c in lists.due_soon]) == (overdue, soon)


def test_staff_list_filters_overdue(world, dated_cases, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 10, 12))
    client = Client()
    client.force_login(world.bureau)
    response = client.get(reverse("complaints:staff_list"), {"due": "overdue"})
    assert [c.pk for c in response.context["page"]] == [dated_cases["old"].pk]
    assert response.context["overdue_count"] == 1 and response.context["due_soon_count"] == 1
    response = client.get(reverse("complaints:staff_list"), {"due": "soon"})
    assert [c.pk for c in response.context["page"]] == [dated_cases["soon"].pk]


def test_daily_digest_is_sent_once_per_day(world, dated_cases) -> None:  # type: ignore[no-untyped-def]
    world.bureau.email = "duchashi@bureau.example"
    world.bureau.save()
    sent = complaint_deadline_digest("2026-10-12")
    assert sent == 1
    (message,) = mail.outbox
    assert message.to == ["duchashi@bureau.example"]
    assert dated_cases["old"].number in message.body and dated_cases["soon"].number in message.body
    assert dated_cases["fresh"].number not in message.body
    assert "张秘密" not in message.body and "13812345678" not in message.body
    assert complaint_deadline_digest("2026-10-12") == 0
    assert len(mail.outbox) == 1
    assert DailyRun.objects.get(kind="complaint_deadlines", day=D(2026, 10, 12)).recipients == 1


def test_digest_reaches_supervisors_about_their_own_cases(world) -> None:  # type: ignore[no-untyped-def]
    world.supervisor_x.email = "sup-x@example.org"
    world.supervisor_x.save()
    world.supervisor_y.email = "sup-y@example.org"
    world.supervisor_y.save()
    case_in_status(
        "assigned",
        school=world.school_a,
        by=world.bureau,
        assign_to="supervisor",
        supervisor=world.supervisor_x.supervisor_profile,
        received_at=_received(D(2026, 9, 1)),
    )
    complaint_deadline_digest("2026-10-12")
    assert [m.to for m in mail.outbox] == [["sup-x@example.org"]]


def test_section_staff_without_change_permission_get_no_digest(world, dated_cases) -> None:  # type: ignore[no-untyped-def]
    from jianfu.roles import SECTION_BASIC_EDUCATION
    from tests.factories import BureauUserFactory

    viewer = BureauUserFactory(section=SECTION_BASIC_EDUCATION, email="jichu@bureau.example")
    complaint_deadline_digest("2026-10-12")
    assert all(viewer.email not in m.to for m in mail.outbox)


def test_management_command_runs_the_digest_without_celery(world, dated_cases, capsys) -> None:  # type: ignore[no-untyped-def]
    world.bureau.email = "duchashi@bureau.example"
    world.bureau.save()
    call_command("complaint_deadline_digest", "--date", "2026-10-12")
    assert "1 e-mail" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_digest_purges_old_rate_limit_entries(world) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - datetime.timedelta(days=8)
    RateCounter.objects.create(scope="submit_ip", key_hash="x" * 64, window_start=old, count=3)
    RateCounter.objects.create(scope="submit_ip", key_hash="y" * 64, window_start=timezone.now(), count=1)
    complaint_deadline_digest("2026-10-12")
    assert list(RateCounter.objects.values_list("key_hash", flat=True)) == ["y" * 64]


def test_beat_schedule_runs_the_digest_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["complaint-deadline-digest"]
    assert entry["task"] == "supervision.tasks.complaint_deadline_digest"
    assert entry["schedule"].hour == {8}


def test_calendar_warning_when_next_year_is_missing(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from supervision.complaints.selectors import calendar_missing_next_year

    assert calendar_missing_next_year(today=D(2026, 11, 24)) == 2027
    assert calendar_missing_next_year(today=D(2026, 5, 1)) is None
    assert calendar_missing_next_year(today=D(2025, 11, 1)) is None  # 2026 is seeded
    client = Client()
    client.force_login(world.bureau)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 11, 24))
    assert client.get(reverse("complaints:staff_list")).context["calendar_missing_year"] == 2027


def test_digest_that_fails_to_send_is_sent_by_the_next_run(world, dated_cases, monkeypatch) -> None:  # type: ignore[no-untyped-def]

    world.bureau.email = "duchashi@bureau.example"
    world.bureau.save()

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        complaint_deadline_digest("2026-10-12")
    assert not DailyRun.objects.filter(done_at__isnull=False).exists()
    monkeypatch.undo()
    assert complaint_deadline_digest("2026-10-12") == 1
    assert len(mail.outbox) == 1
