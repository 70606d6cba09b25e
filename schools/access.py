"""Who may see a school's pledge and self-check pages and files.

These are between the bureau and the school: bureau staff see every
school's, a principal their own school's, and everybody else (supervisors
included) gets a 404, the same answer as for a school that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from jianfu.scoping import school_get_visible
from schools.models import School


def filings_school_get_visible(*, user: Any, pk: int) -> School:
    """The school ``pk`` if ``user`` may see its pledge and self-checks."""
    if not (getattr(user, "is_bureau", False) or getattr(user, "is_principal", False)):
        raise Http404
    return school_get_visible(user=user, pk=pk)


def filing_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorates a view taking ``school_pk``: anonymous users go to sign in,
    the view receives the checked school as ``school``."""

    @wraps(view)
    def wrapped(request: HttpRequest, school_pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        school = filings_school_get_visible(user=request.user, pk=school_pk)
        return view(request, school, *args, **kwargs)

    return wrapped
