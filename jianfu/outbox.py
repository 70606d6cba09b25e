"""Notifications that survive a Redis outage.

An e-mail is never the only record of what happened: every notice belongs
to a row that says whether it went out (``ComplaintEvent.notified_at`` of an
assignment, ``Rectification.notified_at``, ``RectificationAnswer.notified_at``).
The task that sends it is published after commit with :func:`publish_after_commit`,
which gives up quickly and quietly when the broker is down, so that the
user's request still succeeds; :func:`notifications_sweep` (Celery beat
every few minutes, or ``manage.py sweep_notifications`` from cron) sends
whatever is still unsent. The senders claim their row with a conditional
update, so a notice swept while its task also runs goes out once."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


# A notice younger than this is left to its own task; older than WITHIN it
# is history (rows from before this sweeper, demo data) and never sent late.
SWEEP_OLDER_THAN = datetime.timedelta(minutes=2)


SWEEP_WITHIN = datetime.timedelta(days=3)


def _publish(task: Any, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # the broker's errors are many (kombu, redis, socket); eager runs raise the task's own
        log.warning("could not queue %s%r; the notification sweeper will send it", task.name, args, exc_info=True)


def publish_after_commit(task: Any, *args: Any) -> None:
    """Queue ``task(*args)`` once the transaction commits; a broker that is
    down only leaves the notice for :func:`notifications_sweep`."""
    transaction.on_commit(partial(_publish, task, args))


def notifications_sweep(
    *,
    older_than: datetime.timedelta = SWEEP_OLDER_THAN,
    within: datetime.timedelta = SWEEP_WITHIN,
    now: datetime.datetime | None = None,
) -> int:
    """Send, here and now, every notice of the last ``within`` that is still
    unsent ``older_than`` after its event. Returns how many notices it
    handled (sent, or found nobody with an address to send to)."""
    from jianfu import notifications
    from supervision.complaints.notifications import complaint_send_assignment_notice
    from supervision.models import ComplaintEvent, ComplaintEventAction, Rectification, RectificationAnswer

    now = now or timezone.now()
    since, until = now - within, now - older_than
    sent = 0
    event_ids = ComplaintEvent.objects.filter(
        action=ComplaintEventAction.ASSIGNED, notified_at__isnull=True, at__gte=since, at__lte=until
    ).values_list("pk", flat=True)
    for event_id in list(event_ids):
        sent += bool(complaint_send_assignment_notice(event_id=event_id))
    rectification_ids = list(
        Rectification.objects.filter(notified_at__isnull=True, raised_at__gte=since, raised_at__lte=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if rectification_ids:
        notifications.notify_rectifications_raised(rectification_ids=rectification_ids)
        sent += Rectification.objects.filter(pk__in=rectification_ids, notified_at__isnull=False).count()
    answer_ids = list(
        RectificationAnswer.objects.filter(notified_at__isnull=True, at__gte=since, at__lte=until).values_list(
            "pk", flat=True
        )
    )
    for answer_id in answer_ids:
        notifications.notify_rectification_answered(answer_id=answer_id)
    sent += RectificationAnswer.objects.filter(pk__in=answer_ids, notified_at__isnull=False).count()
    return sent
