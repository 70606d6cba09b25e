from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.scoping import school_get_visible
from schools.fivemanagement.forms import FiveManagementForm
from schools.fivemanagement.selectors import five_management_checks, five_management_record_of
from schools.fivemanagement.services import five_management_save
from schools.homework.selectors import homework_compliance, records_editable_by
from schools.models import FiveManagementRecord
from schools.records.common import _apply_errors, _semester


@login_required
def five_management_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_get_visible(user=request.user, pk=pk)
    semester, semesters = _semester(request)
    editable = records_editable_by(user=request.user, school=school)
    record = five_management_record_of(school=school, semester=semester) if semester else None
    form = None
    if semester and editable:
        instance = record or FiveManagementRecord(school=school, semester=semester)
        form = FiveManagementForm(request.POST or None, instance=instance, grades=school.grades)
        if request.method == "POST" and form.is_valid():
            try:
                five_management_save(school=school, semester=semester, fields=form.cleaned_data, by=request.user)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The five-management record is saved."))
                return redirect(f"{request.path}?semester={semester.pk}")
    elif request.method == "POST":
        raise Http404
    homework = None
    if semester:
        homework = homework_compliance(
            user=request.user,
            date_from=semester.start_date,
            date_to=min(semester.end_date, timezone.localdate()),
            school=school,
            class_limit=0,
            school_limit=0,
            day_limit=0,
        )
    context = {
        "school": school,
        "semester": semester,
        "semesters": semesters,
        "record": record,
        "checks": five_management_checks(record=record, school=school) if record else [],
        "form": form,
        "editable": editable,
        "homework": homework,
    }
    return render(request, "schools/five_management/page.html", context)
