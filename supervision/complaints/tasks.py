from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings


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
