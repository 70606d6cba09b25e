"""Forced password change: an account whose password someone else chose
(``must_change_password``) sees only the set-password page until it has
chosen its own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Signing in and out, the second factor, the link pages and the set page
# itself live under /accounts/; none of them shows the portal's data.
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:password_required"))
        return self.get_response(request)
