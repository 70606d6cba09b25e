from __future__ import annotations

import datetime

from celery import shared_task

from jianfu.mailer import TRANSIENT_MAIL_ERRORS as TRANSIENT
from supervision.rectifications import notifications


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
    return -1 if digest is None else digest.items
