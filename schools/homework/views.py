"""Homework pages: a school's week, a class-day, the weekly upload, the
publication, the compliance report, and the public homework page (作业公示).

Every school page fetches its school through :func:`get_visible_school`, so a
school outside the user's scope is a 404; only the school's own account
writes (:func:`records_editable_by`), everybody else in scope reads."""

from __future__ import annotations

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.params import date_param, int_param
from jianfu.scoping import districts_visible_to, school_get_visible
from jianfu.xlsx import XLSX_MIMETYPE
from schools.errors import RecordError
from schools.homework.forms import HomeworkItemFormSet, HomeworkUploadForm
from schools.homework.models import week_start
from schools.homework.rules import caps_summary, written_cap
from schools.homework.selectors import (
    default_period,
    homework_compliance,
    homework_day_describe,
    homework_day_of,
    homework_public_week,
    homework_week_grid,
    published_weeks,
    records_editable_by,
)
from schools.homework.services import homework_day_save, homework_week_publish, homework_week_withdraw
from schools.homework.upload import homework_template_build, homework_week_upload
from schools.models import HomeworkKind, School, SchoolClass
from schools.register.classes import school_classes_sync

ENTRY_ROWS = 6


def parse_day(value: str | None) -> datetime.date | None:
    return date_param(value)


def _day_or_404(value: str) -> datetime.date:
    day = parse_day(value)
    if day is None:
        raise Http404
    return day


def _week(request: HttpRequest) -> datetime.date:
    return week_start(parse_day(request.GET.get("week")) or timezone.localdate())


