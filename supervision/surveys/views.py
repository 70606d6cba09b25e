"""Survey pages: the public response form of a school's link; the bureau's
rounds, links, QR notices, results, free texts and paper import; the
supervisors' and principals' results.

Every staff page goes through :mod:`.selectors`' scope: a round or school the
user may not see is a 404."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jianfu.client_ip import client_ip
from jianfu.permissions import bureau_required
from jianfu.xlsx import XLSX_MIMETYPE
from reports.exports.pdf import html_to_pdf
from supervision.complaints import captcha

from . import selectors, services
from .forms import PaperUploadForm, RedactForm, ResponseForm, RoundForm
from .imports import PaperTallyImporter
from .models import Questionnaire, RoundSchool, SurveyTextAnswer

DEVICE_COOKIE = "jf_survey_device"
DEVICE_SALT = "survey-device"
DEVICE_MAX_AGE = 400 * 24 * 3600


# --- public ----------------------------------------------------------------------------------


def _device_id(request: HttpRequest) -> str | None:
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return value if value and len(value) >= 16 else None


def _with_device(request: HttpRequest, response: HttpResponse, device: str | None) -> HttpResponse:
    if device is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _public_message(request: HttpRequest, entry: RoundSchool, message: str, *, status: int, kind: str) -> HttpResponse:
    context = {"entry": entry, "message": message, "kind": kind}
    return render(request, "supervision/surveys/public_message.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    entry = selectors.entry_by_token(token=token)
    survey_round = entry.round
    device = _device_id(request)
    try:
        services.round_check_open(survey_round=survey_round)
    except services.SurveyClosed as exc:
        return _public_message(request, entry, exc.messages[0], status=403, kind="closed")
    # On GET only: a POST of a device that answered fails on the unique
    # constraint inside response_submit, one query fewer on the hot path.
    if request.method == "GET" and device and services.device_has_answered(survey_round=survey_round, device_id=device):
        return _public_message(
            request, entry, _("This device has already answered this survey. Thank you!"), status=200, kind="done"
        )
    questions = selectors.questions_of(survey_round=survey_round)
    needs_captcha = False
    refusal = ""
    status = 200
    if request.method == "POST":
        form = ResponseForm(request.POST, entry=entry, questions=questions)
        if device is None:
            refusal = _("Your browser did not keep this survey's cookie. Allow cookies and open the link again.")
            status = 400
        elif form.is_valid():
            try:
                admission = services.response_admit(
                    entry=entry, client=f"{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')[:200]}"
                )
                if (
                    admission.needs_captcha
                    and captcha.captcha_check(request=request, answer=request.POST.get("captcha", ""))
                    is not captcha.Outcome.SOLVED
                ):
                    needs_captcha = True
                    refusal = _("Many answers came in a short time. Please solve the sum in the picture to continue.")
                    status = 400
                else:
                    answers, texts = form.answers()
                    services.response_submit(
                        entry=entry,
                        questions=questions,
                        grade=form.cleaned_data["grade"],
                        class_number=form.cleaned_data.get("class_number"),
                        answers=answers,
                        texts=texts,
                        device_id=device,
                    )
                    return redirect("surveys:public_done", token=token)
            except services.AlreadyAnswered as exc:
                return _public_message(request, entry, exc.messages[0], status=200, kind="done")
            except services.SurveyBusy as exc:
                refusal, status = exc.messages[0], 429
            except services.SurveyError as exc:
                refusal, status = exc.messages[0], 400
        else:
            status = 400
    else:
        form = ResponseForm(entry=entry, questions=questions)
    context = {"entry": entry, "form": form, "refusal": refusal, "needs_captcha": needs_captcha}
    response = render(request, "supervision/surveys/public_form.html", context, status=status)
    captcha.captcha_cookie_apply(request=request, response=response)
    return _with_device(request, response, device)


@never_cache
def public_done(request: HttpRequest, token: str) -> HttpResponse:
    entry = selectors.entry_by_token(token=token)
    return _public_message(request, entry, _("Your answers are received. Thank you!"), status=200, kind="done")


@never_cache
def public_captcha(request: HttpRequest, token: str) -> HttpResponse:
    selectors.entry_by_token(token=token)
    return captcha.captcha_image_response(request=request)


# --- staff -------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.survey_rounds_visible_to(user=request.user).order_by("-opens_on", "-pk")[:200])
    counts = selectors.responses_by_round(round_ids=[r.pk for r in rounds])
    user: Any = request.user
    questionnaires = list(Questionnaire.objects.order_by("key", "-version")) if user.is_bureau else []
    context = {"rounds": [(r, counts.get(r.pk, 0)) for r in rounds], "questionnaires": questionnaires}
    return render(request, "supervision/surveys/round_list.html", context)


@bureau_required
def round_new(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_round = services.round_create(
                name=data["name"],
                questionnaire=data["questionnaire"],
                schools=data["schools"],
                grades=data["grades"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The round is set up; print the notices of its schools."))
            return redirect("surveys:round", pk=survey_round.pk)
    return render(request, "supervision/surveys/round_new.html", {"form": form})


@bureau_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    return render(
        request,
        "supervision/surveys/questionnaire.html",
        {"questionnaire": questionnaire, "questions": list(questionnaire.questions.all())},
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    survey_round = selectors.round_get_visible(user=user, pk=pk)
    if user.is_principal:
        return redirect("surveys:school", pk=pk, school_pk=user.school_id)
    try:
        district_id: int | None = int(request.GET["district"])
    except (KeyError, ValueError):
        district_id = None
    results = selectors.round_results(
        survey_round=survey_round, user=request.user, district_id=district_id, page_number=request.GET.get("page") or 1
    )
    context = {"round": survey_round, "results": results, "page": results.page}
    return render(request, "supervision/surveys/round_detail.html", context)


@bureau_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    try:
        services.round_close(survey_round=survey_round, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The round is closed; principals now see their school's results."))
    return redirect("surveys:round", pk=pk)


def _link(entry: RoundSchool) -> str:
    return settings.PORTAL_BASE_URL + reverse("surveys:public_form", args=[entry.token])


def _qr_svg(url: str, scale: int = 4) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=scale))


@bureau_required
def round_links(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    entries = list(RoundSchool.objects.filter(round=survey_round).select_related("school").order_by("school__code"))
    rows = [(e, _link(e)) for e in entries]
    return render(request, "supervision/surveys/round_links.html", {"round": survey_round, "rows": rows})


def _notice_context(entry: RoundSchool) -> dict[str, Any]:
    url = _link(entry)
    return {
        "entry": entry,
        "round": entry.round,
        "url": url,
        "qr": _qr_svg(url, scale=8),
        "bureau_name": settings.BUREAU_NAME,
    }


@bureau_required
def school_notice(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    """The A4 notice for the parents' group chat and the school gate."""
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    entry = selectors.entry_get_visible(user=request.user, survey_round=survey_round, school_pk=school_pk)
    return render(request, "supervision/surveys/notice.html", _notice_context(entry))


