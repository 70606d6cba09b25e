"""The second factor on django-otp: TOTP authenticators and static backup
codes. Required for bureau staff, offered to everyone.

After the password, a session is signed in but not *verified* (django-otp's
``user.is_verified()``). Until it is, :class:`TwoFactorMiddleware` lets it
reach one page only: the code form when the account has an authenticator,
or enrolment when it has none (a first enrolment, allowed only shortly after
the password sign-in). Enrolment never replaces an existing authenticator
from a session that has not passed it: the password alone must not be
enough to take over the second factor. Codes are checked with the devices
locked (``select_for_update``), so a code is accepted once even when sent
twice at the same moment, and wrong codes count towards the sign-in lockout.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Callable
from typing import Any, cast

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jianfu.audit import audit_record
from jianfu.client_ip import client_ip
from jianfu.models import AuditAction, User
from jianfu.sessions import SESSION_LOGIN_AT

from .lockout import Locked, signin_failure_record, signin_locked

SESSION_PENDING_KEY = "jianfu_2fa_pending_key"
# Set at every sign-in (any login path, admin's included): whether the
# account had an authenticator then, so that pages need no device query.
SESSION_HAS_DEVICE = "jianfu_2fa_has_device"
# Reachable by a signed-in session that still owes its second factor.
ALWAYS_OPEN = ("/accounts/logout/", "/static/", "/i18n/", "/healthz/")
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_LENGTH = 8


def needs_second_factor(request: HttpRequest) -> bool:
    user: Any = request.user
    if settings.TOTP_REQUIRED_FOR_BUREAU and user.is_bureau:
        return True
    # Sessions from before the sign-in hook existed have no flag: ask the database.
    flag = request.session.get(SESSION_HAS_DEVICE)
    return bool(flag) if flag is not None else user_has_device(user)


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password sign-in starts unverified, whatever the session held."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_HAS_DEVICE] = user_has_device(user)


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: an unverified session that owes a
    second factor reaches the code form (or a first enrolment) and sign-out,
    nothing else, not even the other 2FA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_OPEN)
            and not _verified(request)
            and needs_second_factor(request)
        ):
            target = reverse("twofactor_verify" if user_has_device(user) else "twofactor_setup")
            if request.path != target:
                return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, backup_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.backup_allowed = backup_allowed
        if backup_allowed:
            self.fields["code"].help_text = gettext_lazy(
                "The six digits of your authenticator app, or one of your backup codes."
            )
        else:
            self.fields["code"].label = gettext_lazy("Six-digit code")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if self.backup_allowed and len(code) == BACKUP_LENGTH and set(code) <= set(BACKUP_ALPHABET):
            return code
        raise forms.ValidationError(_("The code is six digits."))


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    return cast(User, request.user)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


def twofactor_code_check(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``code`` (a backup code is used up), with
    the devices locked so that the same code cannot pass twice at once."""
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return cast(TOTPDevice | StaticDevice, device)
    return None


def _cycle_key(request: HttpRequest) -> None:
    """A new session key on verification, keeping the account's session
    list (used to end its sessions) in step."""
    from jianfu.models import UserSession

    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


def _backup_codes() -> list[str]:
    return [
        "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH))
        for _ in range(settings.TOTP_BACKUP_CODE_COUNT)
    ]


def twofactor_backup_codes_renew(*, user: User) -> list[str]:
    """Replace the account's backup codes; the new ones are shown once."""
    codes = _backup_codes()
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(action=AuditAction.UPDATE, obj=user, note="second factor: new backup codes")
    return codes


def twofactor_enrol(*, user: User, key: str, step: int, keep_session: str | None) -> TOTPDevice:
    """Make ``key`` the account's only authenticator (the caller has checked
    a code of it and that the session may enrol). The account's other
    sessions end: they were opened without this factor."""
    from django.contrib.sessions.models import Session

    from jianfu.models import UserSession

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True, last_t=step)
        others = UserSession.objects.filter(user=user).exclude(session_key=keep_session or "")
        Session.objects.filter(session_key__in=list(others.values_list("session_key", flat=True))).delete()
        others.delete()
    return device


