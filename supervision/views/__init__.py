from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jianfu.permissions import supervisor_required
from jianfu.scoping import supervisor_of
from supervision.selectors.rectifications import rectifications_awaiting_review
from supervision.selectors.visits import recent_visits_by, supervisor_school_months


@supervisor_required
def supervisor_home(request: HttpRequest) -> HttpResponse:
    """A supervisor's start page on the tablet: their schools now, each with
    this month's visit state, the last visit and open demands; the answers
    waiting for their verification; their recent visits."""
    today = timezone.localdate()
    schools = supervisor_school_months(user=request.user, today=today)
    context = {
        "supervisor": supervisor_of(request.user),
        "today": today,
        "schools": schools,
        "due_day": settings.VISIT_MONTHLY_DUE_DAY,
        "to_verify": list(rectifications_awaiting_review(user=request.user)),
        "recent_visits": recent_visits_by(user=request.user, limit=8),
    }
    return render(request, "supervision/supervisor_home.html", context)
