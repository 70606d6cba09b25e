"""Limits on the public complaint pages, on the portal's atomic counters
(:mod:`jianfu.counters`, keyed hashes only: the address or phone number
itself is never stored), so they hold across processes, with Redis down,
and when many requests arrive at once: each attempt takes its place in one
atomic step (INCRBY in Redis when it answers, one upsert in the database
otherwise) before the work it limits is done.

The places live outside the caller's transaction (``transactional=False``):
a request that only counts writes nothing to the database while Redis
answers, and an attempt that turns out not to count gives its place back
explicitly (:func:`give_back`) instead of by a rollback. The status
look-up's failures are the exception: always in the database
(:func:`failure_counted`), where a right code reads them with the case."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from jianfu.counters import Count, counter_hit, counter_release, counters_hit, counters_purge

SUBMIT_BY_IP = "submit_ip"
SUBMIT_BY_PHONE = "submit_phone"
STATUS_FAILURE_BY_IP = "status_fail_ip"
# A status look-up's failures count against the address for this long.
STATUS_FAILURE_WINDOW = datetime.timedelta(hours=1)
CAPTCHA_FAILURE_BY_IP = "captcha_fail_ip"
SCHOOL_SEARCH_BY_IP = "school_search_ip"
INSTITUTION_SEARCH_BY_IP = "institution_search_ip"


def take_place(scope: str, value: str | None, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one more and say whether it is still within ``limit``. A place
    beyond the limit is given back, so a refused attempt does not prolong
    the refusal; simultaneous attempts each see their own total, so at most
    ``limit`` are let through. Not undone by a rollback: an attempt that
    fails after taking its place calls :func:`give_back`."""
    if not value:
        return True
    if counter_hit(scope=scope, value=value, window=window, transactional=False) > limit:
        give_back(scope, value)
        return False
    return True


def take_places(places: Sequence[tuple[str, str | None, int]], *, window: datetime.timedelta) -> bool:
    """:func:`take_place` for several limits at once, ``(scope, value,
    limit)`` each (an empty value is not limited), counted in one round trip:
    True if every one is within its limit; otherwise all are given back."""
    wanted = [(scope, value, limit) for scope, value, limit in places if value]
    if not wanted:
        return True
    totals = counters_hit([Count(scope, value, window) for scope, value, _limit in wanted])
    if all(total <= limit for total, (_scope, _value, limit) in zip(totals, wanted, strict=True)):
        return True
    for scope, value, _limit in wanted:
        give_back(scope, value)
    return False


def give_back(scope: str, value: str | None) -> None:
    """Return a place :func:`take_place` gave (the work it limited was not
    done after all)."""
    if value:
        counter_release(scope=scope, value=value, transactional=False)


def failure_counted(scope: str, value: str | None, *, limit: int, window: datetime.timedelta) -> bool:
    """Count a failed attempt whose outcome is not yet shown, by one upsert
    in the database, and say whether fewer than ``limit`` failures came
    before it: the row lock orders simultaneous failures, each sees its own
    total. A success counts nothing; its caller reads the failures in the
    statement that decided it (the status look-up:
    :func:`supervision.complaints.services.complaint_check_query`), which is
    why these failures live in the database and not in Redis: the read and
    the count must be in one place. The look-up runs outside any
    transaction, so the upsert is committed at once and nothing that
    happens after it takes the failure back."""
    if not value:
        return True
    return counter_hit(scope=scope, value=value, window=window) - 1 < limit


def purge(*, older_than: datetime.timedelta) -> int:
    return counters_purge(older_than=older_than)
