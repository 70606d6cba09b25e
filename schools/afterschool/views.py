from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.scoping import school_get_visible
from schools.afterschool.forms import AfterSchoolDayFormSet, AfterSchoolPlanForm
from schools.afterschool.models import WEEKDAY_FIELDS
from schools.afterschool.selectors import (
    afterschool_plan_checks,
    afterschool_plan_of,
    afterschool_week_days,
    afterschool_weeks,
    contents_display,
)
from schools.afterschool.services import afterschool_plan_save, afterschool_week_save
from schools.homework.models import week_start
from schools.homework.selectors import records_editable_by
from schools.homework.views import parse_day
from schools.models import AfterSchoolPlan, Semester
from schools.records.common import _apply_errors, _semester


@login_required
def afterschool_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_get_visible(user=request.user, pk=pk)
    semester, semesters = _semester(request)
    editable = records_editable_by(user=request.user, school=school)
    plan = afterschool_plan_of(school=school, semester=semester) if semester else None
    form = None
    if semester and editable:
        instance = plan or AfterSchoolPlan(school=school, semester=semester)
        form = AfterSchoolPlanForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            try:
                afterschool_plan_save(school=school, semester=semester, fields=form.cleaned_data, by=request.user)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The after-school service plan is saved."))
                return redirect(f"{request.path}?semester={semester.pk}")
    elif request.method == "POST":
        raise Http404
    context = {
        "school": school,
        "semester": semester,
        "semesters": semesters,
        "plan": plan,
        "plan_checks": afterschool_plan_checks(plan=plan) if plan else [],
        "plan_contents": contents_display(codes=plan.contents) if plan else "",
        "weeks": afterschool_weeks(school=school, semester=semester) if semester else [],
        "form": form,
        "editable": editable,
        "this_week": week_start(timezone.localdate()),
    }
    return render(request, "schools/afterschool/page.html", context)


@login_required
def afterschool_week(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    school = school_get_visible(user=request.user, pk=pk)
    first = parse_day(day)
    if first is None:
        raise Http404
    monday = week_start(first)
    dates = [monday + datetime.timedelta(days=i) for i in range(5)]
    editable = records_editable_by(user=request.user, school=school)
    today = timezone.localdate()
    existing = afterschool_week_days(school=school, monday=monday)
    semester = Semester.objects.containing(monday).first()
    if request.method == "POST":
        if not editable:
            raise Http404
        formset = AfterSchoolDayFormSet(request.POST)
        if formset.is_valid():
            try:
                afterschool_week_save(
                    school=school,
                    week=monday,
                    # Days after today are shown but not recorded (their inputs are disabled).
                    days=[
                        (date, form.cleaned_data)
                        for date, form in zip(dates, formset.forms, strict=True)
                        if date <= today
                    ],
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The week's after-school service is recorded."))
                target = reverse("afterschool_page", args=[school.pk])
                return redirect(f"{target}?semester={semester.pk}" if semester else target)
    else:
        plan = afterschool_plan_of(school=school, semester=semester) if semester else None
        initial = []
        for date in dates:
            row = existing.get(date)
            if row is not None:
                initial.append(
                    {
                        "no_school": row.no_school,
                        "held": row.held,
                        "start_time": row.start_time,
                        "end_time": row.end_time,
                        "pupils_requested": row.pupils_requested,
                        "pupils_attended": row.pupils_attended,
                        "contents": row.contents,
                    }
                )
            else:
                planned = plan is None or getattr(plan, WEEKDAY_FIELDS[date.weekday()])
                initial.append(
                    {
                        "held": planned,
                        "start_time": plan.start_time if plan else None,
                        "end_time": plan.end_time if plan else None,
                        "contents": plan.contents if plan else [],
                    }
                )
        formset = AfterSchoolDayFormSet(initial=initial)
    context = {
        "school": school,
        "monday": monday,
        "rows": list(zip(dates, formset.forms, strict=True)),
        "today": today,
        "formset": formset,
        "editable": editable,
        "semester": semester,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "schools/afterschool/week.html", context)
