from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jianfu.permissions import supervisor_required
from jianfu.scoping import supervisor_of

from .selectors import schools_of_supervisor_now


@supervisor_required
def supervisor_home(request: HttpRequest) -> HttpResponse:
    """A supervisor's start page: the schools they are responsible for now."""
    context = {
        "supervisor": supervisor_of(request.user),
        "schools": list(schools_of_supervisor_now(user=request.user)),
    }
    return render(request, "supervision/supervisor_home.html", context)
