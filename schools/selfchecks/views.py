"""Self-check pages: the bureau's rounds, their completeness and timeliness
and the review; a school's rounds and its self-check form; evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jianfu.documents import document_response
from jianfu.params import int_param
from jianfu.permissions import bureau_required
from schools.access import filing_view
from schools.models import RoundState, School, SelfCheck, SelfCheckEvidence, SelfCheckRound, SelfCheckStatus
from schools.selfchecks import selectors, services
from schools.selfchecks.forms import ReviewForm, SelfCheckItemForm, SelfCheckRoundForm
from supervision.models import ItemResult

RESULT_STYLES = {
    ItemResult.COMPLIANT: "success",
    ItemResult.MOSTLY: "warning",
    ItemResult.NON_COMPLIANT: "danger",
    ItemResult.NOT_APPLICABLE: "secondary",
}
RESULT_CHOICES = [(value, label, RESULT_STYLES[ItemResult(value)]) for value, label in ItemResult.choices]


@bureau_required
def selfcheck_rounds(request: HttpRequest) -> HttpResponse:
    """Every round with its completeness and timeliness, and the self-checks
    waiting for review."""
    context = {
        "rates": selectors.selfcheck_rounds_with_rates(),
        "awaiting": list(selectors.selfchecks_awaiting_review(user=request.user)[:100]),
        "statuses": SelfCheckStatus,
    }
    return render(request, "schools/selfchecks/rounds.html", context)


@bureau_required
def selfcheck_round_new(request: HttpRequest) -> HttpResponse:
    form = SelfCheckRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.selfcheck_round_create(
                title=data["title"],
                period_kind=data["period_kind"],
                month=data.get("month"),
                semester=data.get("semester"),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                items=data["items"],
                schools=form.chosen_schools(),
                instructions=data.get("instructions", ""),
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The round %(title)s is open.") % {"title": round_.title})
            return redirect("selfcheck_round_detail", pk=round_.pk)
    return render(request, "schools/selfchecks/round_new.html", {"form": form})


@bureau_required
def selfcheck_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The schools of a round, with their status and timing; filterable."""
    round_ = get_object_or_404(SelfCheckRound.objects.select_related("semester__school_year", "created_by"), pk=pk)
    rows = selectors.selfcheck_round_rows(round=round_, user=request.user)
    status = request.GET.get("status", "")
    timing = request.GET.get("timing", "")
    if status:
        rows = [r for r in rows if r.status == status]
    if timing:
        rows = [r for r in rows if r.timing == timing]
    context = {
        "round": round_,
        "rates": selectors.selfcheck_round_rates(round=round_),
        "rows": rows,
        "items": list(round_.items.order_by("order", "code")),
        "status": status,
        "timing": timing,
        "status_choices": [("not_started", _("Not started")), *SelfCheckStatus.choices],
        "timing_choices": selectors.Timing.choices,
    }
    return render(request, "schools/selfchecks/round_detail.html", context)


@filing_view
def school_selfchecks(request: HttpRequest, school: School) -> HttpResponse:
    """The rounds the school reports in."""
    context = {"school": school, "rows": selectors.selfcheck_rounds_of_school(school=school)}
    return render(request, "schools/selfchecks/school_rounds.html", context)


def _page_url(school: School, round_: SelfCheckRound) -> str:
    return reverse("selfcheck_page", args=[school.pk, round_.pk])


@filing_view
def selfcheck_page(request: HttpRequest, school: School, round_pk: int) -> HttpResponse:
    """The school's self-check of a round: a form for the school while it may
    edit, otherwise the answers as submitted; the review for bureau staff."""
    round_ = get_object_or_404(
        SelfCheckRound.objects.select_related("semester__school_year"), pk=round_pk, schools=school
    )
    if request.method == "POST":
        user: Any = request.user
        if not user.is_principal:
            raise Http404
        selfcheck = SelfCheck.objects.filter(round=round_, school=school).first()
        if not _can_edit(request, round_, selfcheck):
            messages.error(request, _("This self-check cannot be changed now."))
            # The page shows what was posted, so that no text is lost.
            return _render_page(request, school=school, round_=round_, posted=True)
        return _save(request, school=school, round_=round_)
    return _render_page(request, school=school, round_=round_)


def _can_edit(request: HttpRequest, round_: SelfCheckRound, selfcheck: SelfCheck | None) -> bool:
    user: Any = request.user
    return bool(
        user.is_principal and round_.state() != RoundState.UPCOMING and (selfcheck is None or selfcheck.is_editable)
    )


