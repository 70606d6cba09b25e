from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from reports.dashboard.panels import panels_for
    from schools.models import Semester

    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    semester = next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()
    panels = panels_for(request.user, semester) if semester else []
    return render(request, "reports/dashboard.html", {"panels": panels, "semester": semester, "semesters": semesters})
