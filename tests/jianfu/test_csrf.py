"""The public pages' CSRF token (jianfu/csrf.py) is one Django's middleware
accepts, masked afresh on every page with every character equally likely,
and renews the cookie as Django's ``get_token`` does."""

from __future__ import annotations

import collections
import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    CsrfViewMiddleware,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory

from jianfu.csrf import csrf_mask_new, csrf_token_get


def _request(secret: str | None) -> HttpRequest:
    request = RequestFactory().get("/complain/status/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_the_token_unmasks_to_the_secret_and_differs_each_time() -> None:
    tokens = set()
    for _ in range(300):
        secret = _get_new_csrf_string()
        token = csrf_token_get(request=_request(secret))
        assert len(token) == CSRF_TOKEN_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
        tokens.add(token)
    assert len(tokens) == 300
    secret = _get_new_csrf_string()
    assert csrf_token_get(request=_request(secret)) != csrf_token_get(request=_request(secret))


def test_every_character_of_the_mask_is_equally_likely() -> None:
    """A chi-square test over 100,000 characters: folding the bytes 248-255
    onto the alphabet instead of dropping them makes eight characters a
    quarter likelier (a statistic near 650); a fair draw gives about 61
    (61 degrees of freedom) and exceeds 140 about once in 10^9 runs."""
    counts: collections.Counter[str] = collections.Counter()
    draws = 3125
    for _ in range(draws):
        mask = csrf_mask_new()
        assert len(mask) == CSRF_SECRET_LENGTH
        counts.update(mask)
    total = draws * CSRF_SECRET_LENGTH
    expected = total / len(CSRF_ALLOWED_CHARS)
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    statistic = sum((counts[char] - expected) ** 2 / expected for char in CSRF_ALLOWED_CHARS)
    assert statistic < 140, statistic
    # Each position too, not only the whole (a mask repeating a pattern).
    first = collections.Counter(csrf_mask_new()[0] for _ in range(6200))
    assert len(first) == len(CSRF_ALLOWED_CHARS)


def test_the_cookie_is_renewed_as_get_token_renews_it() -> None:
    secret = _get_new_csrf_string()
    request = _request(secret)
    csrf_token_get(request=request)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    response = CsrfViewMiddleware(lambda r: HttpResponse("ok")).process_response(request, HttpResponse("ok"))
    assert response.cookies["csrftoken"].value == secret


def test_a_first_visit_gets_a_new_secret_from_get_token() -> None:
    request = _request(None)
    token = csrf_token_get(request=request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["short", "é" * CSRF_SECRET_LENGTH, "!" * CSRF_SECRET_LENGTH])
def test_a_malformed_cookie_is_replaced_before_the_page_masks_it(cookie: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = cookie
    page = client.get("/complain/status/")
    assert page.status_code == 200
    secret = page.cookies["csrftoken"].value
    assert secret != cookie and len(secret) == CSRF_SECRET_LENGTH
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None and _unmask_cipher_token(token.group(1)) == secret


@pytest.mark.django_db
def test_the_status_page_token_is_accepted_and_a_tampered_one_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/complain/status/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    secret = client.cookies["csrftoken"].value
    assert _unmask_cipher_token(token.group(1)) == secret
    posted = client.post("/complain/status/", {"csrfmiddlewaretoken": token.group(1), "number": "X", "code": "Y"})
    assert posted.status_code == 200
    # The next page's token is another mask of the same secret, and the cookie renewed.
    assert posted.cookies["csrftoken"].value == secret
    again = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', posted.content.decode())
    assert again is not None and again.group(1) != token.group(1)
    tampered = token.group(1)[:CSRF_SECRET_LENGTH] + token.group(1)[CSRF_SECRET_LENGTH:][::-1]
    refused = client.post("/complain/status/", {"csrfmiddlewaretoken": tampered, "number": "X", "code": "Y"})
    assert refused.status_code == 403
