from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from jianfu.storage import stored_file_open
from reports.exports.base import get_exporter
from reports.jobs import services
from reports.jobs.selectors import exporters_for, jobs_visible_to
from reports.models import JobStatus, ReportJob


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    available = exporters_for(user=request.user)
    if not available:
        raise Http404
    forms_by_kind = [(e, e.form_class(prefix=e.identifier) if e.form_class else None) for e in available]
    jobs = jobs_visible_to(user=request.user)
    status = request.GET.get("status", "")
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    context = {
        "exporters": forms_by_kind,
        "jobs": list(jobs[:50]),
        "status": status,
        "status_choices": JobStatus.choices,
    }
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_request(request: HttpRequest, kind: str) -> HttpResponse:
    exporter = get_exporter(kind)
    data = {k.removeprefix(f"{kind}-"): v for k, v in request.POST.items() if k.startswith(f"{kind}-")}
    try:
        job = services.job_request(kind=kind, params=data, by=request.user)
    except services.JobNotAllowed:
        raise Http404 from None
    except forms.ValidationError as exc:
        messages.error(request, _("The report was not requested: %(errors)s") % {"errors": " ".join(exc.messages)})
        return redirect("reports:list")
    messages.success(request, _("%(report)s requested.") % {"report": exporter.verbose_name})
    return redirect("reports:job", pk=job.pk)


def _note(job: ReportJob) -> str:
    """What the page says beside the state: the running step, or for a
    finished job the file and its size (never a stale step)."""
    if job.status == JobStatus.DONE:
        try:
            size = filesizeformat(job.file.size)
        except OSError:
            return job.filename
        return _("%(file)s is ready (%(size)s).") % {"file": job.filename, "size": size}
    if job.status == JobStatus.FAILED:
        return ""
    return job.progress_note


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    context = {"job": job, "exporter": get_exporter(job.kind), "note": _note(job)}
    return render(request, "reports/job_detail.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "note": _note(job),
            "finished": job.is_finished,
            "error": job.error if job.status == JobStatus.FAILED else "",
        }
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk, status=JobStatus.DONE)
    # The right to the report is checked again: a job outlives changes of role.
    if not get_exporter(job.kind).allowed(request.user):
        raise Http404
    response = FileResponse(
        stored_file_open(file=job.file), as_attachment=True, filename=job.filename, content_type=job.mimetype
    )
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(action=AuditAction.EXPORT, obj=job, note=job.filename)
    return response
