"""The one outbox: notices that are recorded, published after commit, swept
when their task was lost, and sent once.

An e-mail is never the only record of what happened: every notice belongs to
a row that says whether it went out (``ComplaintEvent.notified_at`` of an
assignment, ``Rectification.notified_at``, ``RectificationAnswer.notified_at``,
``PledgeReminder.sent_at``). A subject registers each kind of notice with
:func:`outbox_register` (from its app's ``ready``): how to find the unsent
ones and how to send them. Its task is published after commit with
:func:`publish_after_commit`, which gives up quickly and quietly when the
broker is down, so the user's request still succeeds; :func:`notifications_sweep`
(Celery beat every few minutes, or ``manage.py sweep_notifications`` from
cron) sends whatever is still unsent. Senders claim their row with a
conditional update, so a notice swept while its task also runs goes out once.

Once-a-day jobs (digests) run inside :func:`daily_once`, on the one
:class:`jianfu.models.DailyRun` guard."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


# A notice younger than this is left to its own task; older than WITHIN it
# is history (rows from before this sweeper, demo data) and never sent late.
SWEEP_OLDER_THAN = datetime.timedelta(minutes=2)
SWEEP_WITHIN = datetime.timedelta(days=3)


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice: ``pending(since, until)`` lists the ids of the
    unsent notices recorded in that window; ``send(ids)`` sends them (each
    claimed first) and returns how many it handled."""

    name: str
    pending: Callable[[datetime.datetime, datetime.datetime], Sequence[int]]
    send: Callable[[Sequence[int]], int]


NOTICE_KINDS: dict[str, NoticeKind] = {}


def outbox_register(kind: NoticeKind) -> NoticeKind:
    NOTICE_KINDS[kind.name] = kind
    return kind


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
    """Send, here and now, every registered kind's notices of the last
    ``within`` that are still unsent ``older_than`` after they were recorded.
    Returns how many notices it handled. One kind failing (its mail server
    refused) does not keep the others from going out."""
    now = now or timezone.now()
    since, until = now - within, now - older_than
    handled = 0
    for kind in NOTICE_KINDS.values():
        ids = list(kind.pending(since, until))
        if not ids:
            continue
        try:
            handled += kind.send(ids)
        except Exception:
            log.warning("sweep: %s notices %r not sent; next sweep retries", kind.name, ids, exc_info=True)
    return handled


@contextmanager
def daily_once(*, kind: str, day: datetime.date, force: bool = False) -> Iterator[Any]:
    """Run a once-a-day job: yields the day's claimed :class:`DailyRun` (set
    its ``items`` and ``recipients``), or None when it has already run or is
    running and ``force`` is not set. An exception releases the claim so
    that the retry runs it."""
    from jianfu.models import DailyRun

    run, _created = DailyRun.objects.get_or_create(kind=kind, day=day)
    claim = DailyRun.objects.filter(pk=run.pk)
    if not force:
        claim = claim.filter(claimed_at__isnull=True, done_at__isnull=True)
    if not claim.update(claimed_at=timezone.now()):
        yield None
        return
    try:
        yield run
    except Exception:
        DailyRun.objects.filter(pk=run.pk).update(claimed_at=None)
        raise
    DailyRun.objects.filter(pk=run.pk).update(done_at=timezone.now(), items=run.items, recipients=run.recipients)
    run.refresh_from_db()
