"""A page's CSRF token, as Django's ``get_token`` gives it, with its mask
drawn in one read of the operating system's random source.

Every page carrying a form gets the visitor's CSRF secret masked afresh (a
random mask of 32 characters, then the secret shifted by it), so that no two
responses hold the same token and compression cannot leak the secret
(BREACH). Django draws the mask one character at a time from
``secrets.SystemRandom``: 32 calls into the random source and a division
each, a twentieth of a public status look-up. Here the same distribution is
drawn from one ``os.urandom`` read (the source ``SystemRandom`` reads): each
byte below 248 (four times 62) maps to one of the 62 characters, each
character from exactly four byte values, so every character is equally
likely; bytes 248-255 are dropped, not folded in (folding would make eight
characters likelier than the others). The secret is shifted by the mask
with a table of the 62x62 sums instead of two ``str.index`` per character.

The token is one Django's middleware checks like its own (it unmasks it with
``_unmask_cipher_token``), and the cookie is renewed as ``get_token`` renews
it. A request without a secret yet (a first visit) goes to ``get_token``
itself, which makes one and sets the cookie. ``tests/jianfu/test_csrf.py``
checks both against Django's own functions and the distribution of masks.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_COUNT = len(CSRF_ALLOWED_CHARS)
# Bytes kept: those below the largest multiple of the alphabet's size.
_KEPT = _COUNT * (256 // _COUNT)
# byte -> the character it draws (bytes >= _KEPT are deleted before mapping).
_DRAW = bytes(ord(CSRF_ALLOWED_CHARS[value % _COUNT]) for value in range(256))
_DROPPED = bytes(range(_KEPT, 256))
# (secret character, mask character) -> the cipher's character, as Django's
# ``_mask_cipher_secret`` computes it.
_SHIFT = {
    (secret, mask): CSRF_ALLOWED_CHARS[(CSRF_ALLOWED_CHARS.index(secret) + CSRF_ALLOWED_CHARS.index(mask)) % _COUNT]
    for secret in CSRF_ALLOWED_CHARS
    for mask in CSRF_ALLOWED_CHARS
}


def csrf_mask_new() -> str:
    """32 characters of the token alphabet, each uniformly at random."""
    drawn = b""
    while len(drawn) < CSRF_SECRET_LENGTH:
        # 40 bytes keep 32 or more but once in about 10^8 draws; then more are read.
        drawn += os.urandom(CSRF_SECRET_LENGTH + 8).translate(_DRAW, _DROPPED)
    return drawn[:CSRF_SECRET_LENGTH].decode("ascii")


def csrf_token_get(*, request: HttpRequest) -> str:
    """What ``django.middleware.csrf.get_token(request)`` returns, with the
    same effect on the response (the cookie renewed)."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    mask = csrf_mask_new()
    try:
        cipher = "".join(map(_SHIFT.__getitem__, zip(secret, mask, strict=True)))
    except KeyError:
        # Not a secret of the alphabet: the middleware replaces such a
        # cookie before any view runs, so this never happens there; outside
        # it, Django's own function does what it does (it raises).
        return get_token(request)
    # As get_token: the cookie is used, so it is sent again (its expiry renewed).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask + cipher
