"""Session lifetime: an idle timeout and an absolute lifetime (ASVS 3.3)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "jianfu_login_at"
SESSION_SEEN_AT = "jianfu_seen_at"
# Writing the session on every request would cost a database write per page;
# the last-seen time is refreshed at most this often.
SEEN_RESOLUTION = 60


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(SESSION_LOGIN_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            if now - seen_at > settings.SESSION_IDLE_TIMEOUT or now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SESSION_LOGIN_AT, now)
            if now - seen_at >= SEEN_RESOLUTION or SESSION_SEEN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)
