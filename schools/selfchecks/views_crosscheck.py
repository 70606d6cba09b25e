"""The self-check cross-check pages: the schools with the number of items
they rated better than the supervisor found, and one school's items side by
side.

Bureau staff see every school; a supervisor the schools they are
responsible for today. Principals and everybody else get a 404: the
cross-check is the bureau's instrument for weighing self-checks, and a
school already sees both of its sources (its self-checks and its visits) on
its own pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from jianfu.params import int_param
from jianfu.scoping import districts_visible_to, school_get_visible, schools_visible_to
from schools.models import SelfCheckRound
from schools.selfchecks.crosscheck import crosscheck_of_school, crosscheck_overview
from schools.selfchecks.forms import CrossCheckFilterForm


def crosscheck_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bureau staff and supervisors only; anonymous users go to sign in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_bureau or user.is_supervisor):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _rounds_for(user: Any) -> QuerySet[SelfCheckRound]:
    """Every round for bureau staff; for a supervisor, the rounds of the
    schools they are responsible for."""
    rounds = SelfCheckRound.objects.order_by("-opens_on", "-pk")
    if user.is_bureau:
        return rounds
    through = SelfCheckRound.schools.through.objects.filter(school__in=schools_visible_to(user))
    return rounds.filter(pk__in=through.values("selfcheckround_id"))


@crosscheck_view
def crosscheck_list(request: HttpRequest) -> HttpResponse:
    """The schools with their number of items rated better than the
    supervisor found; filters by round, district and "only with gaps"."""
    user: Any = request.user
    form = CrossCheckFilterForm(
        request.GET or None, rounds=_rounds_for(user), districts=districts_visible_to(user).order_by("number")
    )
    # A filter that does not validate (a round outside the user's scope, say)
    # is left out and shown as an error; the others still apply.
    form.is_valid()
    filters: dict[str, Any] = getattr(form, "cleaned_data", {})
    round_ = filters.get("round")
    overview = crosscheck_overview(
        user=user, round=round_, district=filters.get("district"), only_gaps=filters.get("gaps") == "1"
    )
    context = {
        "form": form,
        "overview": overview,
        "round": round_,
        "round_query": urlencode({"round": round_.pk}) if round_ else "",
    }
    return render(request, "schools/selfchecks/crosscheck_list.html", context)


@crosscheck_view
def crosscheck_school(request: HttpRequest, school_pk: int) -> HttpResponse:
    """One school's items side by side, the flagged ones highlighted."""
    user: Any = request.user
    school = school_get_visible(user=user, pk=school_pk)
    round_ = None
    round_pk = int_param(request.GET.get("round"))
    if round_pk is not None:
        round_ = _rounds_for(user).filter(pk=round_pk, schools=school).first()
        if round_ is None:
            raise Http404
    check = crosscheck_of_school(school=school, round=round_)
    back = reverse("selfcheck_crosscheck")
    if round_ is not None:
        back += "?" + urlencode({"round": round_.pk})
    context = {
        "check": check,
        "school": school,
        "round": round_,
        "back": back,
        # Self-check pages are the bureau's and the school's; a supervisor's
        # link would only lead to a 404.
        "link_selfchecks": user.is_bureau,
    }
    return render(request, "schools/selfchecks/crosscheck_school.html", context)
