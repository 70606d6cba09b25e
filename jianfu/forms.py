from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jianfu import lockout


class LockoutAuthenticationForm(AuthenticationForm):
    """The sign-in form, refusing an account or address with too many recent
    failures before even checking the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _(
            "Too many failed sign-ins. This account is locked for %(minutes)s minutes; "
            "contact the bureau's administrator if you need access sooner."
        ),
    }

    def clean(self) -> dict[str, Any]:
        from django.conf import settings

        username = (self.data.get("username") or "").strip()
        ip = lockout.client_ip(self.request) if self.request else None
        if username and lockout.is_locked_out(username=username, ip=ip):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                lockout.record_failure(username=username, ip=ip)
            raise
        lockout.clear_failures(username=username)
        return cleaned
