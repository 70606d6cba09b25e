from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from jianfu.params import date_param
from jianfu.scoping import schools_visible_to
from jianfu.text import natural_key
from reports.models import RunStatus, SchoolScore, VetoRule
from reports.scoring.errors import ScoringError
from reports.scoring.selectors import (
    notices_visible_to,
    score_district_summaries,
    score_rank_order,
    score_rows_for_list,
    score_run_compare,
    score_run_for_page,
    score_run_latest,
    score_runs_of_semester,
    score_runs_visible_to,
    scores_visible_in_run,
)
from reports.scoring.services import (
    score_run_may_compute,
    score_run_may_publish,
    score_run_publish,
    score_run_request,
    veto_decide,
    veto_may_decide,
)
from schools.models import SchoolType, Semester


def _semester(request: HttpRequest) -> tuple[list[Semester], Semester | None]:
    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    return semesters, next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()


SCORES_PER_PAGE = 50
DISTRICTS_PER_PAGE = 100


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The semester's ranking, overall or within a school type or a district,
    each school linked to the explanation of its score. Scoped: bureau staff
    see every school and every run (drafts marked as such), supervisors their
    schools and a principal their own, in published runs only.

    Bureau staff first see one row per district (figures computed by the
    database); a district, a school type or the whole ranking lists its
    schools a page at a time. Only the columns shown are read: the
    breakdown is read on a school's own page."""
    semesters, semester = _semester(request)
    run = score_run_for_page(user=request.user, semester=semester, run_id=request.GET.get("run")) if semester else None
    bureau = bool(request.user.is_bureau)  # type: ignore[union-attr]
    page: Page[Any] | None = None
    summary: list[dict[str, Any]] = []
    districts: list[str] = []
    school_type = request.GET.get("type", "")
    if school_type not in SchoolType.values:
        school_type = ""
    district = request.GET.get("district", "")
    ranking = request.GET.get("view") == "ranking"
    if run is not None:
        scored = scores_visible_in_run(run=run, user=request.user)
        districts = sorted(
            scored.exclude(district_name="").order_by().values_list("district_name", flat=True).distinct(),
            key=natural_key,
        )
        if bureau and not (school_type or district or ranking):
            # A page of districts: a province has hundreds of them.
            districts_all = sorted(
                score_district_summaries(scores=scored), key=lambda r: natural_key(r["district_name"])
            )
            page = Paginator(districts_all, DISTRICTS_PER_PAGE).get_page(request.GET.get("page"))
            summary = list(page.object_list)
        else:
            if school_type:
                scored = scored.filter(school__school_type=school_type)
            if district:
                scored = scored.filter(district_name=district)
            order = "rank_in_type" if school_type else ("rank_in_district" if district else "rank")
            listed = score_rows_for_list(scores=scored).order_by(*score_rank_order(field=order))
            page = Paginator(listed, SCORES_PER_PAGE).get_page(request.GET.get("page"))
    runs = list(score_runs_of_semester(semester=semester)) if semester and bureau else []
    published = score_run_latest(semester=semester, published=True) if semester and bureau else None
    context = {
        "semesters": semesters,
        "semester": semester,
        "run": run,
        "runs": runs,
        "published": published,
        "page": page,
        "rows": list(page.object_list) if page is not None and not summary else [],
        "summary": summary,
        "types": SchoolType.choices,
        "districts": districts,
        "school_type": school_type,
        "district": district,
        "may_compute": score_run_may_compute(user=request.user),
        "may_publish": score_run_may_publish(user=request.user),
    }
    return render(request, "reports/scores.html", context)


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Why a school has its score: points gained and lost per indicator, and
    the records behind them. A school's own account never sees the records
    of complaints (they are complaint details)."""
    score = get_object_or_404(
        SchoolScore.objects.select_related("school", "run__scheme__semester__school_year"),
        pk=pk,
        school__in=schools_visible_to(request.user),
        run__in=score_runs_visible_to(user=request.user),
    )
    school_view = not request.user.is_bureau  # type: ignore[union-attr]
    breakdown = [{**b, "evidence": []} if school_view and b.get("evidence_private") else b for b in score.breakdown]
    context = {"score": score, "breakdown": breakdown, "may_decide_veto": veto_may_decide(user=request.user)}
    return render(request, "reports/score_detail.html", context)


@login_required
@require_POST
def score_run_compute(request: HttpRequest) -> HttpResponse:
    """Bureau staff ask for a new score run of a semester: a task computes
    and stores it as a draft; the page shows it once it is there."""
    if not score_run_may_compute(user=request.user):
        raise Http404
    semester = Semester.objects.filter(pk=request.POST.get("semester") or 0).first()
    if semester is None:
        messages.error(request, _("Choose a semester."))
        return redirect("reports:scores")
    try:
        score_run_request(semester=semester, by=request.user)
    except ScoringError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        note = _("The scores of %(semester)s are being computed; reload the page in a moment.")
        messages.success(request, note % {"semester": semester})
    return redirect(f"{reverse('reports:scores')}?semester={semester.pk}")


@login_required
@require_POST
def score_run_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft run with the notice's document number (a correction
    of a published run needs a reason)."""
    if not score_run_may_publish(user=request.user):
        raise Http404
    run = get_object_or_404(score_runs_visible_to(user=request.user).select_related("scheme"), pk=pk)
    try:
        score_run_publish(
            run=run,
            document_number=request.POST.get("document_number", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except ScoringError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The scores are published; the notice is being archived."))
    return redirect(f"{reverse('reports:scores')}?semester={run.scheme.semester_id}&run={run.pk}")


@login_required
def score_run_compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft against the semester's published run: who moved and why."""
    if not request.user.is_bureau:  # type: ignore[union-attr]
        raise Http404
    draft = get_object_or_404(score_runs_visible_to(user=request.user).select_related("scheme__semester"), pk=pk)
    published = score_run_latest(semester=draft.scheme.semester, published=True)
    moves = score_run_compare(draft=draft, published=published) if published and published != draft else []
    return render(request, "reports/score_compare.html", {"draft": draft, "published": published, "moves": moves})


@login_required
def veto_decisions(request: HttpRequest) -> HttpResponse:
    """Bureau staff's list of the visit findings that propose a veto, each
    with its decision (pending, confirmed or withdrawn) and a form."""
    if not veto_may_decide(user=request.user):
        raise Http404
    semesters, semester = _semester(request)
    return render(request, "reports/veto_decisions.html", _veto_context(semesters, semester))


def _veto_context(
    semesters: list[Semester], semester: Semester | None, refused: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The veto page's context; ``refused`` is the decision just refused
    (the finding's pk and what was typed), to show again."""
    from supervision.models import ItemResult, VisitItemResult

    codes = sorted(
        {
            str(code)
            for rule in VetoRule.objects.filter(active=True, kind="visit_item_non_compliant")
            for code in (rule.params or {}).get("items", [])
        }
    )
    findings = []
    if semester is not None:
        findings = list(
            VisitItemResult.objects.filter(
                result=ItemResult.NON_COMPLIANT,
                item_code__in=codes,
                visit__date__gte=semester.start_date,
                visit__date__lte=semester.end_date,
            )
            .select_related("visit__school", "veto_confirmation__decided_by")
            .order_by("visit__date", "pk")
        )
    return {
        "semesters": semesters,
        "semester": semester,
        "findings": findings,
        "today": timezone.localdate(),
        "refused": refused,
    }


@login_required
@require_POST
def veto_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    from supervision.models import VisitItemResult

    if not veto_may_decide(user=request.user):
        raise Http404
    result = get_object_or_404(VisitItemResult.objects.select_related("visit"), pk=pk)
    day = date_param(request.POST.get("decided_on", ""))
    state, reason = request.POST.get("state", ""), request.POST.get("reason", "")
    semester = Semester.objects.filter(start_date__lte=result.visit.date, end_date__gte=result.visit.date).first()
    try:
        veto_decide(visit_result=result, state=state, reason=reason, decided_on=day, by=request.user)
    except ScoringError as exc:
        # The page again, not a redirect: the reason the user typed is kept
        # in the finding's form, next to what was refused.
        messages.error(request, " ".join(exc.messages))
        refused = {
            "pk": result.pk,
            "state": state,
            "reason": reason,
            "decided_on": request.POST.get("decided_on", ""),
        }
        semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
        context = _veto_context(semesters, semester, refused)
        return render(request, "reports/veto_decisions.html", context, status=400)
    messages.success(request, _("The decision is recorded; it applies from the next score run."))
    suffix = f"?semester={semester.pk}" if semester else ""
    return redirect(f"{reverse('reports:veto_decisions')}{suffix}")


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The archive of published notices (通报) that concern the user's schools."""
    notices = list(notices_visible_to(user=request.user).order_by("-created_at"))
    return render(request, "reports/notice_list.html", {"notices": notices, "RunStatus": RunStatus})


@login_required
def notice_download(request: HttpRequest, pk: int) -> FileResponse:
    notice = get_object_or_404(notices_visible_to(user=request.user), pk=pk)
    response = FileResponse(
        notice.file.open("rb"),
        as_attachment=True,
        filename=f"{notice.document_number or notice.title}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(action=AuditAction.EXPORT, obj=notice, note=notice.document_number)
    return response
