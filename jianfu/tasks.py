"""Periodic tasks of the portal core (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings


@shared_task(name="supervision.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): send the notices whose task
    was never queued (Redis was down) or failed for good."""
    from jianfu.outbox import notifications_sweep

    return notifications_sweep()


def counters_retention() -> datetime.timedelta:
    """Longer than any window a counter is read over: sign-in lockout,
    complaint limits (a day by default), look-ups and CAPTCHA (an hour)."""
    longest = max(
        datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES),
        datetime.timedelta(hours=settings.COMPLAINT_RATE_WINDOW_HOURS),
        datetime.timedelta(seconds=settings.COMPLAINT_CAPTCHA_TTL_SECONDS),
        datetime.timedelta(hours=1),
    )
    return longest + datetime.timedelta(hours=1)


@shared_task(name="jianfu.purge_rate_counters", ignore_result=True)
def purge_rate_counters() -> int:
    """Hourly: remove sign-in and public-form counters whose window is over."""
    from jianfu.counters import counters_purge

    return counters_purge(older_than=counters_retention())
