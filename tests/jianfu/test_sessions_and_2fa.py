from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

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


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_bureau_staff_must_enrol_then_confirm_each_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.bureau)
    response = client.get(reverse("bureau_overview"))
    assert response.status_code == 302 and reverse("twofactor_setup") in response["Location"]
    page = client.get(reverse("twofactor_setup"))
    secret = page.context["secret"]
    assert client.post(reverse("twofactor_setup"), {"code": "000000"}).status_code == 200
    code = pyotp.TOTP(secret).now()
    assert client.post(reverse("twofactor_setup"), {"code": code}).status_code == 302
    assert client.get(reverse("bureau_overview")).status_code == 200

    # Next sign-in: password, then a fresh code; a replayed code is refused.
    again = signed_in(world.bureau)
    assert reverse("twofactor_verify") in again.get(reverse("bureau_overview"))["Location"]
    replay = again.post(reverse("twofactor_verify"), {"code": code})
    assert "已被使用" in replay.content.decode() or "错误" in replay.content.decode()
    assert again.get(reverse("bureau_overview")).status_code == 302


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_valid_code_lets_bureau_in(world) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    world.bureau.totp_secret = secret
    from django.utils import timezone

    world.bureau.totp_confirmed_at = timezone.now()
    world.bureau.save()
    client = signed_in(world.bureau)
    response = client.post(reverse("twofactor_verify"), {"code": pyotp.TOTP(secret).now(), "next": "/bureau/"})
    assert response["Location"] == "/bureau/"
    assert client.get("/bureau/").status_code == 200


@override_settings(TOTP_REQUIRED_FOR_BUREAU=True)
def test_open_redirect_after_code_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    from django.utils import timezone

    world.bureau.totp_secret = secret
    world.bureau.totp_confirmed_at = timezone.now()
    world.bureau.save()
    client = signed_in(world.bureau)
    response = client.post(
        reverse("twofactor_verify"), {"code": pyotp.TOTP(secret).now(), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_principal_may_opt_in_and_out(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.principal_a)
    secret = client.get(reverse("twofactor_setup")).context["secret"]
    client.post(reverse("twofactor_setup"), {"code": pyotp.TOTP(secret).now()})
    world.principal_a.refresh_from_db()
    assert world.principal_a.totp_confirmed_at is not None
    # Opted in: the next sign-in asks for a code although principals need not.
    again = signed_in(world.principal_a)
    assert reverse("twofactor_verify") in again.get(reverse("home"))["Location"]
