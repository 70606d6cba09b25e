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
from reports.exports.base import get_exporter
from reports.jobs import services
from reports.jobs.selectors import exporters_for, jobs_visible_to
from reports.models import JobStatus


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
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.mimetype)
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(action=AuditAction.EXPORT, obj=job, note=job.filename)
    return response
