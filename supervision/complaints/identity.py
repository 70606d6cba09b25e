"""The complainant's identity: validation, storage form and display form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jianfu.crypto import decrypt_text, encrypt_text, keyed_hash, mask_name, mask_phone

# ASCII digits only: ``\d`` also matches full-width and other scripts'
# digits, which let "138１２３４５６７８" through as a different phone.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def normalize_phone(raw: str) -> str:
    """ASCII digits only, without a +86 / 0086 prefix. NFKC first: Chinese
    keyboards type full-width digits (``１３８…``), and a phone stored or
    counted in them is another phone to the per-phone limit and to the
    keyed hash that finds the same complainant's other cases."""
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits


def is_mainland_mobile(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone))


def phone_hash(phone: str) -> str:
    return keyed_hash(phone, purpose="complainant-phone") if phone else ""


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone)


def sealed(name: str, phone: str) -> dict[str, str]:
    """The model fields holding ``name`` and ``phone``."""
    return {
        "name_encrypted": encrypt_text(name),
        "phone_encrypted": encrypt_text(phone),
        "phone_hash": phone_hash(phone),
    }


def unsealed(name_encrypted: str, phone_encrypted: str) -> Complainant:
    return Complainant(name=decrypt_text(name_encrypted), phone=decrypt_text(phone_encrypted))
