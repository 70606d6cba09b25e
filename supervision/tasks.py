"""Celery tasks of the supervision app: thin wrappers that take ids and call
:mod:`supervision.services.notifications`; each is safe to run twice."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.conf import settings

from supervision.services import notifications

# Only a mail server that is down or refuses for now is worth a retry.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="supervision.tasks.notify_rectifications_raised",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def notify_rectifications_raised(rectification_ids: list[int]) -> int:
    return notifications.notify_rectifications_raised(rectification_ids=rectification_ids)


@shared_task(
    name="supervision.tasks.notify_rectification_answered",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def notify_rectification_answered(answer_id: int) -> int:
    return notifications.notify_rectification_answered(answer_id=answer_id)


@shared_task(
    name="supervision.tasks.send_overdue_rectifications",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def send_overdue_rectifications(day: str | None = None) -> int:
    """The daily digest of overdue demands to bureau staff (beat entry
    "send-overdue-rectifications"). Returns the number of demands listed, or
    -1 when the day's digest had already gone out."""
    digest = notifications.send_overdue_digest(day=datetime.date.fromisoformat(day) if day else None)
    return -1 if digest is None else digest.rectification_count


@shared_task(name="supervision.tasks.complaint_notify_assignment")
def complaint_notify_assignment(event_id: int) -> bool:
    from supervision.complaints.notifications import complaint_send_assignment_notice

    return complaint_send_assignment_notice(event_id=event_id)


@shared_task(name="supervision.tasks.complaint_deadline_digest")
def complaint_deadline_digest(day: str | None = None) -> int:
    """Daily (CELERY_BEAT_SCHEDULE): overdue and due-soon cases by e-mail,
    and old rate-limit entries purged."""
    from supervision.complaints import ratelimit
    from supervision.complaints.notifications import complaint_send_deadline_digest

    window = datetime.timedelta(hours=settings.COMPLAINT_RATE_WINDOW_HOURS)
    ratelimit.purge(older_than=max(window, datetime.timedelta(days=7)))
    return complaint_send_deadline_digest(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(name="supervision.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): send the notices whose task
    was never queued (Redis was down) or failed for good."""
    from supervision.services.outbox import notifications_sweep

    return notifications_sweep()


# The survey tasks live with their subject; importing them here lets Celery's
# autodiscovery (which reads <app>.tasks) register them.
from supervision.surveys import tasks as survey_tasks  # noqa: E402, F401
