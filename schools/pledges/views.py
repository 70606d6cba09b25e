"""Pledge pages: the bureau's overview, texts and reminders; a school's
pledge file; the signed copy's download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.documents import document_response
from jianfu.params import int_param
from jianfu.permissions import bureau_required
from schools.access import filing_view
from schools.models import School, SchoolPledge, SchoolYear
from schools.pledges import selectors, services
from schools.pledges.forms import CommitmentForm, PledgeTextForm, ScanForm, SignatureForm, TeacherPledgeForm


def _school_year(request: HttpRequest) -> SchoolYear:
    """The year chosen with ?year=, or the current one; 404 without any."""
    raw = request.GET.get("year") or request.POST.get("year")
    if raw:
        year_id = int_param(raw)
        if year_id is None:
            raise Http404
        return get_object_or_404(SchoolYear, pk=year_id)
    year = selectors.school_year_current()
    if year is None:
        raise Http404
    return year


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@bureau_required
def pledge_overview(request: HttpRequest) -> HttpResponse:
    """Which schools have signed this year's pledge, at a glance."""
    if not SchoolYear.objects.exists():
        return render(request, "schools/pledges/overview.html", {"no_year": True})
    year = _school_year(request)
    unsigned_only = request.GET.get("show") == "unsigned"
    context = {
        "year": year,
        "years": list(SchoolYear.objects.order_by("-start_date")),
        "overview": selectors.pledge_overview(user=request.user, school_year=year, unsigned_only=unsigned_only),
        "latest_text": selectors.pledge_text_latest(school_year=year),
        "unsigned_only": unsigned_only,
    }
    return render(request, "schools/pledges/overview.html", context)


@bureau_required
@require_POST
def pledge_remind(request: HttpRequest) -> HttpResponse:
    """E-mail the unsigned schools of the year (or the one school posted)."""
    year = _school_year(request)
    schools: list[School] | None = None
    if request.POST.get("school"):
        school_id = int_param(request.POST["school"])
        if school_id is None:
            raise Http404
        schools = [get_object_or_404(School, pk=school_id)]

    def link_for(school: School) -> str:
        return request.build_absolute_uri(reverse("school_pledge", args=[school.pk]) + f"?year={year.pk}")

    # The reminders are recorded here and e-mailed by the outbox after commit:
    # a mail server that is down delays them, it never loses them.
    outcome = services.pledge_remind_unsigned(school_year=year, by=request.user, link_for=link_for, schools=schools)
    if outcome.reminded:
        messages.success(request, _("Reminder sent to %(n)s schools: %(names)s.") % _names(outcome.reminded))
    if outcome.without_address:
        messages.warning(
            request,
            _("%(n)s schools have no e-mail address on their accounts and were not reminded: %(names)s.")
            % _names(outcome.without_address),
        )
    if outcome.recently_reminded:
        messages.info(
            request,
            _("%(n)s schools were reminded a few minutes ago and were skipped: %(names)s.")
            % _names(outcome.recently_reminded),
        )
    if not (outcome.reminded or outcome.without_address or outcome.recently_reminded):
        messages.info(request, _("Every school has signed; nobody to remind."))
    return HttpResponseRedirect(reverse("pledge_overview") + f"?year={year.pk}&show=unsigned")


def _names(schools: list[School]) -> dict[str, Any]:
    return {"n": len(schools), "names": "、".join(s.name for s in schools)}


@bureau_required
def pledge_texts(request: HttpRequest) -> HttpResponse:
    """The versions of a year's pledge text, and publishing a new one."""
    if not SchoolYear.objects.exists():
        raise Http404
    year = _school_year(request)
    texts = list(year.pledge_texts.order_by("-version"))
    latest = texts[0] if texts else None
    if request.method == "POST":
        form = PledgeTextForm(request.POST)
        if form.is_valid():
            try:
                text = services.pledge_text_publish(school_year=year, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("Version %(v)s of the pledge text is published.") % {"v": text.version})
                return HttpResponseRedirect(reverse("pledge_texts") + f"?year={year.pk}")
    else:
        initial = (
            {"title": latest.title, "body": latest.body, "bureau_signatory": latest.bureau_signatory}
            if latest
            else {"title": _("Burden-reduction responsibility pledge, %(year)s") % {"year": year}}
        )
        form = PledgeTextForm(initial=initial)
    context = {
        "year": year,
        "years": list(SchoolYear.objects.order_by("-start_date")),
        "texts": texts,
        "form": form,
    }
    return render(request, "schools/pledges/texts.html", context)


@filing_view
def school_pledge(request: HttpRequest, school: School) -> HttpResponse:
    """A school's pledge file for the year: the text, the signature, the
    signed copy, teacher pledges and the public commitment."""
    if not SchoolYear.objects.exists():
        raise Http404
    year = _school_year(request)
    pledge = selectors.pledge_of_school(school=school, school_year=year)
    forms: dict[str, Any] = {
        "sign": SignatureForm(school_year=year, principal_name=school.principal_name),
        "scan": ScanForm(),
        "teachers": TeacherPledgeForm(
            initial={
                "teacher_count": pledge.teacher_count if pledge else None,
                "teacher_pledge_count": pledge.teacher_pledge_count if pledge else None,
            }
        ),
        "commitment": CommitmentForm(initial={"commitment": pledge.commitment if pledge else ""}),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in forms:
            raise Http404
        form = _bind(action, request, year=year, school=school)
        forms[action] = form
        if form.is_valid():
            try:
                _apply(action, form.cleaned_data, school=school, year=year, pledge=pledge, user=request.user)
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("school_pledge", args=[school.pk]) + f"?year={year.pk}")
    text = pledge.text if pledge and pledge.text_id else selectors.pledge_text_latest(school_year=year)
    context = {
        "school": school,
        "year": year,
        "years": list(SchoolYear.objects.order_by("-start_date")),
        "pledge": pledge,
        "text": text,
        "forms": forms,
    }
    return render(request, "schools/pledges/school_pledge.html", context)


def _bind(action: str, request: HttpRequest, *, year: SchoolYear, school: School) -> Any:
    if action == "sign":
        return SignatureForm(request.POST, request.FILES, school_year=year, principal_name=school.principal_name)
    if action == "scan":
        return ScanForm(request.POST, request.FILES)
    if action == "teachers":
        return TeacherPledgeForm(request.POST)
    return CommitmentForm(request.POST)


def _apply(
    action: str, data: dict[str, Any], *, school: School, year: SchoolYear, pledge: SchoolPledge | None, user: Any
) -> None:
    if action == "sign":
        services.pledge_record_signature(school=school, school_year=year, by=user, **data)
    elif action == "scan":
        if pledge is None:
            raise services.PledgeError(_("Record the signature before uploading the signed copy."))
        services.pledge_attach_scan(pledge=pledge, upload=data["scan"], by=user)
    elif action == "teachers":
        services.pledge_record_teacher_pledges(school=school, school_year=year, by=user, **data)
    else:
        services.pledge_update_commitment(school=school, school_year=year, commitment=data["commitment"], by=user)


@filing_view
def pledge_scan(request: HttpRequest, school: School, pk: int) -> FileResponse:
    """The signed copy, for the school and the bureau only."""
    pledge = get_object_or_404(SchoolPledge.objects.select_related("school_year"), pk=pk, school=school)
    if not pledge.scan:
        raise Http404
    ext = "pdf" if pledge.scan_is_pdf else "jpg"
    filename = f"责任书-{school.code}-{pledge.school_year.name}.{ext}"
    return document_response(pledge.scan, content_type=pledge.scan_content_type, filename=filename)
