from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, connections
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from jianfu.models import RateCounter
from tests.factories import PASSWORD, BureauUserFactory

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1", **extra):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_good_password_signs_in_and_clears_failures() -> None:
    user = BureauUserFactory()
    client = Client()
    attempt(client, user.username, "wrong")
    assert RateCounter.objects.get(scope="signin_account").count == 1
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert not RateCounter.objects.filter(scope="signin_account").exists()
    # The address keeps only the failure, not the good sign-in.
    assert RateCounter.objects.get(scope="signin_address").count == 1


def test_counters_hold_no_username_or_address() -> None:
    user = BureauUserFactory()
    attempt(Client(), user.username, "wrong", ip="10.7.7.7")
    for row in RateCounter.objects.all():
        assert user.username not in row.key_hash and "10.7.7.7" not in row.key_hash


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=3)
def test_account_locked_after_repeated_failures_even_with_right_password() -> None:
    user = BureauUserFactory()
    client = Client()
    for _ in range(3):
        assert attempt(client, user.username, "wrong").status_code == 200
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "该账号" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=100, LOGIN_FAILURE_LIMIT_PER_ADDRESS=4)
def test_address_locked_after_failures_across_accounts_and_says_so() -> None:
    user = BureauUserFactory()
    client = Client()
    for i in range(4):
        attempt(client, f"nobody{i}", "wrong", ip="10.9.9.9")
    page = attempt(client, user.username, PASSWORD, ip="10.9.9.9").content.decode()
    assert "登录失败次数过多" in page
    # The address is locked, not the account: the message must not blame it.
    assert "网络地址" in page and "该账号" not in page
    # Another address is not affected.
    assert attempt(client, user.username, PASSWORD, ip="10.9.9.8").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=2)
def test_lockout_expires_after_window() -> None:
    user = BureauUserFactory()
    client = Client()
    attempt(client, user.username, "wrong")
    attempt(client, user.username, "wrong")
    assert "登录失败次数过多" in attempt(client, user.username, PASSWORD).content.decode()
    RateCounter.objects.update(window_start=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=3, LOGIN_FAILURE_LIMIT_PER_ACCOUNT=100, TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_each_visitor_is_counted_under_their_own_address() -> None:
    """Deployed behind the TLS proxy every request comes from the proxy's
    address; the visitor is the address the proxy appended to X-Forwarded-For
    (what a visitor puts in the header themselves does not count)."""
    user = BureauUserFactory()
    client = Client()
    proxy = "172.18.0.2"
    for i in range(3):
        # The attacker forges a first entry; the proxy appends the real one.
        attempt(client, f"nobody{i}", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9")
    locked = attempt(client, user.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "网络地址" in locked.content.decode()
    # Anyone else behind the same proxy still signs in.
    assert attempt(client, user.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=3, LOGIN_FAILURE_LIMIT_PER_ACCOUNT=100)
def test_without_trusted_proxy_the_header_is_ignored() -> None:
    user = BureauUserFactory()
    client = Client()
    for i in range(3):
        attempt(client, f"nobody{i}", "wrong", ip="10.3.3.3", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert "网络地址" in attempt(client, user.username, PASSWORD, ip="10.3.3.3").content.decode()


class CountingHasher(MD5PasswordHasher):
    """MD5 (the test settings' hasher) that counts password checks and takes
    as long as a real hash would, so simultaneous attempts overlap."""

    algorithm = "md5"
    checks = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        import time

        with CountingHasher.lock:
            CountingHasher.checks += 1
        time.sleep(0.2)
        return super().verify(password, encoded)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@override_settings(
    LOGIN_FAILURE_LIMIT_PER_ACCOUNT=5,
    PASSWORD_HASHERS=["tests.jianfu.test_login_lockout.CountingHasher"],
)
def test_twenty_simultaneous_wrong_passwords_check_at_most_the_limit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    user = BureauUserFactory()
    CountingHasher.checks = 0
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            statuses.append(attempt(client, user.username, f"wrong{i}", ip=f"10.20.0.{i}").status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert statuses == [200] * 20
    assert 1 <= CountingHasher.checks <= 5
    # And the account is locked now, for the right password too.
    assert "登录失败次数过多" in attempt(Client(), user.username, PASSWORD).content.decode()


def test_counters_past_their_window_are_purged_by_a_beat_task(settings) -> None:  # type: ignore[no-untyped-def]
    from jianfu.tasks import counters_retention, purge_rate_counters

    entry = settings.CELERY_BEAT_SCHEDULE["purge-rate-counters"]
    assert entry["task"] == "jianfu.purge_rate_counters"
    attempt(Client(), "someone", "wrong")
    old = timezone.now() - counters_retention() - datetime.timedelta(minutes=1)
    RateCounter.objects.create(scope="signin_account", key_hash="x" * 64, window_start=old, count=5)
    purge_rate_counters.delay()
    assert not RateCounter.objects.filter(key_hash="x" * 64).exists()
    assert RateCounter.objects.filter(scope="signin_account").count() == 1


@override_settings(LOGIN_FAILURE_LIMIT_PER_ACCOUNT=2)
def test_the_admin_sign_in_page_counts_towards_the_same_lockout() -> None:
    user = BureauUserFactory()
    client = Client()
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.8.0.1")
    page = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.8.0.1"
    )
    assert "登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session
