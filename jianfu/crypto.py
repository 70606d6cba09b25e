"""Field encryption and keyed hashes for personal data (a complainant's name
and phone number).

The key comes from ``settings.FIELD_ENCRYPTION_KEY``: one or more Fernet keys
separated by commas, the first used to encrypt and all tried to decrypt, so a
key can be rotated by putting the new one first. Without it (development and
tests) a key is derived from ``SECRET_KEY``; production settings refuse to
start without an explicit key, because changing SECRET_KEY must not make the
stored names unreadable.

Keyed hashes (HMAC-SHA256 with a key derived from the first encryption key)
let the portal count submissions per phone number or address, and find
earlier cases of the same caller, without storing the number in clear. A
rotated first key changes the hashes: rate-limit windows start afresh and
older cases are no longer found by phone, which is acceptable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived(label: str, secret: str) -> bytes:
    return hashlib.sha256(f"jianfu:{label}:{secret}".encode()).digest()


@lru_cache(maxsize=4)
def _keys(configured: str, secret_key: str) -> tuple[MultiFernet, bytes]:
    raw = [k.strip() for k in configured.split(",") if k.strip()]
    if not raw:
        raw = [base64.urlsafe_b64encode(_derived("field-encryption", secret_key)).decode()]
    try:
        fernets = [Fernet(k.encode()) for k in raw]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), comma-separated"
        ) from exc
    return MultiFernet(fernets), _derived("keyed-hash", raw[0])


def check_keys(configured: str) -> None:
    """Raise ImproperlyConfigured unless ``configured`` holds valid keys (for
    the production settings, so a typo stops the start, not a complaint)."""
    if configured.strip():
        _keys(configured, "")


def _current() -> tuple[MultiFernet, bytes]:
    return _keys(getattr(settings, "FIELD_ENCRYPTION_KEY", ""), settings.SECRET_KEY)


def encrypt_text(value: str) -> str:
    """Encrypt ``value``; the empty string stays empty."""
    if not value:
        return ""
    return _current()[0].encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    """Decrypt a value of :func:`encrypt_text`. A token no configured key
    opens gives an empty string and is not an error: the page still renders,
    without the identity."""
    if not token:
        return ""
    try:
        return _current()[0].decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def keyed_hash(value: str, *, purpose: str) -> str:
    """A hex HMAC of ``value`` for ``purpose`` (so hashes of the same phone
    for different uses do not match each other)."""
    key = _current()[1]
    # (the one-shot ``hmac.digest``: the same HMAC, a third of the time of
    # building an ``hmac.HMAC`` object; every public request hashes its address)
    return hmac.digest(key, f"{purpose}:{value}".encode(), "sha256").hex()


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile number; the last four digits otherwise."""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)


def mask_name(name: str) -> str:
    """The family name and a star per other character: 张** ."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
