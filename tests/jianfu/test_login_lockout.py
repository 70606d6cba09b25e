from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from jianfu.models import LoginFailure
from tests.factories import PASSWORD, BureauUserFactory

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_good_password_signs_in_and_clears_failures() -> None:
    user = BureauUserFactory()
    client = Client()
    attempt(client, user.username, "wrong")
    assert LoginFailure.objects.count() == 1
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert LoginFailure.objects.count() == 0


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=3)
def test_account_locked_after_repeated_failures_even_with_right_password() -> None:
    user = BureauUserFactory()
    client = Client()
    for _ in range(3):
        assert attempt(client, user.username, "wrong").status_code == 200
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=100, LOGIN_FAILURE_LIMIT_PER_ADDRESS=4)
def test_address_locked_after_failures_across_accounts() -> None:
    user = BureauUserFactory()
    client = Client()
    for i in range(4):
        attempt(client, f"nobody{i}", "wrong", ip="10.9.9.9")
    assert "登录失败次数过多" in attempt(client, user.username, PASSWORD, ip="10.9.9.9").content.decode()
    # Another address is not affected.
    assert attempt(client, user.username, PASSWORD, ip="10.9.9.8").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=2)
def test_lockout_expires_after_window() -> None:
    import datetime

    from django.utils import timezone

    user = BureauUserFactory()
    client = Client()
    attempt(client, user.username, "wrong")
    attempt(client, user.username, "wrong")
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, PASSWORD).status_code == 302
