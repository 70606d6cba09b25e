"""Pages of those a case is assigned to: the responsible supervisor, or the
school for self-investigation. A school sees the summary written for it and
nothing about the complainant: not the name, phone, words, files or
recording. Also the file download, which checks who is asking."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from jianfu.storage import stored_file_open
from supervision.complaints import services
from supervision.complaints.forms import FindingsForm
from supervision.complaints.selectors import (
    complaint_attachment_get_visible,
    complaint_attachments,
    complaint_get_visible,
    complaints_assigned_to,
)

from ..models import AttachmentKind, ComplaintStatus


def assignee_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Supervisors and school accounts; anyone else gets a 404 (bureau staff
    work on the bureau's own case pages)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not (user.is_supervisor or user.is_principal):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@assignee_required
def assigned_list(request: HttpRequest) -> HttpResponse:
    cases = (
        complaints_assigned_to(user=request.user).select_related("school", "category").order_by("-received_at", "-pk")
    )
    return render(
        request,
        "complaints/assigned_list.html",
        {"cases": list(cases), "for_school": getattr(request.user, "is_principal", False)},
    )


def _context(request: HttpRequest, case: Any, findings_form: FindingsForm | None = None) -> dict[str, Any]:
    user: Any = request.user
    for_school = bool(user.is_principal)
    return {
        "case": case,
        "for_school": for_school,
        # A supervisor sees the complainant's words and files (never who it
        # is, nor the call recording); a school only its summary.
        "attachments": [] if for_school else complaint_attachments(case=case, include_recordings=False),
        "findings_form": findings_form or FindingsForm(prefix="findings", initial={"findings": case.findings}),
        "can_start": case.status == ComplaintStatus.ASSIGNED,
        "can_submit": case.status == ComplaintStatus.INVESTIGATING,
    }


@assignee_required
def assigned_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = complaint_get_visible(user=request.user, pk=pk)
    return render(request, "complaints/assigned_detail.html", _context(request, case))


@assignee_required
@require_POST
def assigned_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = complaint_get_visible(user=request.user, pk=pk)
    form: FindingsForm | None = None
    try:
        if action == "investigate":
            services.complaint_start_investigation(case=case, by=request.user)
            messages.success(request, _("The investigation has started."))
        elif action == "findings":
            form = FindingsForm(request.POST, prefix="findings")
            if not form.is_valid():
                # A text refused for its length says so (with the count), not
                # "write what was found" over a text that was written.
                refused = [e for e in form.errors.as_data().get("findings", []) if e.code != "required"]
                raise refused[0] if refused else ValidationError(_("Write what the investigation found."))
            services.complaint_submit_findings(case=case, by=request.user, findings=form.cleaned_data["findings"])
            messages.success(request, _("Your findings are sent to the bureau."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        if form is not None:
            return render(request, "complaints/assigned_detail.html", _context(request, case, form), status=400)
    return redirect("complaints:assigned_detail", pk=case.pk)


EXTENSIONS = {
    "image/jpeg": "jpg",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
    "audio/amr": "amr",
    "audio/ogg": "ogg",
}


@login_required
@cache_control(private=True, no_store=True)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = complaint_attachment_get_visible(user=request.user, pk=pk)
    filename = f"{attachment.case.number}-{attachment.pk}.{EXTENSIONS.get(attachment.content_type, 'bin')}"
    response = FileResponse(
        stored_file_open(file=attachment.file),
        content_type=attachment.content_type,
        as_attachment=attachment.kind != AttachmentKind.IMAGE,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
