"""Pages of the institutions subject: the public white and black lists and
an institution's public page (no sign-in), and bureau staff's register,
review campaigns, inspections, lists, import and export. Thin: the rules
are in :mod:`.services`, the reads in :mod:`.selectors`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from jianfu.permissions import bureau_required
from jianfu.xlsx import XLSX_MIMETYPE
from supervision.models import (
    InstitutionKind,
    InstitutionStatus,
    ListEntry,
    ListKind,
    ReviewOutcome,
    TrainingInstitution,
)

from . import forms as f
from . import selectors, services
from .exports import InstitutionRegisterExcel
from .imports import InstitutionImporter

IMPORT_KEY = "institution_import_rows"
MAX_ERRORS_SHOWN = 500


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- public ---------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    """The white list or the black list (?list=black), searchable, paged."""
    kind = request.GET.get("list", ListKind.WHITE)
    if kind not in ListKind.values:
        kind = ListKind.WHITE
    q = request.GET.get("q", "")[:50].strip()
    page = Paginator(selectors.public_list_entries(kind=kind, q=q), selectors.PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supervision/institutions/public_list.html",
        {"page": page, "kind": kind, "q": q, "query": _page_query(request), "kinds": ListKind.choices},
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.institution_public_detail(pk=pk)
    return render(request, "supervision/institutions/public_detail.html", {"d": detail, "today": timezone.localdate()})


# --- bureau: the register -----------------------------------------------------------------


@bureau_required
def staff_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = selectors.institution_list(
        user=request.user,
        q=q,
        status=status if status in InstitutionStatus.values else "",
        kind=kind if kind in InstitutionKind.values else "",
    )
    page = Paginator(rows, selectors.STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/institutions/staff_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "kind": kind,
            "statuses": InstitutionStatus.choices,
            "kinds": InstitutionKind.choices,
            "query": _page_query(request),
        },
    )


@bureau_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk) if pk else None
    form = f.InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        try:
            if institution is None:
                institution = services.institution_create(data=form.data_object(), by=request.user)
            else:
                # The form's instance is the institution; the service saves it.
                services.institution_update(
                    institution=TrainingInstitution.objects.get(pk=institution.pk),
                    data=form.data_object(),
                    by=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The institution is saved."))
            return redirect("institutions:detail", pk=institution.pk)
    return render(
        request,
        "supervision/institutions/staff_edit.html",
        {"form": form, "institution": institution},
        status=400 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, institution: TrainingInstitution) -> dict[str, Any]:
    allowed = services.TRANSITIONS[institution.status]
    transitions = [
        (action, label, f.ReasonForm(prefix=action))
        for action, target, label in (
            ("review", InstitutionStatus.UNDER_REVIEW, _("Put under review")),
            ("rectify", InstitutionStatus.RECTIFYING, _("Order rectification")),
            ("confirm", InstitutionStatus.REGISTERED, _("Confirm as registered")),
            ("cancel", InstitutionStatus.CANCELLED, _("Cancel (reduce)")),
        )
        if target in allowed
    ]
    may_convert = InstitutionStatus.CONVERTED in allowed and institution.kind == InstitutionKind.SUBJECT
    return {
        "i": institution,
        "transitions": transitions,
        "convert_form": f.ConvertForm(prefix="convert") if may_convert else None,
        "entry_form": f.ListEntryForm(prefix="entry", initial={"listed_on": timezone.localdate()}),
        "remove_form": f.ReasonForm(prefix="remove"),
        "today": timezone.localdate(),
    }


@bureau_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    return render(request, "supervision/institutions/staff_detail.html", _detail_context(request, institution))


TRANSITION_ACTIONS: dict[str, Callable[..., TrainingInstitution]] = {
    "review": services.institution_start_review,
    "rectify": services.institution_order_rectification,
    "confirm": services.institution_confirm,
    "cancel": services.institution_cancel,
}


@bureau_required
@require_POST
def staff_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    try:
        if action == "convert":
            form = f.ConvertForm(request.POST, prefix="convert")
            if not form.is_valid():
                raise services.InstitutionError(_("Choose the non-subject kind and give the reason."))
            services.institution_convert(
                institution=institution,
                by=request.user,
                new_kind=form.cleaned_data["new_kind"],
                reason=form.cleaned_data["reason"],
            )
        elif action in TRANSITION_ACTIONS:
            reason_form = f.ReasonForm(request.POST, prefix=action)
            reason = reason_form.cleaned_data.get("reason", "") if reason_form.is_valid() else ""
            TRANSITION_ACTIONS[action](institution=institution, by=request.user, reason=reason)
        else:
            raise Http404
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The status is now: %(status)s.") % {"status": institution.get_status_display()})
    return redirect("institutions:detail", pk=pk)


@bureau_required
@require_http_methods(["GET", "POST"])
def staff_fees(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    initial = [
        {"course": fee.course, "unit": fee.unit, "amount": fee.amount, "approved_on": fee.approved_on}
        for fee in institution.fees.all()
    ]
    formset = f.FeeFormSet(request.POST or None, initial=initial, prefix="fees")
    if request.method == "POST" and formset.is_valid():
        try:
            services.institution_fees_set(institution=institution, rows=f.fee_rows(formset), by=request.user)
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The approved fees are saved."))
            return redirect("institutions:detail", pk=pk)
    return render(
        request,
        "supervision/institutions/staff_fees.html",
        {"i": institution, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@bureau_required
@require_POST
def staff_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    form = f.ListEntryForm(request.POST, prefix="entry")
    if not form.is_valid():
        if form.has_error("listed_on", code="future"):
            # Its own message: the date is there, but after today.
            _fail(request, ValidationError(list(form.errors["listed_on"])))
        else:
            messages.error(request, _("Choose the list and the date."))
        return redirect("institutions:detail", pk=pk)
    d = form.cleaned_data
    try:
        services.list_entry_add(
            institution=institution,
            kind=d["kind"],
            by=request.user,
            listed_on=d["listed_on"],
            reason=d.get("reason", ""),
            internal_note=d.get("internal_note", ""),
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The entry is saved as a draft; publish it to show it on the public list."))
    return redirect("institutions:detail", pk=pk)


def _entry(request: HttpRequest, pk: int, entry_pk: int) -> ListEntry:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    entry = ListEntry.objects.filter(pk=entry_pk, institution=institution).first()
    if entry is None:
        raise Http404
    return entry


@bureau_required
@require_POST
def staff_entry_publish(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    try:
        services.list_entry_publish(entry=entry, by=request.user)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The entry is public."))
    return redirect("institutions:detail", pk=pk)


@bureau_required
@require_POST
def staff_entry_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    form = f.ReasonForm(request.POST, prefix="remove")
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.list_entry_remove(entry=entry, by=request.user, reason=reason)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The entry is removed from the list."))
    return redirect("institutions:detail", pk=pk)


@bureau_required
@require_http_methods(["GET", "POST"])
def staff_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get_visible(user=request.user, pk=pk)
    form = f.InspectionForm(request.POST or None, initial={"date": timezone.localdate()})
    formset = f.DemandFormSet(request.POST or None, prefix="demands")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            services.institution_inspection_record(
                institution=institution,
                date=d["date"],
                inspectors=d["inspectors"],
                result=d["result"],
                findings=d.get("findings", ""),
                by=request.user,
                demands=f.demands(formset),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect("institutions:detail", pk=pk)
    return render(
        request,
        "supervision/institutions/staff_inspection.html",
        {"i": institution, "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


# --- bureau: review campaigns ------------------------------------------------------------


@bureau_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    form = f.CampaignForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.review_campaign_create(
                name=d["name"], started_on=d["started_on"], description=d.get("description", ""), by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("institutions:campaign", pk=campaign.pk)
    return render(
        request,
        "supervision/institutions/campaigns.html",
        {"rows": selectors.campaigns_with_figures(user=request.user), "form": form},
    )


@bureau_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_visible(user=request.user, pk=pk)
    return render(
        request,
        "supervision/institutions/campaign_detail.html",
        {
            "campaign": campaign,
            "figures": selectors.campaign_figures(campaign=campaign),
            "outcomes": selectors.campaign_outcomes(campaign=campaign),
            "outcome_form": f.OutcomeForm(),
        },
    )


@bureau_required
@require_POST
def campaign_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol every subject-training institution that may operate and is not
    yet in the campaign."""
    campaign = selectors.campaign_get_visible(user=request.user, pk=pk)
    candidates = TrainingInstitution.objects.filter(
        kind=InstitutionKind.SUBJECT, status__in=(InstitutionStatus.REGISTERED, InstitutionStatus.RECTIFYING)
    ).exclude(review_outcomes__campaign=campaign)
    try:
        n = services.review_campaign_enrol(campaign=campaign, institutions=list(candidates), by=request.user)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("%(n)s institutions are now under review.") % {"n": n})
    return redirect("institutions:campaign", pk=pk)


