"""Account events: audit sign-ins, remember sessions, end them on deactivation."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.http import HttpRequest


def _ip(request: HttpRequest | None) -> str | None:
    from jianfu.client_ip import client_ip

    return client_ip(request) if request is not None else None


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from jianfu.audit import audit_record
    from jianfu.models import AuditAction, UserSession
    from jianfu.sessions import SESSION_LOGIN_AT, SESSION_SEEN_AT

    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})
    audit_record(action=AuditAction.LOGIN, obj=user, user=user, ip=_ip(request))


def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from jianfu.audit import audit_record
    from jianfu.models import AuditAction, UserSession

    if user is None:
        return
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    audit_record(action=AuditAction.LOGOUT, obj=user, user=user, ip=_ip(request))


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from jianfu.audit import audit_record
    from jianfu.models import AuditAction

    audit_record(
        action=AuditAction.LOGIN_FAILED, note=str(credentials.get("username", ""))[:150], user=None, ip=_ip(request)
    )


def end_sessions_of_inactive(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deactivated account is signed out everywhere at once."""
    from jianfu.models import UserSession

    if instance.is_active:
        return
    keys = list(UserSession.objects.filter(user=instance).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=instance).delete()


def connect() -> None:
    from django.conf import settings

    from jianfu.signin import twofactor

    user_logged_in.connect(on_login, dispatch_uid="jianfu_on_login")
    user_logged_in.connect(twofactor.on_login, dispatch_uid="jianfu_second_factor_on_login")
    user_logged_out.connect(on_logout, dispatch_uid="jianfu_on_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="jianfu_on_login_failed")
    post_save.connect(end_sessions_of_inactive, sender=settings.AUTH_USER_MODEL, dispatch_uid="jianfu_end_sessions")
