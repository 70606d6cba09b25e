"""Field encryption of complainants' names and phones, keyed hashes and
masking."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from jianfu import crypto


def test_round_trip_and_no_clear_text() -> None:
    token = crypto.encrypt_text("13812345678")
    assert "13812345678" not in token and crypto.decrypt_text(token) == "13812345678"
    assert crypto.encrypt_text("") == "" and crypto.decrypt_text("") == ""
    # Fernet is randomised: the same phone gives different tokens.
    assert crypto.encrypt_text("13812345678") != token


def test_key_rotation_keeps_old_values_readable(settings) -> None:  # type: ignore[no-untyped-def]
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = crypto.encrypt_text("王家长")
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert crypto.decrypt_text(token) == "王家长"
    settings.FIELD_ENCRYPTION_KEY = new
    assert crypto.decrypt_text(token) == ""  # unreadable without the old key, not an error


def test_keyed_hash_depends_on_purpose_and_key(settings) -> None:  # type: ignore[no-untyped-def]
    a = crypto.keyed_hash("13812345678", purpose="phone")
    assert a == crypto.keyed_hash("13812345678", purpose="phone")
    assert a != crypto.keyed_hash("13812345678", purpose="rate")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert a != crypto.keyed_hash("13812345678", purpose="phone")


def test_bad_key_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.check_keys("not-a-fernet-key")
    crypto.check_keys(Fernet.generate_key().decode())


@pytest.mark.parametrize(
    ("phone", "masked"), [("13812345678", "138****5678"), ("057385123456", "057****3456"), ("12345", "*2345")]
)
def test_mask_phone(phone, masked) -> None:  # type: ignore[no-untyped-def]
    assert crypto.mask_phone(phone) == masked


def test_mask_name() -> None:
    assert crypto.mask_name("欧阳秘密") == "欧***"
    assert crypto.mask_name("王") == "王*"
    assert crypto.mask_name("") == ""
