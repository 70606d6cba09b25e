"""The visitor's address, from one place: sign-in lockout, complaint and
survey limits and the audit trail all ask :func:`client_ip`.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the
address it saw to ``X-Forwarded-For``, the visitor is the entry that many
places from the right (the entries further left are whatever the visitor
sent, so they are never believed). With no trusted proxy the header is
ignored and the socket's address counts. django-ipware does the parsing.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    # ipware counts the proxies listed inside the header; the last trusted
    # proxy is the socket's peer and appears only in REMOTE_ADDR.
    ip, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return ip or remote
