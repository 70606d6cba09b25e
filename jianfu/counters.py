"""Atomic counters over a fixed window (:class:`jianfu.models.RateCounter`).

:func:`counter_hit` adds to a counter and returns the new total in ONE
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement: concurrent
callers queue on the row and each sees a different total, so "at most N"
holds however many requests arrive at once (the check-then-record shape it
replaces let 20 simultaneous sign-ins all see 0). Keys are stored as keyed
hashes, never as addresses, phones or names.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from jianfu.crypto import keyed_hash


def _key(scope: str, value: str) -> str:
    return keyed_hash(value, purpose=f"counter:{scope}")


def counter_hit(*, scope: str, value: str, window: datetime.timedelta, amount: int = 1) -> int:
    """Add ``amount`` to the counter of ``value`` in ``scope`` and return the
    total within the current window (a window older than ``window`` starts
    again from ``amount``)."""
    from jianfu.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    now = timezone.now()
    expired_before = now - window
    sql = (
        f"INSERT INTO {table} (scope, key_hash, window_start, count) VALUES (%s, %s, %s, %s) "  # noqa: S608 - table name from the model
        f"ON CONFLICT (scope, key_hash) DO UPDATE SET "
        f"count = CASE WHEN {table}.window_start < %s THEN EXCLUDED.count ELSE {table}.count + EXCLUDED.count END, "
        f"window_start = CASE WHEN {table}.window_start < %s THEN EXCLUDED.window_start ELSE {table}.window_start END "
        f"RETURNING count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, _key(scope, value), now, amount, expired_before, expired_before])
        row = cursor.fetchone()
    return int(row[0])


def counter_value(*, scope: str, value: str, window: datetime.timedelta) -> int:
    """The current total, without counting (0 once the window has passed)."""
    from jianfu.models import RateCounter

    found = (
        RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value), window_start__gte=timezone.now() - window)
        .values_list("count", flat=True)
        .first()
    )
    return found or 0


def counter_release(*, scope: str, value: str) -> None:
    """Give one back (an attempt that turned out not to count), never below 0."""
    from django.db.models import F

    from jianfu.models import RateCounter

    RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value), count__gt=0).update(count=F("count") - 1)


def counter_clear(*, scope: str, value: str) -> None:
    from jianfu.models import RateCounter

    RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value)).delete()


def counters_purge(*, older_than: datetime.timedelta) -> int:
    """Remove counters whose window started before ``older_than`` ago."""
    from jianfu.models import RateCounter

    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
