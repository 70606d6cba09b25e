"""TOTP second factor: required for bureau staff, offered to everyone.

After the password, a session is signed in but not yet *verified*; until it
is, every page redirects to the code form (or, for bureau staff who have no
authenticator yet, to enrolment). Codes are RFC 6238 TOTP (any authenticator
app), accepted once each, and wrong codes count towards the sign-in lockout.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, cast

import pyotp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianfu import lockout
from jianfu.models import User

SESSION_VERIFIED = "jianfu_2fa_ok"
SESSION_PENDING_SECRET = "jianfu_2fa_pending_secret"  # noqa: S105 (a session key name)
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz/")


def needs_second_factor(user: Any) -> bool:
    return bool(user.totp_confirmed_at) or (settings.TOTP_REQUIRED_FOR_BUREAU and user.is_bureau)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_VERIFIED)
            and needs_second_factor(user)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            target = "twofactor_verify" if user.totp_confirmed_at else "twofactor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is six digits."))
        return code


def _accept(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code belongs to if it is valid and not used before."""
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for offset in (-1, 0, 1):  # tolerate a clock off by 30 seconds either way
        step = totp.timecode(now) + offset
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    return cast(User, request.user)


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.totp_confirmed_at:
        return redirect("twofactor_setup")
    form = CodeForm(request.POST or None)
    ip = lockout.client_ip(request)
    if request.method == "POST" and form.is_valid():
        if lockout.is_locked_out(username=user.username, ip=ip):
            form.add_error("code", _("Too many failed attempts. Please wait and try again later."))
        else:
            step = _accept(user.totp_secret, form.cleaned_data["code"], user.totp_last_step)
            if step is None:
                lockout.record_failure(username=user.username, ip=ip)
                form.add_error("code", _("The code is wrong or has already been used."))
            else:
                User.objects.filter(pk=user.pk).update(totp_last_step=step)
                request.session[SESSION_VERIFIED] = True
                request.session.cycle_key()
                return redirect(_safe_next(request))
    return render(request, "registration/twofactor_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    secret = request.session.get(SESSION_PENDING_SECRET)
    if not secret:
        secret = pyotp.random_base32()
        request.session[SESSION_PENDING_SECRET] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = _accept(secret, form.cleaned_data["code"], None)
        if step is None:
            form.add_error("code", _("The code does not match. Check the time on your phone and try again."))
        else:
            user.totp_secret = secret
            user.totp_confirmed_at = timezone.now()
            user.totp_last_step = step
            user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
            del request.session[SESSION_PENDING_SECRET]
            request.session[SESSION_VERIFIED] = True
            messages.success(request, _("Your authenticator is set up. You will be asked for a code at each sign-in."))
            return redirect(_safe_next(request))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)
    context = {"form": form, "secret": secret, "qr": _qr_data_uri(uri), "next": _safe_next(request)}
    return render(request, "registration/twofactor_setup.html", context)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on or off (off only where it is not required)."""
    user = _user(request)
    required = settings.TOTP_REQUIRED_FOR_BUREAU and user.is_bureau
    form = CodeForm(request.POST or None)
    if request.method == "POST" and user.totp_confirmed_at and not required and form.is_valid():
        if _accept(user.totp_secret, form.cleaned_data["code"], user.totp_last_step) is None:
            form.add_error("code", _("The code is wrong or has already been used."))
        else:
            user.totp_secret = ""
            user.totp_confirmed_at = None
            user.totp_last_step = None
            user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
            messages.success(request, _("The authenticator is turned off for your account."))
            return redirect("twofactor_manage")
    return render(request, "registration/twofactor_manage.html", {"form": form, "required": required})
