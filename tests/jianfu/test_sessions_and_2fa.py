from __future__ import annotations

import base64
import importlib
import secrets
import sys
import threading
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jianfu.sessions import SESSION_LOGIN_AT, SESSION_SEEN_AT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user, password: str = PASSWORD) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def _age_session(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_idle_session_ends(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.principal_a)
    assert client.get(reverse("home")).status_code == 302
    _age_session(client, SESSION_SEEN_AT, 1801)
    response = client.get(reverse("school_detail", args=[world.school_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_ABSOLUTE_LIFETIME=12 * 3600)
def test_session_ends_after_absolute_lifetime_even_when_active(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.principal_a)
    _age_session(client, SESSION_LOGIN_AT, 12 * 3600 + 1)
    response = client.get(reverse("school_detail", args=[world.school_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivation_ends_every_session(world) -> None:  # type: ignore[no-untyped-def]
    first = signed_in(world.principal_a)
    second = signed_in(world.principal_a)
    assert Session.objects.count() == 2
    world.principal_a.is_active = False
    world.principal_a.save()
    assert Session.objects.count() == 0
    for client in (first, second):
        assert client.get(reverse("school_detail", args=[world.school_a.pk])).status_code == 302


def _code(key: str, offset: int = 0) -> str:
    """The authenticator app's current code for a hex key (RFC 6238)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30 * offset
    return f"{totp.token():06d}"


def _enrolled(user) -> str:  # type: ignore[no-untyped-def]
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
    return key


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_bureau_staff_must_enrol_then_confirm_each_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.bureau)
    response = client.get(reverse("bureau_overview"))
    assert response.status_code == 302 and reverse("twofactor_setup") in response["Location"]
    page = client.get(reverse("twofactor_setup"))
    key = client.session["jianfu_2fa_pending_key"]
    assert page.context["secret"] == base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    assert client.post(reverse("twofactor_setup"), {"code": "000000"}).status_code == 200
    code = _code(key)
    done = client.post(reverse("twofactor_setup"), {"code": code})
    # The backup codes are shown once, and the session is verified.
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("bureau_overview")).status_code == 200

    # Next sign-in: password, then a fresh code; a replayed code is refused.
    again = signed_in(world.bureau)
    assert reverse("twofactor_verify") in again.get(reverse("bureau_overview"))["Location"]
    replay = again.post(reverse("twofactor_verify"), {"code": code})
    assert "已被使用" in replay.content.decode() or "错误" in replay.content.decode()
    assert again.get(reverse("bureau_overview")).status_code == 302

    # A backup code signs in once.
    third = signed_in(world.bureau)
    # (django-otp throttles a device for a second after the wrong code above.)
    StaticDevice.objects.filter(user=world.bureau).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert third.post(reverse("twofactor_verify"), {"code": codes[0], "next": "/bureau/"})["Location"] == "/bureau/"
    fourth = signed_in(world.bureau)
    assert fourth.post(reverse("twofactor_verify"), {"code": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=world.bureau).count() == 9


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_valid_code_lets_bureau_in(world) -> None:  # type: ignore[no-untyped-def]
    key = _enrolled(world.bureau)
    client = signed_in(world.bureau)
    response = client.post(reverse("twofactor_verify"), {"code": _code(key), "next": "/bureau/"})
    assert response["Location"] == "/bureau/"
    assert client.get("/bureau/").status_code == 200


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_open_redirect_after_code_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    key = _enrolled(world.bureau)
    client = signed_in(world.bureau)
    response = client.post(reverse("twofactor_verify"), {"code": _code(key), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_principal_may_opt_in_and_out(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.principal_a)
    client.get(reverse("twofactor_setup"))
    key = client.session["jianfu_2fa_pending_key"]
    codes = client.post(reverse("twofactor_setup"), {"code": _code(key)}).context["codes"]
    assert TOTPDevice.objects.filter(user=world.principal_a, confirmed=True).exists()
    # Opted in: the next sign-in asks for a code although principals need not.
    again = signed_in(world.principal_a)
    assert reverse("twofactor_verify") in again.get(reverse("home"))["Location"]
    # Turning it off takes a verified session and a fresh code (here a backup code).
    assert reverse("twofactor_verify") in again.post(reverse("twofactor_manage"), {"code": codes[0]})["Location"]
    again.post(reverse("twofactor_verify"), {"code": _code(key, 1)})
    assert again.post(reverse("twofactor_manage"), {"code": codes[0]}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.principal_a).exists()


def _production_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The production settings module, loaded with a production environment."""
    from tests.jianfu.test_settings import PROD_ENV

    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("jianfu.settings.production", None)
    try:
        return importlib.import_module("jianfu.settings.production")
    finally:
        sys.modules.pop("jianfu.settings.production", None)


def test_password_alone_never_passes_the_second_factor_in_production(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The attack of issue 12: with the production middleware, a bureau
    account with an authenticator, sign in with the password only, open
    enrolment and enrol an authenticator of one's own. The session must stay
    unverified and the owner's authenticator must stay as it was."""
    production = _production_settings(monkeypatch)
    assert production.TOTP_REQUIRED_FOR_BUREAU
    owner_key = _enrolled(world.bureau)
    with override_settings(MIDDLEWARE=production.MIDDLEWARE, TOTP_REQUIRED_FOR_BUREAU=True, SECURE_SSL_REDIRECT=False):
        attacker = signed_in(world.bureau)
        page = attacker.get(reverse("twofactor_setup"))
        assert page.status_code == 302 and reverse("twofactor_verify") in page["Location"]
        attacker_key = secrets.token_hex(20)
        session = attacker.session
        session["jianfu_2fa_pending_key"] = attacker_key
        session["jianfu_2fa_pending_secret"] = base64.b32encode(bytes.fromhex(attacker_key)).decode()
        session.save()
        posted = attacker.post(reverse("twofactor_setup"), {"code": _code(attacker_key)})
        assert posted.status_code == 302 and reverse("twofactor_verify") in posted["Location"]
        # Still unverified everywhere, the manage page included.
        for name in ("bureau_overview", "twofactor_manage"):
            response = attacker.get(reverse(name))
            assert response.status_code == 302 and reverse("twofactor_verify") in response["Location"]
        assert attacker.get("/admin/").status_code == 302
    devices = list(TOTPDevice.objects.filter(user=world.bureau))
    assert [d.key for d in devices] == [owner_key]


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_replacing_the_authenticator_needs_a_verified_session(world) -> None:  # type: ignore[no-untyped-def]
    old_key = _enrolled(world.bureau)
    client = signed_in(world.bureau)
    client.post(reverse("twofactor_verify"), {"code": _code(old_key)})
    client.get(reverse("twofactor_setup"))
    new_key = client.session["jianfu_2fa_pending_key"]
    assert client.post(reverse("twofactor_setup"), {"code": _code(new_key)}).status_code == 200
    assert [d.key for d in TOTPDevice.objects.filter(user=world.bureau)] == [new_key]


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True, TOTP_ENROL_WINDOW_SECONDS=600)
def test_first_enrolment_only_right_after_the_password(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.bureau)
    _age_session(client, SESSION_LOGIN_AT, 601)
    _age_session(client, SESSION_SEEN_AT, 10)
    response = client.get(reverse("twofactor_setup"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.filter(user=world.bureau).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_code_sent_twice_at_once_passes_once() -> None:
    """The replay guard is atomic: django-otp locks the device row while it
    checks the code and moves its last accepted time step."""
    from django.db import connection, connections

    from tests.factories import BureauUserFactory

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    user = BureauUserFactory()
    key = _enrolled(user)
    clients = [signed_in(user) for _ in range(6)]
    code = _code(key)
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def one(client: Client) -> None:
        try:
            barrier.wait()
            results.append(client.post(reverse("twofactor_verify"), {"code": code}).get("Location", ""))
        finally:
            connections.close_all()

    with override_settings(TOTP_REQUIRED_FOR_BUREAU=True):
        threads = [threading.Thread(target=one, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(1 for location in results if location) == 1


def test_bureau_staff_reset_a_lost_authenticator_in_the_admin_and_it_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    from jianfu.models import AuditAction, AuditEvent
    from tests.factories import BureauUserFactory

    _enrolled(world.principal_a)
    administrator = BureauUserFactory(is_superuser=True)
    admin = Client()
    admin.force_login(administrator)
    response = admin.post(
        reverse("admin:jianfu_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.principal_a.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.principal_a).exists()
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert event.user == administrator and event.object_id == str(world.principal_a.pk)
    # Staff may look at devices but never add one (that would be a key they
    # know) nor see a key or backup code.
    assert admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    key = _enrolled(world.principal_b)
    device = TOTPDevice.objects.get(user=world.principal_b)
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and key not in page.content.decode()
    backup = StaticDevice.objects.create(user=world.principal_b, name="backup")
    StaticToken.objects.create(device=backup, token="secret42")
    page = admin.get(reverse("admin:otp_static_staticdevice_change", args=[backup.pk]))
    assert page.status_code == 200 and "secret42" not in page.content.decode()


def test_enrolling_ends_the_accounts_other_sessions(world) -> None:  # type: ignore[no-untyped-def]
    """A session opened with the password alone before the authenticator
    existed must not carry on without it."""
    earlier = signed_in(world.principal_a)
    client = signed_in(world.principal_a)
    client.get(reverse("twofactor_setup"))
    key = client.session["jianfu_2fa_pending_key"]
    assert client.post(reverse("twofactor_setup"), {"code": _code(key)}).status_code == 200
    assert client.get(reverse("home")).status_code == 302  # to the school page, verified
    response = earlier.get(reverse("school_detail", args=[world.school_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_admin_sign_in_page_also_leads_to_the_second_factor(world) -> None:  # type: ignore[no-untyped-def]
    # (The test settings do not oblige bureau staff: the device alone obliges.)
    key = _enrolled(world.bureau)
    client = Client()
    client.post(reverse("admin:login"), {"username": world.bureau.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    for url in (reverse("bureau_overview"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("twofactor_verify") in response["Location"]
    client.post(reverse("twofactor_verify"), {"code": _code(key)})
    assert client.get(reverse("bureau_overview")).status_code == 200
