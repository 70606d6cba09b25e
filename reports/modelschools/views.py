from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.params import date_param
from reports.models import ModelSchoolCandidate
from reports.modelschools import services
from reports.modelschools.selectors import modelschool_rounds_visible_to
from reports.scoring.errors import ScoringError
from schools.models import SchoolYear


def _date(value: str) -> datetime.date | None:
    return date_param(value)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not services.modelschool_may_manage(user=request.user):
        raise Http404
    rounds = list(modelschool_rounds_visible_to(user=request.user))
    years = list(SchoolYear.objects.filter(model_school_round=None).order_by("-start_date"))
    return render(request, "reports/modelschools/round_list.html", {"rounds": rounds, "years": years})


@login_required
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    if not services.modelschool_may_manage(user=request.user):
        raise Http404
    year = SchoolYear.objects.filter(pk=request.POST.get("school_year") or 0).first()
    try:
        min_score = Decimal(request.POST.get("min_score") or "85")
    except InvalidOperation:
        min_score = None
    if year is None or min_score is None or not (0 <= min_score <= 100):
        messages.error(request, _("Choose a school year and a minimum score between 0 and 100."))
        return redirect("reports:modelschool_rounds")
    try:
        round = services.modelschool_round_create(school_year=year, min_score=min_score, by=request.user)
    except ScoringError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:modelschool_rounds")
    return redirect("reports:modelschool_round", pk=round.pk)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(modelschool_rounds_visible_to(user=request.user), pk=pk)
    candidates = list(round.candidates.select_related("school").order_by("-included", "-proposed", "school__code"))
    return render(
        request,
        "reports/modelschools/round_detail.html",
        {"round": round, "candidates": candidates, "today": timezone.localdate()},
    )


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round = get_object_or_404(modelschool_rounds_visible_to(user=request.user), pk=pk)
    if not services.modelschool_may_manage(user=request.user):
        raise Http404
    try:
        if action == "propose":
            services.modelschool_candidates_propose(round=round, by=request.user)
        elif action == "decide":
            services.modelschool_round_decide(round=round, by=request.user)
        elif action == "publish":
            services.modelschool_round_publish(
                round=round,
                start=_date(request.POST.get("publicity_start", "")),
                end=_date(request.POST.get("publicity_end", "")),
                document_number=request.POST.get("document_number", ""),
                by=request.user,
            )
        elif action == "finalise":
            services.modelschool_round_finalise(round=round, by=request.user)
        elif action == "candidate":
            candidate = get_object_or_404(ModelSchoolCandidate, round=round, pk=request.POST.get("candidate") or 0)
            services.modelschool_candidate_set(
                candidate=candidate,
                included=request.POST.get("included") == "1",
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        else:
            raise Http404
    except ScoringError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("reports:modelschool_round", pk=round.pk)
