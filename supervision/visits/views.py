"""Visit pages: the tablet form (online and offline), a visit's page, its
amendment, its photos, the list, and the service worker."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from jianfu.params import int_param, month_param
from jianfu.permissions import supervisor_required
from jianfu.scoping import school_get_visible, schools_visible_to, supervisor_of
from jianfu.storage import stored_file_open
from supervision.errors import SupervisionError
from supervision.models import ItemResult, SupervisionItem, VisitItemResult, VisitPhoto
from supervision.rectifications.forms import RaiseForm
from supervision.rectifications.selectors import (
    open_rectifications_of_school,
    rectifications_awaiting_review,
    user_responsible_for_school,
)
from supervision.rectifications.services import rectification_raise
from supervision.visits.forms import VisitAmendForm, VisitForm
from supervision.visits.models import VisitSubmissionState
from supervision.visits.selectors import (
    checklist_items,
    recent_visits_by,
    supervisor_school_months,
    visit_get_visible,
    visit_list,
    visits_visible_to,
)
from supervision.visits.services import (
    existing_visit_for,
    supervisors_for_visit,
    user_may_amend,
    visit_amend,
    visit_submit,
)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _default_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.RECTIFICATION_DEFAULT_DAYS)


def _visit_done(request: HttpRequest, visit: Any, created: bool) -> HttpResponse:
    url = reverse("visit_detail", args=[visit.pk])
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "created": created, "visit": visit.pk, "url": url}, status=201 if created else 200
        )
    if created:
        messages.success(request, _("The visit was submitted."))
    else:
        messages.info(request, _("This visit had already been submitted."))
    return redirect(url)


def _errors_json(errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": errors}, status=400)


def _checklist_for(data: Any) -> list[SupervisionItem]:
    """The active checklist, plus any retired item the posted draft rated: a
    form kept offline may predate the retirement, and what was typed on it
    must not be dropped."""
    items = checklist_items()
    if data is None:
        return items
    rated = {n for k, v in data.items() if k.startswith("result_") and v and (n := int_param(k[7:])) is not None}
    missing = rated - {i.pk for i in items}
    if missing:
        items += list(SupervisionItem.objects.filter(pk__in=missing).order_by("order", "code"))
    return items


@supervisor_required
def visit_new(request: HttpRequest, school_pk: int) -> HttpResponse:
    """The visit form of one school. GET renders it (the service worker keeps
    a copy for offline use; the draft lives in the browser); POST submits a
    draft, idempotently on its client id. The tablet's script asks for JSON."""
    if request.method == "POST":
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = None
        if client_id is not None:
            # A repeat of a visit already made is answered before anything
            # else is checked: the draft on the tablet must be able to finish.
            try:
                existing = existing_visit_for(client_id=client_id, by=request.user)
            except SupervisionError as exc:
                if _wants_json(request):
                    return _errors_json({"__all__": exc.messages})
                raise Http404 from exc
            if existing is not None:
                return _visit_done(request, existing, created=False)

    try:
        school = school_get_visible(user=request.user, pk=school_pk, active=True)
    except Http404:
        if request.method == "POST" and _wants_json(request):
            # The tablet keeps the draft and shows why (the school may have
            # left the supervisor's district since the form was opened).
            return JsonResponse(
                {"ok": False, "errors": {"__all__": [_("You are not responsible for this school.")]}}, status=404
            )
        raise
    form_kwargs: dict[str, Any] = {
        "items": _checklist_for(request.POST if request.method == "POST" else None),
        "supervisors": supervisors_for_visit(school=school),
        "open_rectifications": open_rectifications_of_school(school_id=school.pk),
        "default_deadline": _default_deadline(),
    }
    if request.method == "POST":
        form = VisitForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit, created = visit_submit(
                    client_id=data["client_id"],
                    school=school,
                    by=request.user,
                    date=data["date"],
                    kind=data["kind"],
                    mode=data["mode"],
                    methods=data["methods"],
                    items=form.item_entries,
                    findings=data["findings"],
                    supervisors=data["supervisors"],
                    checked_rectifications=list(data["checks"]),
                    photos=request.FILES.getlist("photos"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _visit_done(request, visit, created)
        if _wants_json(request):
            return _errors_json({k: [str(m) for m in v] for k, v in form.errors.items()})
    else:
        me = supervisor_of(request.user)
        form = VisitForm(
            initial={
                "client_id": uuid.uuid4(),
                "date": timezone.localdate(),
                "supervisors": [me.pk] if me else [],
            },
            **form_kwargs,
        )
    context = {
        "school": school,
        "form": form,
        "rows": form.bound_rows(),
        "max_photos": settings.VISIT_MAX_PHOTOS,
        "max_photo_mb": settings.VISIT_PHOTO_MAX_MB,
        "default_days": settings.RECTIFICATION_DEFAULT_DAYS,
    }
    context["submission_states"] = VisitSubmissionState.choices
    return render(request, "supervision/visit_form.html", context)


@login_required
def visit_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_visible(user=request.user, pk=pk)
    if user_responsible_for_school(user=request.user, school_id=visit.school_id):
        # The prefetched results are the objects the template iterates.
        for result in visit.results.all():
            if result.result == ItemResult.NON_COMPLIANT and not result.rectifications.all():
                result.raise_form = RaiseForm(  # type: ignore[attr-defined]  # a template-only attribute
                    prefix=f"r{result.pk}", default_deadline=_default_deadline()
                )
    context = {"visit": visit, "can_amend": user_may_amend(user=request.user, visit=visit)}
    return render(request, "supervision/visit_detail.html", context)


@supervisor_required
def visit_amend_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(visits_visible_to(user=request.user).select_related("school"), pk=pk)
    if not user_may_amend(user=request.user, visit=visit):
        raise Http404
    active_items = checklist_items()
    if request.method == "POST":
        form = VisitAmendForm(request.POST, visit=visit, active_items=active_items)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit_amend(
                    visit=visit,
                    by=request.user,
                    reason=data["reason"],
                    date=data["date"],
                    mode=data["mode"],
                    methods=data["methods"],
                    findings=data["findings"],
                    items=form.item_entries,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The amendment was recorded."))
                return redirect("visit_detail", pk=visit.pk)
    else:
        form = VisitAmendForm(visit=visit, active_items=active_items)
    return render(request, "supervision/visit_amend.html", {"visit": visit, "form": form, "rows": form.bound_rows()})


@require_POST
@supervisor_required
def visit_raise_demand(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    """Raise a demand after the visit from one of its non-compliant items."""
    visit = get_object_or_404(visits_visible_to(user=request.user), pk=pk)
    if not schools_visible_to(request.user).filter(pk=visit.school_id).exists():
        raise Http404
    result = get_object_or_404(VisitItemResult.objects.select_related("visit"), pk=result_pk, visit=visit)
    form = RaiseForm(request.POST, prefix=f"r{result.pk}")
    if form.is_valid():
        try:
            rectification_raise(
                school=visit.school,
                title=f"{result.item_code} {result.item_title}",
                description=form.cleaned_data["description"],
                deadline=form.cleaned_data["deadline"],
                by=request.user,
                visit_item=result,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rectification demand was sent to the school."))
    else:
        messages.error(request, _("Give what must be corrected and a deadline."))
    return redirect("visit_detail", pk=visit.pk)


@login_required
@cache_control(private=True, max_age=3600)
def visit_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A visit's photo, for those who may see the visit; ``?thumb=1`` for the
    small copy shown in lists."""
    visit = get_object_or_404(visits_visible_to(user=request.user), pk=pk)
    photo = get_object_or_404(VisitPhoto, pk=photo_pk, visit=visit)
    field = photo.thumbnail if request.GET.get("thumb") and photo.thumbnail else photo.image
    response = FileResponse(stored_file_open(file=field), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}-{photo.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _month_param(value: str | None) -> datetime.date | None:
    return month_param(value)


@login_required
def visits_index(request: HttpRequest) -> HttpResponse:
    """The visits the user may see, newest first, filterable by school and month."""
    user = request.user
    if not (user.is_bureau or user.is_supervisor or user.is_principal):  # type: ignore[union-attr]
        raise Http404
    school_id = int_param(request.GET.get("school"))
    month = _month_param(request.GET.get("month"))
    page = Paginator(visit_list(user=user, school_id=school_id, month=month), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "visits": list(page.object_list),
        "schools": list(schools_visible_to(user).filter(active=True).order_by("code").only("pk", "name", "code")),
        "school_id": school_id,
        "month": month,
    }
    return render(request, "supervision/visit_list.html", context)


# Static files the service worker keeps for offline use of the visit form.
OFFLINE_ASSETS = (
    "vendor/bootstrap-5.3.8/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js",
    "jianfu/portal.css",
    "supervision/supervision.css",
    "supervision/offline.js",
    "supervision/visit-form.js",
)


def _offline_assets_version() -> str:
    """A hash of the offline assets' contents: a new release changes the
    service worker's bytes, so browsers install it and refresh their copies.
    Computed once per process, except in development where files change."""
    if settings.DEBUG:
        return _assets_hash()
    return _cached_assets_hash()


def _assets_hash() -> str:
    digest = hashlib.sha256()
    for name in OFFLINE_ASSETS:
        digest.update(static(name).encode())
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:16]


_cached_assets_hash = functools.cache(_assets_hash)


def _js_literal(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so that its scope covers
    the supervisor's pages. Public: it holds no data, only the list of
    static files to keep and the rules for caching the visit pages."""
    # JSON-encoded (with <, > and & escaped) so that the strings are valid
    # JavaScript literals whatever the translation holds.
    context = {
        "version": _offline_assets_version(),
        "assets_json": _js_literal([static(name) for name in OFFLINE_ASSETS]),
        "offline_title_json": _js_literal(_("No connection")),
        "offline_text_json": _js_literal(
            _(
                "There is no connection and this page was not saved for offline use. "
                "Open “My schools” while online once to keep the visit forms on this tablet."
            )
        ),
    }
    response = render(request, "supervision/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@supervisor_required
def supervisor_home(request: HttpRequest) -> HttpResponse:
    """A supervisor's start page on the tablet: their schools now, each with
    this month's visit state, the last visit and open demands; the answers
    waiting for their verification; their recent visits."""
    today = timezone.localdate()
    schools = supervisor_school_months(user=request.user, today=today)
    context = {
        "supervisor": supervisor_of(request.user),
        "today": today,
        "schools": schools,
        "due_day": settings.VISIT_MONTHLY_DUE_DAY,
        "to_verify": list(rectifications_awaiting_review(user=request.user)),
        "recent_visits": recent_visits_by(user=request.user, limit=8),
    }
    return render(request, "supervision/supervisor_home.html", context)
