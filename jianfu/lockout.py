"""Failed-login lockout, per account and per address."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from jianfu.models import LoginFailure


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: behind the reverse proxy, gunicorn's
    # --forwarded-allow-ips turns X-Forwarded-For into it; trusting the header
    # here would let anyone pick the address they are counted under.
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def is_locked_out(*, username: str, ip: str | None) -> bool:
    since = _window_start()
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username__iexact=username).count() >= settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT:
        return True
    return bool(ip) and recent.filter(ip_address=ip).count() >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip_address=ip)


def clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()
