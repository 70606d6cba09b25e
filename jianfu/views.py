from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jianfu.permissions import bureau_required
from jianfu.todo import bureau_todo
from schools.models import School, Semester
from supervision.districts.selectors import district_loads, overloaded_supervisors, schools_without_district


def healthz(request: HttpRequest) -> HttpResponse:
    """For the container's health check and a load balancer: the database
    answers. No data, no login."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own start page."""
    user = request.user
    if user.is_bureau:  # type: ignore[union-attr]
        return redirect("bureau_overview")
    if user.is_principal:  # type: ignore[union-attr]
        return redirect("school_detail", pk=user.school_id)  # type: ignore[union-attr]
    if user.is_supervisor:  # type: ignore[union-attr]
        return redirect("supervisor_home")
    raise PermissionDenied


@bureau_required
def bureau_overview(request: HttpRequest) -> HttpResponse:
    loads = district_loads(user=request.user)
    context = {
        "school_count": School.objects.filter(active=True).count(),
        "district_loads": loads,
        "overloaded": list(overloaded_supervisors()),
        "unassigned_schools": list(schools_without_district()),
        "semester": Semester.objects.current(),
        "admin_url": reverse("admin:index"),
        "todo": bureau_todo(user=request.user),
    }
    return render(request, "jianfu/bureau_overview.html", context)