@bureau_required
def school_notice_pdf(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    entry = selectors.entry_get_visible(user=request.user, survey_round=survey_round, school_pk=school_pk)
    html = render_to_string("supervision/surveys/notice.html", {**_notice_context(entry), "pdf": True})
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    # Named in Chinese like the portal's other downloads (the school's own name).
    filename = f"{_('Burden survey notice')}-{entry.school.name}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@login_required
def school_detail(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    entry = selectors.entry_get_visible(user=request.user, survey_round=survey_round, school_pk=school_pk)
    results = selectors.school_results(entry=entry)
    context = {"round": survey_round, "entry": entry, "results": results}
    return render(request, "supervision/surveys/school_detail.html", context)


@bureau_required
def text_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Free-text answers, bureau staff only, with the redaction step."""
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    texts = selectors.text_answers_of(survey_round=survey_round)
    page = Paginator(texts, 50).get_page(request.GET.get("page"))
    rows = [(t, services.survey_redaction_suggest(text=t.text)) for t in page.object_list]
    return render(request, "supervision/surveys/texts.html", {"round": survey_round, "page": page, "rows": rows})


@bureau_required
@require_POST
def text_redact(request: HttpRequest, pk: int, text_pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    answer = get_object_or_404(SurveyTextAnswer, pk=text_pk, round=survey_round)
    form = RedactForm(request.POST)
    if form.is_valid():
        try:
            services.text_answer_redact(
                answer=answer,
                redacted=form.cleaned_data["redacted"],
                quotable=form.cleaned_data["quotable"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Saved."))
    return redirect(reverse("surveys:texts", args=[pk]) + f"?page={request.GET.get('page', 1)}")


@bureau_required
def paper_template(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    importer = PaperTallyImporter(survey_round=survey_round)
    response = HttpResponse(importer.workbook(survey_round.paper.select_related("school")), content_type=XLSX_MIMETYPE)
    filename = f"{_('Paper questionnaire tallies')}-{survey_round.name}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@bureau_required
@require_http_methods(["GET", "POST"])
def paper_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the tallies of schools that surveyed on paper: every row is
    checked first; a file with any error changes nothing."""
    survey_round = selectors.round_get_visible(user=request.user, pk=pk)
    importer = PaperTallyImporter(survey_round=survey_round)
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importer.read(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            today = timezone.localdate()
            plan = importer.plan(rows, today=today)
            errors = plan.errors
            if plan.ok:
                with transaction.atomic():
                    importer.apply(plan, by=request.user, today=today)
                messages.success(request, _("%(n)s rows of paper tallies imported.") % {"n": len(plan.rows)})
                return redirect("surveys:round", pk=pk)
    context = {"round": survey_round, "form": form, "errors": errors, "help_rows": importer.help_rows()}
    return render(request, "supervision/surveys/paper_import.html", context, status=400 if errors else 200)
