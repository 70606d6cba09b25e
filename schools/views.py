from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from jianfu.scoping import get_visible_school
from supervision.models import DistrictMembership, SupervisionItem, Supervisor, SupervisorAssignment
from supervision.selectors import current_district_of_school, current_supervisors_of_school

from .models import School
from .pledges.selectors import public_commitment


def public_sign(request: HttpRequest, code: str) -> HttpResponse:
    """The page a school's gate sign (挂牌) points to. Public by design: it
    names only the school and its responsible supervisors' work contacts."""
    school = get_object_or_404(School, code=code, active=True)
    context = {
        "school": school,
        "district": current_district_of_school(school=school),
        "supervisors": current_supervisors_of_school(school=school),
        "items": list(SupervisionItem.objects.filter(parent=None, active=True)),
        "commitment": public_commitment(school=school),
    }
    return render(request, "schools/public_sign.html", context)


@cache_control(private=True, max_age=3600)
def supervisor_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A supervisor's photo, shown on public signs: served only for the
    supervisors a sign shows today (active, assigned today to a district
    that has an active school today), never the upload folder itself; a
    former or not yet assigned supervisor's photo is nobody's business."""
    today = timezone.localdate()
    districts_with_schools = (
        DistrictMembership.objects.active_on(today).filter(school__active=True).values("district_id")
    )
    on_a_sign = (
        SupervisorAssignment.objects.active_on(today)
        .filter(district_id__in=districts_with_schools)
        .values("supervisor_id")
    )
    supervisor = get_object_or_404(Supervisor, pk=pk, active=True, pk__in=on_a_sign)
    if not supervisor.photo:
        raise Http404
    response = FileResponse(supervisor.photo.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's internal page: its register entry, district and supervisors."""
    school = get_visible_school(request.user, pk=pk)
    context = {
        "school": school,
        "enrolments": list(school.enrolments.order_by("grade")),
        "district": current_district_of_school(school=school),
        "supervisors": current_supervisors_of_school(school=school),
        "accounts": list(school.accounts.filter(is_active=True).order_by("username"))
        if request.user.is_bureau  # type: ignore[union-attr]
        else [],
    }
    return render(request, "schools/school_detail.html", context)
