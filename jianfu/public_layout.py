"""The public pages' layout (``base.html``) rendered once per process.

A parent looking up a complaint gets the same navigation bar, header and
footer as every other visitor without a session: only the page's own block
and the CSRF token differ. Rendering the layout through Django's template
engine was about half of a status look-up's time, so for those visitors it
is rendered once, with placeholders where the page's block and the token
go, kept in this process (it reads nothing from the database: templates,
translations, static paths and settings, all fixed while the process runs),
and each request renders only its own block into it.

Visitors with a session or a messages cookie, signed-in users and URLs with
a query string get the whole template rendered as before, so nothing they
see changes: the shortcut is only ever taken where the result is the same.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.utils.translation import get_language

from jianfu.csrf import csrf_token_get
from jianfu.stamped import stamped_render

SHELL_TEMPLATE = "public_shell.html"


def _placeholder(what: str) -> str:
    # Derived from SECRET_KEY: no visitor can know it, so no submitted text
    # can smuggle one into a page.
    return _placeholder_for(what, settings.SECRET_KEY)


@functools.lru_cache(maxsize=16)
def _placeholder_for(what: str, secret: str) -> str:
    # Once per key, not per request (the HMAC was 2 % of a look-up).
    return f"jf-{what}-" + salted_hmac("jianfu.public_layout", what, secret=secret).hexdigest()[:40]


def shell_applies(request: HttpRequest) -> bool:
    """Whether ``request`` would see the layout every anonymous visitor sees."""
    # The raw query string, not ``request.GET``: parsing it into a QueryDict
    # only to see that it is empty was a hundredth of a status look-up.
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or request.META.get("QUERY_STRING")
    ):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


# (language, path, title, settings shown) -> the layout before and after the
# page's block. Only the public views that use it fill it, each at its own
# fixed path, so it stays a handful of entries.
_SHELLS: dict[tuple[Any, ...], tuple[str, str]] = {}
_SHELLS_MAX = 64


def _shell(request: HttpRequest, title: str) -> tuple[str, str]:
    """The layout around the page's block, split at the block, with the
    CSRF placeholder still in place (the language form in the navigation bar
    carries a token)."""
    key = (get_language(), request.path, title, settings.BUREAU_NAME, settings.STATIC_URL)
    found = _SHELLS.get(key)
    if found is None:
        html = render_to_string(
            SHELL_TEMPLATE,
            {"shell_title": title, "shell_body": _placeholder("body"), "csrf_token": _placeholder("csrf")},
            request=request,
        )
        before, after = html.split(_placeholder("body"))
        found = (before, after)
        if len(_SHELLS) >= _SHELLS_MAX:
            _SHELLS.clear()
        _SHELLS[key] = found
    return found


def public_layout_render(
    *,
    request: HttpRequest,
    template: str,
    body_template: str,
    context: dict[str, Any],
    title: str,
    fixed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``template`` (which extends ``base.html`` and includes ``body_template``
    as its content) for ``request``: the body rendered into the cached layout
    when the visitor would see the common one, the whole template otherwise.
    The body is rendered from a stamp (:mod:`jianfu.stamped`) when ``context``
    allows; ``fixed`` is the part of it that is the same for every request
    of the process."""
    fixed = fixed or {}
    if not shell_applies(request):
        return HttpResponse(render_to_string(template, {**fixed, **context}, request=request), status=status)
    token = csrf_token_get(request=request)
    before, after = _shell(request, title)
    body = stamped_render(
        template=body_template,
        context={**context, "csrf_token": token},
        fixed={**fixed, "BUREAU_NAME": settings.BUREAU_NAME, "COMPLAINT_HOTLINE": settings.COMPLAINT_HOTLINE},
    )
    csrf = _placeholder("csrf")
    return HttpResponse(before.replace(csrf, token) + body + after.replace(csrf, token), status=status)


# What ``add_never_cache_headers`` writes on a response that has neither header.
_NEVER_CACHE_CONTROL = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cache_fast(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Django's ``never_cache`` for the public pages' views: a response with
    neither ``Expires`` nor ``Cache-Control`` (every page of
    :func:`public_layout_render`) gets the two headers Django would write,
    set directly instead of parsing and rebuilding ``Cache-Control`` twice
    (a fiftieth of a status look-up); any other response goes through
    Django's own function. ``tests/jianfu/test_public_layout_headers.py``
    compares both."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        headers = response.headers
        if "Expires" in headers or "Cache-Control" in headers:
            add_never_cache_headers(response)
        else:
            headers["Expires"] = http_date(time.time())
            headers["Cache-Control"] = _NEVER_CACHE_CONTROL
        return response

    return wrapped
