"""Limits on the public complaint pages, counted in the database under keyed
hashes (the address or phone number itself is never stored), so they hold
across processes and with Redis down."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jianfu.crypto import keyed_hash

from ..models import PublicRateHit

SUBMIT_BY_IP = "submit_ip"
SUBMIT_BY_PHONE = "submit_phone"
STATUS_FAILURE_BY_IP = "status_fail_ip"


def _key(scope: str, value: str) -> str:
    return keyed_hash(value, purpose=f"rate:{scope}")


def limit_reached(scope: str, value: str | None, *, limit: int, window: datetime.timedelta) -> bool:
    if not value:
        return False
    since = timezone.now() - window
    return PublicRateHit.objects.filter(scope=scope, key_hash=_key(scope, value), at__gte=since).count() >= limit


def record(scope: str, value: str | None) -> None:
    if value:
        PublicRateHit.objects.create(scope=scope, key_hash=_key(scope, value))


def purge(*, older_than: datetime.timedelta) -> int:
    deleted, _ = PublicRateHit.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
