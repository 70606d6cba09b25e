from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from schools.afterschool.forms import AfterSchoolPlanForm
from schools.fivemanagement.forms import FiveManagementForm
from schools.models import Semester


def _semester(request: HttpRequest) -> tuple[Semester | None, list[Semester]]:
    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    wanted = request.GET.get("semester") or request.POST.get("semester")
    if wanted:
        chosen = next((s for s in semesters if str(s.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen, semesters
    return Semester.objects.current(), semesters


def _apply_errors(form: AfterSchoolPlanForm | FiveManagementForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
