from __future__ import annotations

from celery import shared_task


@shared_task(name="supervision.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): send the notices whose task
    was never queued (Redis was down) or failed for good."""
    from jianfu.outbox import notifications_sweep

    return notifications_sweep()
