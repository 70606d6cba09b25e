"""Bureau pages for the Excel import and export of the register. Thin: the
rules are in :mod:`schools.register.imports`, :mod:`schools.register.services` and
:mod:`schools.register.selectors`; the school page and the public sign page follow."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from jianfu.audit import audit_record
from jianfu.imports import CREATE, UNCHANGED, UPDATE, Importer
from jianfu.models import AuditAction
from jianfu.permissions import bureau_required
from jianfu.scoping import school_get_visible
from jianfu.storage import stored_file_open
from jianfu.xlsx import XLSX_MIMETYPE
from schools.models import ImportStatus, School
from schools.pledges.selectors import public_commitment
from schools.register.forms import RegisterUploadForm
from schools.register.imports import IMPORTERS, get_importer
from schools.register.selectors import import_batch_get_visible, import_batches_of, register_export, register_template
from schools.register.services import ImportRefused, import_batch_apply, import_batch_cancel, register_import_preview
from supervision.districts.admin import warn_about_loads
from supervision.districts.duties import SUPERVISOR_DUTIES
from supervision.districts.selectors import current_district_of_school, current_supervisors_of_school
from supervision.models import DistrictMembership, SupervisionItem, Supervisor, SupervisorAssignment

MAX_ERRORS_SHOWN = 500


def _importer(kind: str) -> Importer:
    if kind not in IMPORTERS:
        raise Http404
    return get_importer(kind)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIMETYPE)
    # Always a header here: it is only None for an inline response without a name.
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Names and phone numbers: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@bureau_required
def register_index(request: HttpRequest) -> HttpResponse:
    kinds = [(kind, get_importer(kind)) for kind in IMPORTERS]
    return render(
        request,
        "schools/register/index.html",
        {"kinds": kinds, "batches": import_batches_of(user=request.user)},
    )


@bureau_required
def register_template_download(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer(kind)
    return _xlsx(register_template(kind=kind), f"{importer.template_name}.xlsx")


@bureau_required
def register_export_download(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer(kind)
    today = timezone.localdate()
    data = register_export(kind=kind, user=request.user, on=today)
    filename = f"{importer.export_name}-{today:%Y-%m-%d}.xlsx"
    audit_record(action=AuditAction.EXPORT, note=filename)
    return _xlsx(data, filename)


@bureau_required
def register_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file; without errors it becomes a preview to confirm, with
    errors the page lists them row by row and nothing is kept."""
    importer = _importer(kind)
    plan = None
    if request.method == "POST":
        form = RegisterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = register_import_preview(kind=kind, upload=upload, by=request.user, file_name=upload.name)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                if preview.batch is not None:
                    return redirect("register_import_batch", pk=preview.batch.pk)
                plan = preview.plan
                if not plan.errors:  # the file has no rows: read() reports that, kept as a guard
                    form.add_error("file", _("The file has no data rows."))
    else:
        form = RegisterUploadForm()
    errors = plan.errors if plan else []
    return render(
        request,
        "schools/register/upload.html",
        {
            "kind": kind,
            "importer": importer,
            "form": form,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "error_rows": len({e.row for e in errors}),
        },
    )


def _render_batch(request: HttpRequest, pk: int, *, errors: list | None = None) -> HttpResponse:
    batch = import_batch_get_visible(user=request.user, pk=pk)
    importer = get_importer(batch.kind)
    return render(
        request,
        "schools/register/preview.html",
        {
            "batch": batch,
            "importer": importer,
            "pending": batch.status == ImportStatus.PENDING,
            "counts": {a: batch.count(a) for a in (CREATE, UPDATE, UNCHANGED)},
            "errors": (errors or [])[:MAX_ERRORS_SHOWN],
        },
    )


@bureau_required
def import_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_batch(request, pk)


@bureau_required
@require_POST
def import_batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_visible(user=request.user, pk=pk)
    try:
        outcome = import_batch_apply(batch=batch, by=request.user)
    except ImportRefused as exc:
        messages.error(request, exc.messages[0])
        return _render_batch(request, pk, errors=exc.row_errors)
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated.") % {"created": outcome.created, "updated": outcome.updated},
    )
    warn_about_loads(request)
    if outcome.accounts_created:
        messages.info(
            request,
            _(
                "New accounts: %(names)s. Each sets its password from a one-time link, e-mailed where the "
                "row gave an address."
            )
            % {"names": "、".join(outcome.accounts_created)},
        )
        from jianfu.accounts.views import account_handover_remember

        if account_handover_remember(request, usernames=outcome.accounts_created):
            # The links are shown once, to the clerk who imported, for hand delivery.
            return redirect("accounts:handover")
    return redirect("register_import_batch", pk=pk)


@bureau_required
@require_POST
def import_batch_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_visible(user=request.user, pk=pk)
    try:
        import_batch_cancel(batch=batch, by=request.user)
    except ImportRefused as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.info(request, _("The import was cancelled; nothing was saved."))
    return redirect("register_index")


def _sign_context(school: School) -> dict[str, object]:
    from reports.modelschools.selectors import modelschool_titles

    return {
        "model_school_titles": modelschool_titles(school=school),
        "school": school,
        "district": current_district_of_school(school=school),
        "supervisors": current_supervisors_of_school(school=school),
        "items": list(SupervisionItem.objects.filter(parent=None, active=True)),
        "commitment": public_commitment(school=school),
        "duties": SUPERVISOR_DUTIES,
    }


def public_sign(request: HttpRequest, code: str) -> HttpResponse:
    """The page a school's gate sign (挂牌) points to. Public by design: it
    names only the school and its responsible supervisors' work contacts."""
    school = get_object_or_404(School, code=code, active=True)
    context = _sign_context(school)
    context["poster_url"] = reverse("public_sign_poster", args=[school.code])
    return render(request, "schools/public_sign.html", context)


def public_sign_poster(request: HttpRequest, code: str) -> HttpResponse:
    """The sign as a printable A4 poster for the school gate, with a QR code
    that opens the complaint form with the school already chosen."""
    school = get_object_or_404(School, code=code, active=True)
    context = _sign_context(school)
    complaint_url = request.build_absolute_uri(reverse("complaints:public_form") + "?" + urlencode({"school": code}))
    context["complaint_url"] = complaint_url
    # Inline SVG: sharp when printed, and no script or extra request.
    context["qr_svg"] = mark_safe(segno.make(complaint_url, error="m").svg_inline(scale=6, border=2))
    return render(request, "schools/public_sign_poster.html", context)


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
    response = FileResponse(stored_file_open(file=supervisor.photo), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's internal page: its register entry, district and supervisors."""
    school = school_get_visible(user=request.user, pk=pk)
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
