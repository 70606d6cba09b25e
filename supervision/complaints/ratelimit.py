"""Limits on the public complaint pages, on the portal's atomic counters
(:mod:`jianfu.counters`, keyed hashes only: the address or phone number
itself is never stored), so they hold across processes, with Redis down,
and when many requests arrive at once: each attempt takes its place with one
upsert statement before the work it limits is done."""

from __future__ import annotations

import datetime

from jianfu.counters import counter_hit, counter_release, counters_purge

SUBMIT_BY_IP = "submit_ip"
SUBMIT_BY_PHONE = "submit_phone"
STATUS_FAILURE_BY_IP = "status_fail_ip"
CAPTCHA_FAILURE_BY_IP = "captcha_fail_ip"
SCHOOL_SEARCH_BY_IP = "school_search_ip"
INSTITUTION_SEARCH_BY_IP = "institution_search_ip"


def take_place(scope: str, value: str | None, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one more and say whether it is still within ``limit``. A place
    beyond the limit is given back, so a refused attempt does not prolong
    the refusal. Inside a transaction the place is taken back by a rollback."""
    if not value:
        return True
    if counter_hit(scope=scope, value=value, window=window) > limit:
        counter_release(scope=scope, value=value)
        return False
    return True


def attempt_counted(scope: str, value: str | None, *, failed: bool, limit: int, window: datetime.timedelta) -> bool:
    """Count an attempt whose outcome is known but not yet shown, in one
    atomic step: a failure adds one, a success nothing; either way the answer
    is whether fewer than ``limit`` failures came before it (the row lock, or
    Redis's single thread, orders simultaneous attempts). Not undone by a
    rollback: a failed look-up counts whatever happens after it, so the
    counter lives in Redis when Redis answers, and the look-up writes
    nothing to the database."""
    if not value:
        return True
    failures = counter_hit(scope=scope, value=value, window=window, amount=1 if failed else 0, transactional=False)
    return failures - (1 if failed else 0) < limit


def purge(*, older_than: datetime.timedelta) -> int:
    return counters_purge(older_than=older_than)