def twofactor_reset(*, user: User, by: Any) -> int:
    """Bureau staff remove an account's authenticator and backup codes (a
    lost phone); the owner enrols anew at the next sign-in. Audited."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        audit_record(action=AuditAction.SECOND_FACTOR_RESET, obj=user, user=by, note=f"devices removed: {removed}")
    return removed


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user_has_device(user):
        return redirect("twofactor_setup")
    if _verified(request):
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None, backup_allowed=True)
    ip = client_ip(request)
    if request.method == "POST" and form.is_valid():
        if signin_locked(username=user.username, ip=ip) is not Locked.NO:
            form.add_error("code", _("Too many failed attempts. Please wait and try again later."))
        else:
            device = twofactor_code_check(user=user, code=form.cleaned_data["code"])
            if device is None:
                signin_failure_record(username=user.username, ip=ip)
                form.add_error("code", _("The code is wrong or has already been used."))
            else:
                _cycle_key(request)
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        _("You signed in with a backup code; %(left)s remain. Make new ones under sign-in security.")
                        % {"left": device.token_set.count()},
                    )
                return redirect(_safe_next(request))
    return render(request, "registration/twofactor_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _may_enrol_first(request: HttpRequest) -> bool:
    login_at = request.session.get(SESSION_LOGIN_AT)
    return login_at is not None and time.time() - float(login_at) <= settings.TOTP_ENROL_WINDOW_SECONDS


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user_has_device(user):
        # Replacing an authenticator needs a session that has passed it.
        if not _verified(request):
            return redirect(f"{reverse('twofactor_verify')}?next={reverse('twofactor_setup')}")
    elif not _may_enrol_first(request):
        logout(request)
        messages.info(request, _("Please sign in again to set up your authenticator."))
        return redirect(f"{reverse('login')}?next={reverse('twofactor_setup')}")
    key = request.session.get(SESSION_PENDING_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[SESSION_PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(bytes.fromhex(key))
        totp.time = time.time()
        if not totp.verify(int(form.cleaned_data["code"]), tolerance=1):
            form.add_error("code", _("The code does not match. Check the time on your phone and try again."))
        else:
            device = twofactor_enrol(user=user, key=key, step=totp.t(), keep_session=request.session.session_key)
            codes = twofactor_backup_codes_renew(user=user)
            del request.session[SESSION_PENDING_KEY]
            _cycle_key(request)
            request.session[SESSION_HAS_DEVICE] = True
            otp_login(request, device)
            messages.success(request, _("Your authenticator is set up. You will be asked for a code at each sign-in."))
            done = {"codes": codes, "next": _safe_next(request)}
            return render(request, "registration/twofactor_backup_codes.html", done)
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    uri = TOTPDevice(user=user, key=key, name="authenticator").config_url
    context = {"form": form, "secret": secret, "qr": _qr_data_uri(uri), "next": _safe_next(request)}
    return render(request, "registration/twofactor_setup.html", context)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off (only where it is not required) or make
    new backup codes. The middleware lets only verified sessions here."""
    user = _user(request)
    required = settings.TOTP_REQUIRED_FOR_BUREAU and user.is_bureau
    totp_device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = CodeForm(request.POST or None, backup_allowed=True)
    if request.method == "POST" and totp_device is not None and _verified(request):
        if request.POST.get("action") == "backup_codes":
            codes = twofactor_backup_codes_renew(user=user)
            return render(
                request,
                "registration/twofactor_backup_codes.html",
                {"codes": codes, "next": reverse("twofactor_manage")},
            )
        if not required and form.is_valid():
            if twofactor_code_check(user=user, code=form.cleaned_data["code"]) is None:
                form.add_error("code", _("The code is wrong or has already been used."))
            else:
                with transaction.atomic():
                    TOTPDevice.objects.filter(user=user).delete()
                    StaticDevice.objects.filter(user=user).delete()
                request.session[SESSION_HAS_DEVICE] = False
                messages.success(request, _("The authenticator is turned off for your account."))
                return redirect("twofactor_manage")
    backup_left = StaticToken.objects.filter(device__user=user).count()
    context: dict[str, Any] = {"form": form, "required": required, "device": totp_device, "backup_left": backup_left}
    return render(request, "registration/twofactor_manage.html", context)