def _render_page(
    request: HttpRequest,
    *,
    school: School,
    round_: SelfCheckRound,
    posted: bool = False,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    """The self-check page. After a refused post (``posted`` for the school's
    answers, a bound ``review_form`` for the review) the page shows the texts as
    they were posted, with their errors, not the stored ones: nothing the user
    wrote is lost. A text the page can no longer offer in a form (the
    self-check changed state meanwhile) is shown read-only to copy."""
    selfcheck = (
        SelfCheck.objects.filter(round=round_, school=school).select_related("submitted_by", "reviewed_by").first()
    )
    user: Any = request.user
    state = round_.state()
    can_edit = _can_edit(request, round_, selfcheck)
    can_review = user.is_bureau and selfcheck is not None and selfcheck.status == SelfCheckStatus.SUBMITTED
    rows = selectors.selfcheck_item_rows(round=round_, selfcheck=selfcheck)
    unsaved: list[tuple[str, str]] = []
    if can_edit:
        for row in rows:
            row.form = SelfCheckItemForm(
                request.POST if posted else None,
                prefix=f"item-{row.item.pk}",
                initial={"result": row.result.result, "explanation": row.result.explanation} if row.result else {},
            )
    elif posted:
        for row in rows:
            text = request.POST.get(f"item-{row.item.pk}-explanation", "").strip()
            if text and text != (row.result.explanation if row.result else ""):
                unsaved.append((row.code, text))
    if review_form is None:
        review_form = ReviewForm()
    elif not can_review and review_form["comment"].value():
        unsaved.append((str(review_form.fields["comment"].label), review_form["comment"].value()))
    context = {
        "school": school,
        "round": round_,
        "state": state,
        "selfcheck": selfcheck,
        "timing": selectors.selfcheck_timing(round=round_, selfcheck=selfcheck),
        "rows": rows,
        "can_edit": can_edit,
        "can_review": can_review,
        "review_form": review_form,
        "unsaved": unsaved,
        "events": selectors.selfcheck_events(selfcheck=selfcheck) if selfcheck else [],
        "result_choices": RESULT_CHOICES,
    }
    return render(request, "schools/selfchecks/selfcheck.html", context)


def _save(request: HttpRequest, *, school: School, round_: SelfCheckRound) -> HttpResponse:
    """Save the valid answers and new evidence as a draft; then, when asked,
    remove one evidence file or submit. Redirects back when all went well.
    Otherwise the page comes back with the answers as posted: an answer the
    form refuses (an explanation over 2000 characters, say) is not saved and
    is shown again, whole, beside its error, to be corrected."""
    try:
        selfcheck = services.selfcheck_start(round=round_, school=school, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render_page(request, school=school, round_=round_, posted=True)
    items = list(round_.items.order_by("order", "code"))
    answers: dict[int, tuple[str, str]] = {}
    invalid = False
    for item in items:
        form = SelfCheckItemForm(request.POST, prefix=f"item-{item.pk}")
        if form.is_valid():
            answers[item.pk] = (form.cleaned_data["result"], form.cleaned_data["explanation"])
        else:
            invalid = True
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{item.code}: {error}")
    problems: list[str] = []
    saved = False
    submitting = request.POST.get("action") == "submit"
    try:
        services.selfcheck_save_draft(selfcheck=selfcheck, answers=answers, by=request.user)
        saved = True
        for item in items:
            for upload in request.FILES.getlist(f"evidence-{item.pk}"):
                try:
                    services.selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=upload, by=request.user)
                except ValidationError as exc:
                    problems += [f"{item.code} · {upload.name}: {m}" for m in exc.messages]
        remove = int_param(request.POST.get("remove_evidence"))
        if remove is not None:
            evidence = get_object_or_404(
                SelfCheckEvidence.objects.select_related("item_result__selfcheck"),
                pk=remove,
                item_result__selfcheck=selfcheck,
            )
            services.selfcheck_remove_evidence(evidence=evidence, by=request.user)
            messages.success(request, _("The file was removed."))
        elif submitting and not problems and not invalid:
            services.selfcheck_submit(selfcheck=selfcheck, by=request.user)
            messages.success(request, _("The self-check was submitted to the education bureau."))
            return HttpResponseRedirect(_page_url(school, round_))
    except ValidationError as exc:
        problems += exc.messages
    for problem in problems:
        messages.error(request, problem)
    if not problems and not invalid:
        if not request.POST.get("remove_evidence"):
            messages.success(request, _("Draft saved."))
        return HttpResponseRedirect(_page_url(school, round_))
    if invalid:
        messages.warning(
            request,
            _(
                "The answers marked below were not saved; they are shown as you wrote them. "
                "Correct them and save again."
            ),
        )
        if submitting:
            messages.warning(request, _("The self-check was not submitted."))
    elif submitting and saved:
        messages.warning(request, _("Your answers are saved as a draft, but the self-check was not submitted."))
    return _render_page(request, school=school, round_=round_, posted=True)


@filing_view
@require_POST
def selfcheck_review(request: HttpRequest, school: School, round_pk: int) -> HttpResponse:
    """Bureau staff accept a submitted self-check or return it with comments.
    A refused review (comments over 4000 characters, a return without them)
    changes nothing and brings the page back with the comments as written."""
    user: Any = request.user
    if not user.is_bureau:
        raise Http404
    selfcheck = get_object_or_404(
        SelfCheck.objects.select_related("round__semester__school_year"), round_id=round_pk, school=school
    )
    form = ReviewForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in {"accept", "return"}:
        raise Http404
    if not form.is_valid():
        # Never accept or return without the comments the reviewer wrote.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{form.fields['comment'].label}: {error}")
        return _render_page(request, school=school, round_=selfcheck.round, review_form=form)
    comment = form.cleaned_data["comment"]
    try:
        if decision == "accept":
            services.selfcheck_accept(selfcheck=selfcheck, by=user, comment=comment)
            messages.success(request, _("The self-check is accepted and locked."))
        else:
            services.selfcheck_return(selfcheck=selfcheck, by=user, comment=comment)
            messages.success(request, _("The self-check was returned to the school for revision."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render_page(request, school=school, round_=selfcheck.round, review_form=form)
    return HttpResponseRedirect(_page_url(school, selfcheck.round))


@filing_view
def selfcheck_evidence(request: HttpRequest, school: School, round_pk: int, pk: int) -> FileResponse:
    """An evidence file, for the school and the bureau only."""
    evidence = get_object_or_404(
        SelfCheckEvidence.objects.select_related("item_result"),
        pk=pk,
        item_result__selfcheck__school=school,
        item_result__selfcheck__round_id=round_pk,
    )
    ext = "pdf" if evidence.content_type == "application/pdf" else "jpg"
    filename = f"自查佐证-{school.code}-{evidence.item_result.item_code}-{evidence.pk}.{ext}"
    return document_response(evidence.file, content_type=evidence.content_type, filename=filename)
