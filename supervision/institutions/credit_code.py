"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and capital letters
without I, O, S, V, Z). The last is a check character: each of the first 17
characters' values is weighted by 3^i mod 31 (i = 0 … 16), and the check
value is 31 - (sum mod 31), with 31 written as 0."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18


def normalize_credit_code(text: str) -> str:
    """Upper case without spaces: codes are often typed in lower case or
    copied with spaces between the groups."""
    return "".join((text or "").split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` (normalised) is not a valid code, in words for the
    user, or None when it is valid."""
    if len(code) != LENGTH:
        return _("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        return _(
            "A unified social credit code uses digits and capital letters except I, O, S, V and Z: "
            "“%(chars)s” is not allowed."
        ) % {"chars": "".join(bad)}
    expected = check_character(code[:17])
    if code[17] != expected:
        return _(
            "The check character (the last one) of this unified social credit code is wrong: "
            "please check the code for a typing error."
        )
    return None


def validate_credit_code(value: str) -> None:
    """A form or model validator."""
    message = credit_code_error(normalize_credit_code(value))
    if message:
        raise ValidationError(message, code="credit_code")
