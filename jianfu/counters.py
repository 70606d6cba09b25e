"""Atomic counters over a fixed window (:class:`jianfu.models.RateCounter`).

:func:`counter_hit` adds to a counter and returns the new total in ONE
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement: concurrent
callers queue on the row and each sees a different total, so "at most N"
holds however many requests arrive at once (the check-then-record shape it
replaces let 20 simultaneous sign-ins all see 0). Keys are stored as keyed
hashes, never as addresses, phones or names.

A counter that need not follow the caller's transaction (``transactional=
False``) is kept in Redis when it answers: INCRBY is as atomic as the
upsert, and a request that only counts then writes nothing to the database
and commits nothing (a commit's flush to disk costs more than the rest of
a light public request). When Redis is not configured or does not answer, the same
counter is kept in the database; a switch between the two starts the count
again, so a limit may let through up to twice its number once, never refuse
more. The Redis client and its pause after a failure live here for every
counter of the portal (the surveys' too).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from jianfu.crypto import keyed_hash

log = logging.getLogger(__name__)

REDIS_PREFIX = "jf:counter:"
# After a failure Redis is left alone this long (per process): an outage
# costs one request one connect timeout, not every request.
REDIS_RETRY_AFTER = 5.0
_redis_state: dict[str, Any] = {"url": None, "client": None, "paused_until": 0.0}


def counters_redis() -> Any:
    """The Redis client of the counters, or None when Redis is not configured
    or failed less than ``REDIS_RETRY_AFTER`` seconds ago."""
    url = settings.REDIS_URL
    if not url or time.monotonic() < _redis_state["paused_until"]:
        return None
    if _redis_state["url"] != url:
        import redis

        _redis_state["client"] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        _redis_state["url"] = url
    return _redis_state["client"]


def counters_redis_failed(exc: BaseException) -> None:
    """Leave Redis alone for a while after ``exc``."""
    _redis_state["paused_until"] = time.monotonic() + REDIS_RETRY_AFTER
    log.warning("rate counters: Redis failed, counting in the database for %.0fs: %s", REDIS_RETRY_AFTER, exc)


def _key(scope: str, value: str) -> str:
    return keyed_hash(value, purpose=f"counter:{scope}")


@dataclass(frozen=True)
class Count:
    """One counter of :func:`counters_hit`: ``amount`` added to the counter
    of ``value`` in ``scope``, or with ``read_only`` only read (nothing
    made)."""

    scope: str
    value: str
    window: datetime.timedelta
    amount: int = 1
    read_only: bool = False


# Each counter: with a window (its seconds), SET NX with that expiry, then
# INCRBY and answer the total (the window starts at the first hit, as in the
# database); without (-1), only read (absent is 0). One script: atomic like
# MULTI/EXEC (a key cannot expire between the two and come back without an
# expiry), and one reply to read instead of one per command.
_HIT_SCRIPT = """
local totals = {}
for i, key in ipairs(KEYS) do
  local seconds = tonumber(ARGV[2 * i])
  if seconds < 0 then
    totals[i] = tonumber(redis.call('GET', key) or '0')
  else
    redis.call('SET', key, 0, 'EX', seconds, 'NX')
    totals[i] = redis.call('INCRBY', key, tonumber(ARGV[2 * i - 1]))
  end
