from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jianfu.client_ip import client_ip

from .lockout import Locked, signin_attempt_begin, signin_attempt_succeeded

LOCKOUT_MESSAGES = {
    "locked_out": _(
        "Too many failed sign-ins. This account is locked for %(minutes)s minutes; "
        "contact the bureau's administrator if you need access sooner."
    ),
    "address_locked_out": _(
        "Too many failed sign-ins from your network address. Sign-in from this address is locked for "
        "%(minutes)s minutes; try again later or from another network."
    ),
}


class LockoutMixin(AuthenticationForm):
    """An attempt takes its place in the account's and the address's
    counters first, and past either limit the password is not even checked."""

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        if not username:
            return super().clean()
        ip = client_ip(self.request) if self.request else None
        locked = signin_attempt_begin(username=username, ip=ip)
        if locked is not Locked.NO:
            code = "address_locked_out" if locked is Locked.ADDRESS else "locked_out"
            raise forms.ValidationError(
                LOCKOUT_MESSAGES[code], code=code, params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES}
            )
        cleaned = super().clean()  # a wrong password keeps its place in both counters
        signin_attempt_succeeded(username=username, ip=ip)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    """The portal's sign-in form."""


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    """The admin's own sign-in page counts towards the same lockout."""
