"""Failed-sign-in lockout, per account and per address.

Every attempt takes a place in both counters BEFORE the password is checked
(one atomic upsert each, :mod:`jianfu.counters`); an attempt whose place is
beyond the limit is refused without a password check, so however many
requests arrive at once, at most the limit of passwords are tried. A
successful sign-in clears the account's counter and gives its place back to
the address (a school's NAT puts many good sign-ins behind one address).
"""

from __future__ import annotations

import datetime
import enum

from django.conf import settings

from jianfu.counters import counter_clear, counter_hit, counter_release, counter_value

ACCOUNT = "signin_account"
ADDRESS = "signin_address"


class Locked(enum.Enum):
    NO = "no"
    ACCOUNT = "account"
    ADDRESS = "address"


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _account(username: str) -> str:
    return username.strip().casefold()


def signin_attempt_begin(*, username: str, ip: str | None) -> Locked:
    """Count an attempt about to check a password; whether it must be refused."""
    window = _window()
    if ip and counter_value(scope=ADDRESS, value=ip, window=window) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
        return Locked.ADDRESS
    if counter_hit(scope=ACCOUNT, value=_account(username), window=window) > settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT:
        counter_release(scope=ACCOUNT, value=_account(username))
        return Locked.ACCOUNT
    if ip and counter_hit(scope=ADDRESS, value=ip, window=window) > settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
        counter_release(scope=ADDRESS, value=ip)
        counter_release(scope=ACCOUNT, value=_account(username))
        return Locked.ADDRESS
    return Locked.NO


def signin_attempt_succeeded(*, username: str, ip: str | None) -> None:
    counter_clear(scope=ACCOUNT, value=_account(username))
    if ip:
        counter_release(scope=ADDRESS, value=ip)


def signin_failure_record(*, username: str, ip: str | None) -> Locked:
    """A failure outside the password form (a wrong second-factor code)."""
    return signin_attempt_begin(username=username, ip=ip)


def signin_locked(*, username: str, ip: str | None) -> Locked:
    window = _window()
    if ip and counter_value(scope=ADDRESS, value=ip, window=window) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
        return Locked.ADDRESS
    if (
        counter_value(scope=ACCOUNT, value=_account(username), window=window)
        >= settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT
    ):
        return Locked.ACCOUNT
    return Locked.NO


def signin_unlock(*, username: str) -> None:
    """Bureau staff let an account in again before the window has passed."""
    counter_clear(scope=ACCOUNT, value=_account(username))