@bureau_required
@require_POST
def campaign_outcome(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_visible(user=request.user, pk=pk)
    row = ReviewOutcome.objects.filter(pk=outcome_pk, campaign=campaign).select_related("institution").first()
    if row is None:
        raise Http404
    form = f.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome: keep, rectify, cancel or convert."))
        return redirect("institutions:campaign", pk=pk)
    d = form.cleaned_data
    try:
        services.review_outcome_record(
            campaign=campaign,
            institution=row.institution,
            outcome=d["outcome"],
            new_kind=d.get("new_kind", ""),
            reason=d.get("reason", ""),
            by=request.user,
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The outcome for “%(name)s” is recorded.") % {"name": row.institution.name})
    return redirect("institutions:campaign", pk=pk)


@bureau_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_visible(user=request.user, pk=pk)
    try:
        services.review_campaign_close(campaign=campaign, by=request.user)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The review campaign is closed."))
    return redirect("institutions:campaign", pk=pk)


# --- bureau: import and export ------------------------------------------------------------


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIMETYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@bureau_required
def export_download(request: HttpRequest) -> HttpResponse:
    filename, _mimetype, data = InstitutionRegisterExcel().render({}, user=request.user)
    audit_record(action=AuditAction.EXPORT, note=filename)
    return _xlsx(data, filename)


@bureau_required
def template_download(request: HttpRequest) -> HttpResponse:
    importer = InstitutionImporter()
    return _xlsx(importer.workbook(), f"{importer.template_name}.xlsx")


def _fingerprint(raw_rows: Any) -> str:
    return hashlib.sha256(json.dumps(raw_rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@bureau_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a workbook: with errors the page lists them row by row and
    nothing is kept; without, a preview to confirm (the raw rows wait in the
    session and are checked again on confirmation)."""
    importer = InstitutionImporter()
    form = f.UploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            raw_rows = importer.read(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            plan = importer.plan(raw_rows, today=timezone.localdate())
            if not plan.errors:
                request.session[IMPORT_KEY] = {"rows": raw_rows, "fingerprint": _fingerprint(plan.as_json())}
    errors = plan.errors if plan else []
    return render(
        request,
        "supervision/institutions/import.html",
        {
            "form": form,
            "importer": importer,
            "plan": plan,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_rows": len({e.row for e in errors}),
            "counts": {a: plan.count(a) for a in ("create", "update", "unchanged")} if plan else {},
        },
        status=400 if errors or form.errors else 200,
    )


@bureau_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(IMPORT_KEY)
    if not stored:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("institutions:import")
    importer = InstitutionImporter()
    today = timezone.localdate()
    plan = importer.plan(stored["rows"], today=today)
    if plan.errors or _fingerprint(plan.as_json()) != stored["fingerprint"]:
        messages.error(request, _("The register changed since the preview; upload the file again."))
        del request.session[IMPORT_KEY]
        return redirect("institutions:import")
    try:
        with transaction.atomic():
            importer.apply(plan, by=request.user, today=today)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("institutions:import")
    del request.session[IMPORT_KEY]
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated.")
        % {"created": plan.count("create"), "updated": plan.count("update")},
    )
    return redirect("institutions:staff_list")
