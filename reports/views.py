from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from jianfu.storage import stored_file_open

from . import services
from .exporters import get_exporter
from .models import JobStatus
from .selectors import exporters_for, jobs_visible_to


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    available = exporters_for(request.user)
    if not available:
        raise Http404
    forms_by_kind = [(e, e.form_class(prefix=e.identifier) if e.form_class else None) for e in available]
    jobs = list(jobs_visible_to(request.user)[:50])
    return render(request, "reports/report_list.html", {"exporters": forms_by_kind, "jobs": jobs})


@login_required
@require_POST
def report_request(request: HttpRequest, kind: str) -> HttpResponse:
    exporter = get_exporter(kind)
    data = {k.removeprefix(f"{kind}-"): v for k, v in request.POST.items() if k.startswith(f"{kind}-")}
    try:
        job = services.job_request(kind=kind, params=data, by=request.user)
    except forms.ValidationError as exc:
        messages.error(request, _("The report was not requested: %(errors)s") % {"errors": " ".join(exc.messages)})
        return redirect("reports:list")
    messages.success(request, _("%(report)s requested.") % {"report": exporter.verbose_name})
    return redirect("reports:job", pk=job.pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    return render(request, "reports/job_detail.html", {"job": job, "exporter": get_exporter(job.kind)})


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "note": job.progress_note,
            "finished": job.is_finished,
            "error": job.error if job.status == JobStatus.FAILED else "",
        }
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk, status=JobStatus.DONE)
    # The right to the report is checked again: a job outlives changes of role.
    if not get_exporter(job.kind).allowed(request.user):
        raise Http404
    response = FileResponse(
        stored_file_open(file=job.file), as_attachment=True, filename=job.filename, content_type=job.mimetype
    )
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(action=AuditAction.EXPORT, obj=job, note=job.filename)
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from schools.models import Semester

    from .dashboard import panels_for

    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    semester = next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()
    panels = panels_for(request.user, semester) if semester else []
    return render(request, "reports/dashboard.html", {"panels": panels, "semester": semester, "semesters": semesters})


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The semester's ranking, overall or within a school type or a district,
    each school linked to the explanation of its score. Scoped: bureau staff
    see every school, supervisors their schools, a principal their own."""
    from jianfu.scoping import schools_visible_to
    from schools.models import SchoolType, Semester

    from .selectors import latest_run

    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    semester = next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()
    run = latest_run(semester=semester) if semester else None
    rows = []
    districts: list[str] = []
    school_type = request.GET.get("type", "")
    district = request.GET.get("district", "")
    if run is not None:
        visible = run.scores.filter(school__in=schools_visible_to(request.user))
        districts = sorted(set(visible.exclude(district_name="").values_list("district_name", flat=True)))
        if school_type in SchoolType.values:
            visible = visible.filter(school__school_type=school_type)
        if district:
            visible = visible.filter(district_name=district)
        order = "rank_in_type" if school_type else ("rank_in_district" if district else "rank")
        rows = list(visible.select_related("school").order_by(order, "school__code"))
    context = {
        "semesters": semesters,
        "semester": semester,
        "run": run,
        "rows": rows,
        "types": SchoolType.choices,
        "districts": districts,
        "school_type": school_type,
        "district": district,
    }
    return render(request, "reports/scores.html", context)


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Why a school has its score: points gained and lost per indicator, and
    the records behind them."""
    from jianfu.scoping import schools_visible_to

    from .models import SchoolScore

    score = get_object_or_404(
        SchoolScore.objects.select_related("school", "run__scheme__semester__school_year"),
        pk=pk,
        school__in=schools_visible_to(request.user),
    )
    return render(request, "reports/score_detail.html", {"score": score})
