"""Rectification pages: the list, one demand with its history, the school's
answer, the supervisor's verification, and the evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from jianfu.params import int_param
from jianfu.scoping import schools_visible_to
from jianfu.storage import stored_file_open
from supervision.models import RectificationStatus
from supervision.rectifications.forms import AnswerForm, ReviewForm
from supervision.rectifications.selectors import (
    RECTIFICATION_FILTERS,
    rectification_counts_by_status,
    rectification_evidence_get_visible,
    rectification_get_visible,
    rectification_list,
    user_may_answer,
    user_may_review,
)
from supervision.rectifications.services import rectification_accept, rectification_answer, rectification_return


def _check_role(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_bureau or user.is_supervisor or user.is_principal):  # type: ignore[union-attr]
        raise Http404


@login_required
def rectifications_index(request: HttpRequest) -> HttpResponse:
    _check_role(request)
    state = request.GET.get("state", "open")
    if state not in RECTIFICATION_FILTERS:
        state = "open"
    school_id = int_param(request.GET.get("school"))
    today = timezone.localdate()
    rows = rectification_list(user=request.user, state=state, school_id=school_id, today=today)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = rectification_counts_by_status(user=request.user, today=today)
    tabs = [
        ("open", _("Not closed")),
        ("overdue", _("Overdue")),
        ("answered", _("Awaiting verification")),
        ("returned", pgettext_lazy("rectification filter", "Returned")),
        ("accepted", pgettext_lazy("rectification filter", "Closed")),
        ("all", _("All")),
    ]
    context = {
        "page": page,
        "rows": list(page.object_list),
        "state": state,
        "tabs": [(key, label, counts.get(key, 0)) for key, label in tabs],
        "school_id": school_id,
        "schools": list(schools_visible_to(request.user).filter(active=True).order_by("code").only("pk", "name")),
        "today": today,
    }
    return render(request, "supervision/rectification_list.html", context)


def _detail_context(request: HttpRequest, pk: int, **forms: object) -> dict[str, object]:
    rectification = rectification_get_visible(user=request.user, pk=pk)
    may_answer = user_may_answer(user=request.user, rectification=rectification) and rectification.status in (
        RectificationStatus.OPEN,
        RectificationStatus.RETURNED,
    )
    may_review = rectification.status == RectificationStatus.ANSWERED and user_may_review(
        user=request.user, rectification=rectification
    )
    return {
        "rectification": rectification,
        "may_answer": may_answer,
        "may_review": may_review,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "today": timezone.localdate(),
    }


@login_required
def rectification_page(request: HttpRequest, pk: int) -> HttpResponse:
    _check_role(request)
    return render(request, "supervision/rectification_detail.html", _detail_context(request, pk))


@require_POST
@login_required
def rectification_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = rectification_get_visible(user=request.user, pk=pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rectification_answer(
                rectification=rectification,
                by=request.user,
                plan=form.cleaned_data["plan"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your answer was sent to the responsible supervisors."))
            return redirect("rectification_detail", pk=pk)
    context = _detail_context(request, pk, answer_form=form)
    return render(request, "supervision/rectification_detail.html", context, status=400)


@require_POST
@login_required
def rectification_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = rectification_get_visible(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == ReviewForm.ACCEPT:
                rectification_accept(rectification=rectification, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("The rectification was accepted and the demand is closed."))
            else:
                rectification_return(rectification=rectification, by=request.user, reason=form.cleaned_data["note"])
                messages.warning(request, _("The answer was returned to the school."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("rectification_detail", pk=pk)
    context = _detail_context(request, pk, review_form=form)
    return render(request, "supervision/rectification_detail.html", context, status=400)


@login_required
@cache_control(private=True, max_age=3600)
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An evidence file, for those who may see the demand: images inline (shown
    on the page), PDFs as attachments."""
    evidence = rectification_evidence_get_visible(user=request.user, rectification_pk=pk, pk=evidence_pk)
    if evidence.is_image:
        response = FileResponse(stored_file_open(file=evidence.file), content_type="image/jpeg")
        response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}.jpg"'
    else:
        response = FileResponse(
            stored_file_open(file=evidence.file),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"evidence-{evidence.pk}.pdf",
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
