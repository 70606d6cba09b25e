"""The bureau's coverage page: visits per district and month, schools not
visited, visits per supervisor; filterable by semester."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jianfu.params import int_param
from jianfu.permissions import bureau_required
from schools.models import Semester
from supervision.visits.coverage import coverage_by_district, supervisor_visit_counts
from supervision.visits.models import month_bounds


@bureau_required
def bureau_coverage(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    semester = None
    wanted = int_param(request.GET.get("semester"))
    if wanted is not None:
        semester = next((s for s in semesters if s.pk == wanted), None)
    if semester is None:
        semester = next((s for s in semesters if s.start_date <= today <= s.end_date), None) or next(
            (s for s in semesters if s.start_date <= today), None
        )
    if semester is not None:
        start, end = semester.start_date, semester.end_date
    else:
        # No semester set up: the current month alone.
        start, end = month_bounds(today)
    try:
        selected = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        selected = None
    coverage = coverage_by_district(start=start, end=end, selected_month=selected, today=today)
    context = {
        "semesters": semesters,
        "semester": semester,
        "coverage": coverage,
        "supervisors": supervisor_visit_counts(start=start, end=min(end, today), today=today),
        "today": today,
        "due_day": settings.VISIT_MONTHLY_DUE_DAY,
    }
    return render(request, "supervision/bureau_coverage.html", context)
