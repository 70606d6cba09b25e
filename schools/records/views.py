from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from schools.records.common import _semester
from schools.records.selectors import SchoolRecords, records_overview


@login_required
def records_overview_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_bureau or user.is_supervisor):  # type: ignore[union-attr]
        raise Http404
    semester, semesters = _semester(request)
    page_obj = None
    rows: list[SchoolRecords] = []
    if semester:
        page_obj, rows = records_overview(user=user, semester=semester, page=request.GET.get("page") or 1)
    context = {"semester": semester, "semesters": semesters, "page_obj": page_obj, "rows": rows}
    return render(request, "schools/records/overview.html", context)
