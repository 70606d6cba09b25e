"""The public pages: the complaint form, the receipt with the case number
and query code (shown once), and the status page. No login, no personal
data in any URL; the status page takes the number and the code by POST."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import unicodedata
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jianfu.client_ip import client_ip
from jianfu.counters import counter_hit
from jianfu.public_layout import never_cache_fast, public_layout_render
from schools.models import School
from supervision.complaints import captcha, public_page, ratelimit
from supervision.complaints.forms import PublicComplaintForm, StatusForm
from supervision.complaints.selectors import PublicCaseStatus, complaint_school_search
from supervision.complaints.services import ComplaintRefused, complaint_check_query, complaint_submit_public
from supervision.institutions.selectors import institution_public_search, institution_resolve_public

# The receipt (number and query code) travels from the POST to the page
# that shows it in a signed, short-lived cookie limited to that page's path,
# not in a session row: the POST writes nothing more than the case. Its
# nonce is spent when the page shows it, so it is shown once.
RECEIPT_COOKIE = "jf_receipt"
RECEIPT_SALT = "jianfu.complaints.receipt"
RECEIPT_SHOWN_SCOPE = "receipt_shown"
RECEIPT_TTL = datetime.timedelta(minutes=10)
# Raise when complaints/_public_form_fields.html changes, so that fields
# cached in a shared cache (Redis) by the previous release are not shown.
FIELDS_TEMPLATE_VERSION = 3
# How much of each chosen file's name the notice that they were not kept
# shows: enough to recognise a photo (IMG_2041.jpg), not a page of text.
FILE_NAME_SHOWN = 60


SCHOOL_SEARCH_LIMIT = 20


@never_cache
@require_http_methods(["GET"])
def school_search(request: HttpRequest) -> JsonResponse:
    """Schools for the form's school field, searched on the server by name
    or code (the page no longer carries the whole register). Limited per
    address like the other public endpoints; inactive schools are absent."""
    if not ratelimit.take_place(
        ratelimit.SCHOOL_SEARCH_BY_IP,
        client_ip(request),
        limit=settings.COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE,
        window=datetime.timedelta(minutes=1),
    ):
        return JsonResponse({"results": [], "error": _("Too many searches. Please wait a minute.")}, status=429)
    results = complaint_school_search(text=request.GET.get("q", ""), limit=SCHOOL_SEARCH_LIMIT)
    return JsonResponse({"results": results})


@never_cache
@require_http_methods(["GET"])
def institution_search(request: HttpRequest) -> JsonResponse:
    """Training institutions for the form's institution fields, searched on
    the server by name: only those on a public list now, at most twenty,
    limited per address like the school search."""
    if not ratelimit.take_place(
        ratelimit.INSTITUTION_SEARCH_BY_IP,
        client_ip(request),
        limit=settings.COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE,
        window=datetime.timedelta(minutes=1),
    ):
        return JsonResponse({"results": [], "error": _("Too many searches. Please wait a minute.")}, status=429)
    results = institution_public_search(text=request.GET.get("q", ""), limit=SCHOOL_SEARCH_LIMIT)
    return JsonResponse({"results": results})


@never_cache
@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        refusal = ""
        form = PublicComplaintForm(request.POST, request.FILES, request=request)
        # No transaction around it all: the CAPTCHA's nonce and wrong answers
        # and the rate limits are counted outside any (in Redis when it
        # answers), so a refusal keeps the CAPTCHA spent, and the filing is
        # one statement on PostgreSQL (its own transaction and commit).
        if form.is_valid():
            data = form.cleaned_data
            try:
                filed = complaint_submit_public(
                    school=form.school,
                    institution=form.institution,
                    linked_institution=form.linked_institution,
                    category=data["category"],
                    description=data["description"],
                    happened_on=data.get("happened_on"),
                    real_name=data["identity"] == PublicComplaintForm.REAL_NAME,
                    name=data["name"],
                    phone=data["phone"],
                    files=form.prepared_files,
                    ip=client_ip(request),
                )
            except ComplaintRefused as exc:
                refusal = exc.messages[0]
            else:
                return _with_receipt(redirect("complaints:public_done"), filed.case.number, filed.query_code)
        return _form_page(request, form, refusal=refusal)
    if public_page.cacheable(request):
        return public_page.cached_form_page(request, lambda token: _fresh_form(request, csrf_token=token))
    return _fresh_form(request)[0]


def _fresh_form(request: HttpRequest, *, csrf_token: str | None = None) -> tuple[HttpResponse, bool]:
    """The empty form, prefilled from the sign page's link (``?school=``) or
    an institution's page (``?institution=``), and whether every visitor of
    this URL would see the same page (the prefill, if any, named a real
    school or institution)."""
    school = None
    code = request.GET.get("school", "")
    if code:
        school = School.objects.filter(code=code, active=True).first()
    initial: dict[str, object] = {"school_code": school.code, "school_name": school.name} if school else {}
    wanted = request.GET.get("institution", "")
    institution = institution_resolve_public(pk=int(wanted), name="") if wanted.isdigit() else None
    if institution is not None:
        initial = {
            "target": PublicComplaintForm.INSTITUTION,
            "institution_id": institution.pk,
            "institution_name": institution.name,
        }
    form = PublicComplaintForm(initial=initial, request=request)
    storable = bool(initial) or not (code or wanted)
    return _form_page(request, form, refusal="", csrf_token=csrf_token), storable


def _form_page(
    request: HttpRequest, form: PublicComplaintForm, *, refusal: str, csrf_token: str | None = None
) -> HttpResponse:
    limits = {
        "count": settings.COMPLAINT_MAX_ATTACHMENTS,
        "image": settings.COMPLAINT_IMAGE_MAX_MB,
        "pdf": settings.COMPLAINT_PDF_MAX_MB,
        "audio": settings.COMPLAINT_AUDIO_MAX_MB,
    }
    context = {
        "form": form,
        "refusal": refusal,
        "limits": limits,
        "fields_key": "" if form.is_bound else _fields_key(form, limits),
        # Only a form sent back (this function renders a POST only when it
        # failed): the fresh form's cached fields never show it.
        "files_not_kept": _files_not_kept(request) if form.is_bound else [],
    }
    if csrf_token is not None:
        # Overrides the context processor's token: the cached page carries a
        # placeholder that each request replaces with its own token.
        context["csrf_token"] = csrf_token
    response = render(request, "complaints/public_form.html", context, status=429 if refusal else 200)
    # A POST used up the CAPTCHA's token: the browser gets the spent one.
    return captcha.captcha_cookie_apply(request=request, response=response)


def _files_not_kept(request: HttpRequest) -> list[str]:
    """The names of the files a POST that comes back carried: a browser
    cannot fill a file input again, so the page says which files must be
    chosen again (a parent who does not notice files the case without
    them). The names are the sender's own, shown back to the sender only,
    escaped by the template; control and direction characters are dropped
    (a right-to-left mark can make ``gpj.exe`` read as ``exe.jpg``) and each
    name is cut to ``FILE_NAME_SHOWN`` characters. At most the files the
    form accepts are named, then "…"."""
    names = []
    for upload in request.FILES.getlist("attachments"):
        name = "".join(ch for ch in str(upload.name or "") if not unicodedata.category(ch).startswith("C")).strip()
        if len(name) > FILE_NAME_SHOWN:
            name = name[: FILE_NAME_SHOWN - 1] + "…"
        names.append(name or "?")
    limit = settings.COMPLAINT_MAX_ATTACHMENTS
    return names if len(names) <= limit else [*names[:limit], "…"]


def _fields_key(form: PublicComplaintForm, limits: dict[str, int]) -> str:
    """What the fresh form's fields show besides the language: the active
    categories (read here, one query, with whether each names the
    institution involved), the prefill and the file limits. The
    template caches the rendered fields under it, so a category renamed in
    the administration shows at once."""
    categories = [(c.pk, str(c), c.links_institution) for c in form.fields["category"].queryset]  # type: ignore[attr-defined]
    shown = (FIELDS_TEMPLATE_VERSION, categories, sorted((k, str(v)) for k, v in form.initial.items()), limits)
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


@never_cache
@require_http_methods(["GET"])
def captcha_image(request: HttpRequest) -> HttpResponse:
    """A new challenge's picture, its token in a cookie: the page itself
    writes nothing (``?new=1`` from the "new picture" button only defeats
    caches)."""
    return captcha.captcha_image_response(request=request)


def _with_receipt(response: HttpResponse, number: str, code: str) -> HttpResponse:
    token = signing.dumps({"n": number, "c": code, "k": secrets.token_hex(16)}, salt=RECEIPT_SALT, compress=False)
    response.set_cookie(
        RECEIPT_COOKIE,
        token,
        max_age=int(RECEIPT_TTL.total_seconds()),
        path=reverse("complaints:public_done"),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET"])
def public_done(request: HttpRequest) -> HttpResponse:
    """The number and the query code, shown this one time: the cookie is
    deleted, and a copy of it sent again finds its nonce spent."""
    try:
        receipt = signing.loads(request.COOKIES.get(RECEIPT_COOKIE, ""), salt=RECEIPT_SALT, max_age=RECEIPT_TTL)
    except signing.BadSignature:
        receipt = None
    fresh = isinstance(receipt, dict) and (
        counter_hit(scope=RECEIPT_SHOWN_SCOPE, value=str(receipt.get("k", "")), window=RECEIPT_TTL * 2) == 1
    )
    response = (
        render(request, "complaints/public_done.html", {"receipt": {"number": receipt["n"], "code": receipt["c"]}})
        if fresh and isinstance(receipt, dict)
        else redirect("complaints:public_status")
    )
    response.delete_cookie(RECEIPT_COOKIE, path=reverse("complaints:public_done"), samesite="Lax")
    return response


# The empty look-up form's fields, rendered by crispy once per language in
# this process: they read nothing but the form class and the translations,
# and rendering them was a fifth of a look-up (a shared-cache round trip
# before that). Kept as the safe string itself: every look-up passes it to
# the stamp's key, and the same object hashes its 2 KB once, not per request.
_BLANK_STATUS_FIELDS: dict[str, SafeString] = {}


def _blank_status_fields() -> SafeString:
    language = get_language() or ""
    html = _BLANK_STATUS_FIELDS.get(language)
    if html is None:
        html = _BLANK_STATUS_FIELDS[language] = mark_safe(str(as_crispy_form(StatusForm())))
    return html


def _status_card(found: PublicCaseStatus) -> dict[str, Any]:
    """What the status page shows of a found case, as the texts it prints:
    the page's body is stamped (:mod:`jianfu.stamped`), so dates are
    formatted and multi-line texts broken here, as the template's filters
    did (all digits, the same in every language: ``isoformat`` cut to the
    minute or the day gives what ``|date:"Y-m-d H:i"`` gave, in a twentieth
    of the time, and half of ``strftime``'s)."""
    case = found.case
    due = case.due_date
    stage = case.public_stage
    here = timezone.get_current_timezone()  # as ``localtime`` finds it, once
    return {
        "number": case.number,
        "stage": stage.value,
        "stage_label": str(stage.label),
        "subject": case.subject_name,
        "category": case.category_name,
        "received": case.received_at.astimezone(here).isoformat(" ", "minutes")[:16],
        "due": due.isoformat() if due else "",
        # (an empty text stays empty: the filter would give the same)
        "not_accepted_reason": linebreaksbr(case.not_accepted_reason) if case.not_accepted_reason else "",
        "reply": linebreaksbr(case.reply) if case.reply else "",
        "timeline": [
            {"stage": m.stage.value, "label": m.label, "on": m.at.astimezone(here).date().isoformat()}
            for m in found.timeline
        ],
    }


@never_cache_fast
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    form = None
    found = None
    error = ""
    if request.method == "POST":
        # The form itself is made only to be shown again (what was typed is
        # refused, or nothing was found): a look-up that finds its case never
        # shows it, and making it was a twelfth of the look-up.
        cleaned = StatusForm.cleaned_if_valid(request.POST)
        if cleaned is not None:
            try:
                found = complaint_check_query(number=cleaned["number"], code=cleaned["code"], ip=client_ip(request))
            except ComplaintRefused as exc:
                error = exc.messages[0]
            else:
                if found is None:
                    error = _("No case matches this number and query code. Please check both and try again.")
        if found is None:
            form = StatusForm(request.POST)
    title = _("Follow a complaint")
    context = {
        "page_title": title,
        # The form as posted when nothing was found (its values and errors);
        # otherwise the empty one, rendered once per language.
        "form": form,
        "card": _status_card(found) if found else None,
        "error": error,
    }
    return public_layout_render(
        request=request,
        template="complaints/public_status.html",
        body_template="complaints/_public_status_body.html",
        context=context,
        fixed={"blank_fields": _blank_status_fields()},
        title=title,
    )
