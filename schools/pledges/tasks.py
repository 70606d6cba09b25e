from __future__ import annotations

from celery import shared_task

from jianfu.mailer import TRANSIENT_MAIL_ERRORS


@shared_task(
    name="schools.pledges.send_reminders",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=60,
    max_retries=5,
    ignore_result=True,
)
def send_pledge_reminders(reminder_ids: list[int]) -> int:
    """Queued after commit by the reminder service; the outbox's sweep sends
    what a lost or failed task left."""
    from schools.pledges.notifications import pledge_send_reminders

    return pledge_send_reminders(reminder_ids=reminder_ids)
