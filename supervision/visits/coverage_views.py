"""The bureau's coverage page: visits per district and month, schools not
visited, visits per supervisor; filterable by semester. At city scale the
page lists the districts (a page of them at a time) with their figures from
the summary; a district's own page lists its schools not visited."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jianfu.params import int_param
from jianfu.permissions import bureau_required
from schools.models import Semester
from supervision.models import SupervisoryDistrict
from supervision.visits.coverage import coverage_by_district, supervisor_visit_counts
from supervision.visits.models import month_bounds

DISTRICTS_PER_PAGE = 50
SUPERVISORS_PER_PAGE = 50


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
    district_id = int_param(request.GET.get("district"))
    district = SupervisoryDistrict.objects.filter(pk=district_id).first() if district_id is not None else None
    if district is not None:
        # One district: its row and its schools not visited.
        coverage = coverage_by_district(
            start=start, end=end, selected_month=selected, today=today, district_ids=[district.pk]
        )
        rows_page = None
        rows = coverage.rows
    else:
        coverage = coverage_by_district(start=start, end=end, selected_month=selected, today=today, unvisited_of=())
        rows_page = Paginator(coverage.rows, DISTRICTS_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(rows_page.object_list)
    supervisors_page = Paginator(
        supervisor_visit_counts(start=start, end=min(end, today), today=today), SUPERVISORS_PER_PAGE
    ).get_page(request.GET.get("spage"))
    context = {
        "semesters": semesters,
        "semester": semester,
        "coverage": coverage,
        "district": district,
        "rows": rows,
        "page": rows_page,
        "supervisors_page": supervisors_page,
        "supervisors": list(supervisors_page.object_list),
        "today": today,
        "due_day": settings.VISIT_MONTHLY_DUE_DAY,
    }
    return render(request, "supervision/bureau_coverage.html", context)