end
return totals
"""


def _hit_redis(counts: Sequence[Count]) -> list[int] | None:
    from redis.exceptions import RedisError

    client = counters_redis()
    if client is None:
        return None
    keys = [_redis_name(c.scope, c.value) for c in counts]
    try:
        if all(c.read_only or not c.amount for c in counts):
            # Adding nothing is reading: one MGET, as ordered as the script
            # (Redis runs one command at a time) and a fifth of its work
            # (a right status look-up adds nothing to the failures).
            return [int(total or 0) for total in client.mget(keys)]
        if _redis_state.get("script_client") is not client:
            _redis_state["script"] = client.register_script(_HIT_SCRIPT)
            _redis_state["script_client"] = client
        args: list[int] = []
        for count in counts:
            args += [count.amount, -1 if count.read_only else max(1, int(count.window.total_seconds()))]
        totals = _redis_state["script"](keys=keys, args=args)
    except (RedisError, OSError) as exc:
        counters_redis_failed(exc)
        return None
    return [int(total) for total in totals]


def counters_hit(counts: Sequence[Count]) -> list[int]:
    """Several counters kept outside the caller's transaction (as
    :func:`counter_hit` with ``transactional=False``) at once: each adds its
    amount and answers its total, in Redis in ONE round trip (a script, as
    atomic as MULTI/EXEC) when Redis answers, otherwise one statement each
    in the database."""
    totals = _hit_redis(counts)
    if totals is not None:
        return totals
    return [
        _value_database(scope=c.scope, value=c.value, window=c.window)
        if c.read_only
        else _hit_database(scope=c.scope, value=c.value, window=c.window, amount=c.amount)
        for c in counts
    ]


def counter_hit(
    *, scope: str, value: str, window: datetime.timedelta, amount: int = 1, transactional: bool = True
) -> int:
    """Add ``amount`` to the counter of ``value`` in ``scope`` and return the
    total within the current window (a window older than ``window`` starts
    again from ``amount``). A transactional counter is a database row that a
    rollback of the caller's transaction takes back; ``transactional=False``
    keeps it in Redis when Redis answers (see the module's docstring)."""
    if not transactional:
        return counters_hit([Count(scope, value, window, amount)])[0]
    return _hit_database(scope=scope, value=value, window=window, amount=amount)


def _hit_database(*, scope: str, value: str, window: datetime.timedelta, amount: int) -> int:
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


def _redis_name(scope: str, value: str) -> str:
    return f"{REDIS_PREFIX}{scope}:{_key(scope, value)}"


def counter_value(*, scope: str, value: str, window: datetime.timedelta, transactional: bool = True) -> int:
    """The current total, without counting (0 once the window has passed).
    ``transactional=False`` reads where :func:`counter_hit` with the same
    flag counts: Redis when it answers, the database otherwise."""
    if not transactional:
        return counters_hit([Count(scope, value, window, read_only=True)])[0]
    return _value_database(scope=scope, value=value, window=window)


def counter_value_subquery() -> str:
    """A scalar subquery giving one database counter's total within its
    window (NULL when there is none), for a statement that reads a counter
    with other rows in the same round trip (the status look-up reads the
    address's failures with the case). Its three placeholders take
    :func:`counter_value_params`; the rule is :func:`counter_value`'s."""
    from jianfu.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    return f"(SELECT r.count FROM {table} r WHERE r.scope = %s AND r.key_hash = %s AND r.window_start >= %s)"  # noqa: S608 - table name from the model


def counter_value_params(*, scope: str, value: str | None, window: datetime.timedelta) -> list[Any]:
    """The parameters of :func:`counter_value_subquery` for the counter of
    ``value`` in ``scope`` (no value: a key no counter has, so NULL)."""
    return [scope, _key(scope, value) if value else "", timezone.now() - window]


def _value_database(*, scope: str, value: str, window: datetime.timedelta) -> int:
    from jianfu.models import RateCounter

    found = (
        RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value), window_start__gte=timezone.now() - window)
        .values_list("count", flat=True)
        .first()
    )
    return found or 0


# One step, so that two releases at once cannot take a counter below 0.
_RELEASE_SCRIPT = (
    "local n = tonumber(redis.call('GET', KEYS[1]) or '0') "
    "if n > 0 then return redis.call('DECR', KEYS[1]) end return 0"
)


def counter_release(*, scope: str, value: str, transactional: bool = True) -> None:
    """Give one back (an attempt that turned out not to count), never below 0.
    ``transactional=False`` gives it back where :func:`counter_hit` with the
    same flag counts (Redis when it answers). Should Redis fail between the
    hit and the release, the place is given back to the database's counter
    instead, where it was not taken: the count started again there anyway
    (see the module's docstring)."""
    from django.db.models import F
    from redis.exceptions import RedisError

    from jianfu.models import RateCounter

    client = None if transactional else counters_redis()
    if client is not None:
        try:
            client.eval(_RELEASE_SCRIPT, 1, _redis_name(scope, value))
        except (RedisError, OSError) as exc:
            counters_redis_failed(exc)
        else:
            return
    RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value), count__gt=0).update(count=F("count") - 1)


def counter_clear(*, scope: str, value: str) -> None:
    from jianfu.models import RateCounter

    RateCounter.objects.filter(scope=scope, key_hash=_key(scope, value)).delete()


def counters_purge(*, older_than: datetime.timedelta) -> int:
    """Remove counters whose window started before ``older_than`` ago."""
    from jianfu.models import RateCounter

    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