@login_required
def homework_week(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_get_visible(user=request.user, pk=pk)
    # Classes follow the register's enrolment counts (a no-op when they do).
    school_classes_sync(school=school)
    grid = homework_week_grid(school=school, monday=_week(request))
    context = {
        "school": school,
        "grid": grid,
        "editable": records_editable_by(user=request.user, school=school),
        "today": timezone.localdate(),
        "caps": caps_summary(),
    }
    return render(request, "schools/homework/week.html", context)


@login_required
def homework_day(request: HttpRequest, pk: int, class_id: int, day: str) -> HttpResponse:
    school = school_get_visible(user=request.user, pk=pk)
    school_class = get_object_or_404(SchoolClass, pk=class_id, school=school)
    date = _day_or_404(day)
    editable = records_editable_by(user=request.user, school=school) and school_class.active
    if request.method == "POST":
        if not editable:
            raise Http404
        formset = HomeworkItemFormSet(request.POST)
        if formset.is_valid():
            specs = [spec for form in formset.forms if (spec := form.spec()) is not None]
            try:
                saved = homework_day_save(school_class=school_class, date=date, items=specs, by=request.user)
            except RecordError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Homework saved: %(n)s items.") % {"n": saved.item_count})
                return redirect(request.get_full_path())
        record = homework_day_of(school_class=school_class, date=date)
    else:
        record = homework_day_of(school_class=school_class, date=date)
        items = list(record.items.all()) if record else []
        initial = [
            {
                "subject": i.subject,
                "content": i.content,
                "kind": i.kind,
                "written": i.written,
                "minutes": i.minutes,
                "layered": i.layered,
            }
            for i in items
        ]
        initial += [{"kind": HomeworkKind.BASIC, "written": True}] * max(ENTRY_ROWS - len(items), 2)
        formset = HomeworkItemFormSet(initial=initial)
    context = {
        "school": school,
        "school_class": school_class,
        "date": date,
        "future": date > timezone.localdate(),
        "record": record,
        "reason": homework_day_describe(day=record) if record else "",
        "cap": written_cap(school_class.grade),
        "formset": formset,
        "editable": editable,
        "previous_day": date - datetime.timedelta(days=3 if date.weekday() == 0 else 1),
        "next_day": date + datetime.timedelta(days=3 if date.weekday() == 4 else 1),
        "week": week_start(date),
    }
    return render(request, "schools/homework/day.html", context)


def _school_account_only(request: HttpRequest, pk: int) -> School:
    school = school_get_visible(user=request.user, pk=pk)
    if not records_editable_by(user=request.user, school=school):
        raise Http404
    return school


@login_required
def homework_upload(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_account_only(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        form = HomeworkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = homework_week_upload(school=school, upload=form.cleaned_data["file"], by=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _("Uploaded: %(days)s class-days with %(items)s homework items.")
                    % {"days": result.class_days, "items": result.items},
                )
                return redirect(f"{reverse('homework_week', args=[school.pk])}?week={result.week_start.isoformat()}")
    else:
        form = HomeworkUploadForm()
    context = {"school": school, "form": form, "errors": errors, "week": _week(request)}
    return render(request, "schools/homework/upload.html", context, status=400 if errors else 200)


@login_required
def homework_template(request: HttpRequest, pk: int) -> FileResponse:
    school = _school_account_only(request, pk)
    monday = _week(request)
    data = homework_template_build(school=school, week=monday)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"作业登记表-{school.code}-{monday:%Y%m%d}.xlsx",
        content_type=XLSX_MIMETYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def homework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school_account_only(request, pk)
    monday = parse_day(request.POST.get("week"))
    if monday is None:
        raise Http404
    try:
        if request.POST.get("action") == "withdraw":
            homework_week_withdraw(school=school, week=monday, by=request.user)
            messages.success(request, _("The week is no longer on the public page."))
        else:
            homework_week_publish(school=school, week=monday, by=request.user)
            messages.success(request, _("The week is published on the public homework page."))
    except RecordError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('homework_week', args=[school.pk])}?week={monday.isoformat()}")


@login_required
def homework_compliance_page(request: HttpRequest) -> HttpResponse:
    """Compliance for the bureau (every school), a supervisor (their
    districts' schools) or a school (itself)."""
    user = request.user
    if not (user.is_bureau or user.is_supervisor or user.is_principal):  # type: ignore[union-attr]
        raise Http404
    start, end = default_period()
    date_from = parse_day(request.GET.get("from")) or start
    date_to = parse_day(request.GET.get("to")) or end
    if date_to < date_from or (date_to - date_from).days > 400:
        messages.warning(request, _("The period was not valid; showing the current semester."))
        date_from, date_to = start, end
    district = None
    school = None
    if user.is_principal:  # type: ignore[union-attr]
        school = school_get_visible(user=user, pk=user.school_id)  # type: ignore[union-attr]
    elif request.GET.get("school"):
        school = school_get_visible(user=user, pk=_int_or_404(request.GET["school"]))
    if request.GET.get("district") and school is None:
        district = districts_visible_to(user).filter(pk=_int_or_404(request.GET["district"])).first()
        if district is None:
            raise Http404
    report = homework_compliance(
        user=user, date_from=date_from, date_to=date_to, district=district, school=school, class_limit=30
    )
    context = {
        "report": report,
        "district": district,
        "school": school,
        "districts": [] if user.is_principal else list(districts_visible_to(user).order_by("number")),  # type: ignore[union-attr]
    }
    return render(request, "schools/homework/compliance.html", context)


def _int_or_404(value: str) -> int:
    number = int_param(value)
    if number is None:
        raise Http404
    return number


def homework_public(request: HttpRequest, code: str) -> HttpResponse:
    """The public homework page of a school (作业公示): a published week's
    homework by class. Public by design; it holds no pupil data."""
    school = get_object_or_404(School, code=code, active=True)
    weeks = published_weeks(school=school)
    asked = parse_day(request.GET.get("week"))
    monday = week_start(asked) if asked else (weeks[0] if weeks else None)
    classes = homework_public_week(school=school, monday=monday) if monday else None
    if asked and classes is None:
        raise Http404
    # A parent picks a class: the page then shows that class's days only.
    chosen = int(request.GET["class"]) if request.GET.get("class", "").isdigit() else None
    shown = classes
    if classes is not None and chosen is not None:
        shown = [c for c in classes if c.school_class.pk == chosen] or classes
        chosen = chosen if len(shown) == 1 else None
    context = {
        "school": school,
        "weeks": weeks,
        "monday": monday,
        "classes": shown,
        "all_classes": classes,
        "chosen": chosen,
        "caps": caps_summary(),
    }
    return render(request, "schools/homework/public.html", context)
