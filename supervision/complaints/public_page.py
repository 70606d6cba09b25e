"""The fresh public complaint form, rendered once and served from the cache.

Every parent opening the form from a school's sign gets the same page but
for its CSRF token: the template (base layout, crispy fields, translations)
was most of the request's time, and the page is the portal's busiest. The
page is rendered with a placeholder where the token goes, stored in the
shared cache, and each request puts its own token in the placeholder's
place, so nothing about the CSRF defence changes (the token is still the
request's own, and its cookie is set as before).

Only what is the same for every visitor is cached: a GET by a visitor
without a session (no messages, no signed-in menu), whose query string is
empty or a single school code or institution id (so that nobody can fill
the cache with pages of made-up URLs: a prefill is cached only once it names
a real school or institution). The key holds the language, the URL and the
settings the page shows; the stored page carries the version of what it
read from the database (categories, schools, institutions and their public
lists), which any save of those raises, so a category renamed in the
administration shows at once. Changes that send no signal (a bulk update
of the register) show within ``PAGE_SECONDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from jianfu.csrf import csrf_token_get
from jianfu.versioned_cache import versioned_cache_bump_on_save, versioned_cache_get

PAGE_SECONDS = 60
# Raise when the form's templates change, so that pages cached in a shared
# cache (Redis) by the previous release are not served.
PAGE_TEMPLATE_VERSION = 3
VERSION_KEY = "complaint_public_form:version"


def csrf_placeholder() -> str:
    """Where the cached page's CSRF token goes: the same in every process of
    the deployment (a page rendered by one web process and stored in the
    shared cache is served by the others, which must find it), derived from
    SECRET_KEY so that no visitor can know it or put it in a page."""
    return "jf-csrf-" + salted_hmac("jianfu.complaints.public_page", "csrf-placeholder").hexdigest()[:48]


_PREFILLS = ("school", "institution")


def _shown_models() -> list[type[Model]]:
    from schools.models import School
    from supervision.complaints.models import ComplaintCategory
    from supervision.institutions.models import ListEntry, TrainingInstitution

    return [ComplaintCategory, School, TrainingInstitution, ListEntry]


def _shown_rows_changed(sender: type[Model], **kwargs: object) -> None:
    versioned_cache_bump_on_save(VERSION_KEY)


ROW_KEY_PREFIX = "complaint_public_form:rows:"
# How long a process uses the rows it read without asking the cache's
# version again: a change made in another process counts within this.
ROWS_LOCAL_SECONDS = 5


def form_rows(
    loaders: Mapping[str, Callable[[], Any]], *, keep: Callable[[str, Any], bool] = lambda key, value: True
) -> dict[str, Any]:
    """Rows a complaint POST checks its choices against (the active
    categories, the school of a code), read through the cache under the
    same version as the cached page, in one round trip, and kept in the
    process for ``ROWS_LOCAL_SECONDS``: a category or school changed in the
    administration counts at once in the process that saved it, within
    those seconds in the others. ``loaders`` are keyed by names made with
    :func:`form_row_key`."""
    return versioned_cache_get(VERSION_KEY, loaders, timeout=PAGE_SECONDS, keep=keep, local_seconds=ROWS_LOCAL_SECONDS)


def form_row_key(what: str) -> str:
    return ROW_KEY_PREFIX + hashlib.sha256(what.encode()).hexdigest()[:40]


def connect_signals() -> None:
    """Called from the app's ready(): a save or delete of anything the page
    shows from the database makes every cached page stale."""
    for model in _shown_models():
        post_save.connect(_shown_rows_changed, sender=model, dispatch_uid=f"public_form_{model._meta.label}")
        post_delete.connect(_shown_rows_changed, sender=model, dispatch_uid=f"public_form_del_{model._meta.label}")


def cacheable(request: HttpRequest) -> bool:
    """Whether this request would see the page every visitor sees."""
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    params = request.GET
    if len(params) > 1 or any(key not in _PREFILLS or len(params.getlist(key)) != 1 for key in params):
        return False
    return not getattr(request, "user", None) or not request.user.is_authenticated


def _key(request: HttpRequest) -> str:
    # The settings the page shows: a test or a deployment that changes them
    # gets other pages, not the ones rendered before.
    shown = repr(
        (
            PAGE_TEMPLATE_VERSION,
            get_language(),
            request.get_full_path(),
            settings.BUREAU_NAME,
            settings.COMPLAINT_HOTLINE,
            settings.COMPLAINT_MAX_ATTACHMENTS,
            settings.COMPLAINT_IMAGE_MAX_MB,
            settings.COMPLAINT_PDF_MAX_MB,
            settings.COMPLAINT_AUDIO_MAX_MB,
        )
    )
    return "complaint_public_form:page:" + hashlib.sha256(shown.encode()).hexdigest()[:40]


def cached_form_page(request: HttpRequest, render_page: Callable[[str], tuple[HttpResponse, bool]]) -> HttpResponse:
    """The fresh form page for ``request``, from the cache when it is there.

    ``render_page(csrf_token)`` renders the page with the given token and
    says whether it may be cached (False when a prefill named nothing real).
    One cache round trip when the page is there: the version of the rows
    it shows and the page (stored under the version it was rendered under,
    :func:`jianfu.versioned_cache.versioned_cache_get`) together.
    """
    key = _key(request)
    token = csrf_token_get(request=request)
    placeholder = csrf_placeholder()
    rendered: list[HttpResponse] = []

    def render() -> str | None:
        response, storable = render_page(placeholder)
        rendered.append(response)
        return response.content.decode() if storable and response.status_code == 200 else None

    pages = versioned_cache_get(VERSION_KEY, {key: render}, timeout=PAGE_SECONDS, keep=lambda _k, page: bool(page))
    if rendered:
        # Rendered by this request: its own response (headers, status), with
        # the visitor's token in the placeholder's place.
        response = rendered[0]
        response.content = response.content.decode().replace(placeholder, token).encode()
        return response
    return HttpResponse(pages[key].replace(placeholder, token))
