"""Bureau staff's pages: the case list with its deadline filters, intake of
hotline and other cases, and the case page where each workflow step is one
small form posted to :func:`case_action`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jianfu.params import int_param
from jianfu.permissions import bureau_required
from schools.models import School
from supervision.complaints import forms as cf
from supervision.complaints import services
from supervision.complaints.selectors import (
    CaseFilter,
    calendar_missing_next_year,
    complaint_attachments,
    complaint_deadline_counts,
    complaint_events,
    complaint_get_visible,
    complaint_list,
    complaint_list_page,
    complaints_visible_to_bureau,
    complaints_with_same_phone,
)

from ..models import AssigneeKind, ComplaintCase, ComplaintCategory, ComplaintReplyTemplate, ComplaintStatus, Liability

S = ComplaintStatus
NEW_CODE_KEY = "complaint_new_code"


@dataclass(frozen=True)
class Action:
    form: Callable[..., forms.Form]
    run: Callable[[ComplaintCase, Any, Any], Any]
    done: Any  # lazy message
    statuses: tuple[str, ...]


def _run_assign(case: ComplaintCase, by: Any, form: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_assign(
        case=case,
        by=by,
        kind=d["kind"],
        supervisor=d.get("supervisor"),
        section=d.get("section"),
        school_summary=d.get("school_summary", ""),
        note=d.get("note", ""),
    )


def _run_conclude(case: ComplaintCase, by: Any, form: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_conclude(
        case=case,
        by=by,
        outcome=d["outcome"],
        liability=d["liability"],
        liable_person=d.get("liable_person", ""),
        measures=d.get("measures", ""),
        conclusion=d["conclusion"],
    )


def _run_rectify(case: ComplaintCase, by: Any, form: Any) -> Any:
    d = form.cleaned_data
    return services.complaint_raise_rectification(
        case=case, by=by, deadline=d["deadline"], title=d.get("title", ""), description=d.get("description", "")
    )


# Every step of the workflow: its form, the service it calls, the message on
# success, and the statuses in which the case page offers it (the service
# checks again).
ACTIONS: dict[str, Action] = {
    "accept": Action(
        cf.NoteForm,
        lambda c, by, f: services.complaint_accept(case=c, by=by, note=f.cleaned_data["note"]),
        gettext_lazy("The case is accepted."),
        (S.RECEIVED,),
    ),
    "decline": Action(
        cf.DeclineForm,
        lambda c, by, f: services.complaint_decline(case=c, by=by, reason=f.cleaned_data["reason"]),
        gettext_lazy("The case is not accepted; the complainant can read the reason."),
        (S.RECEIVED,),
    ),
    "assign": Action(
        cf.AssignForm,
        _run_assign,
        gettext_lazy("The case is assigned."),
        (S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING),
    ),
    "investigate": Action(
        forms.Form,
        lambda c, by, f: services.complaint_start_investigation(case=c, by=by),
        gettext_lazy("The investigation has started."),
        (S.ASSIGNED,),
    ),
    "findings": Action(
        cf.FindingsForm,
        lambda c, by, f: services.complaint_submit_findings(case=c, by=by, findings=f.cleaned_data["findings"]),
        gettext_lazy("The findings are recorded."),
        (S.INVESTIGATING,),
    ),
    "conclude": Action(cf.ConcludeForm, _run_conclude, gettext_lazy("The case is concluded."), (S.INVESTIGATING,)),
    "reply": Action(
        cf.ReplyForm,
        lambda c, by, f: services.complaint_reply(case=c, by=by, reply=f.cleaned_data["reply"]),
        gettext_lazy("The reply is recorded; the complainant can read it on the status page."),
        (S.CONCLUDED,),
    ),
    "close": Action(
        cf.NoteForm,
        lambda c, by, f: services.complaint_close(case=c, by=by, note=f.cleaned_data["note"]),
        gettext_lazy("The case is closed."),
        (S.REPLIED, S.NOT_ACCEPTED),
    ),
    "reopen": Action(
        cf.ReasonForm,
        lambda c, by, f: services.complaint_reopen(case=c, by=by, reason=f.cleaned_data["reason"]),
        gettext_lazy("The case is reopened."),
        (S.REPLIED, S.CLOSED, S.NOT_ACCEPTED),
    ),
    "extend": Action(
        cf.ExtendForm,
        lambda c, by, f: services.complaint_extend(
            case=c, by=by, new_due=f.cleaned_data["new_due"], reason=f.cleaned_data["reason"]
        ),
        gettext_lazy("The time limit is extended."),
        (S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING, S.CONCLUDED),
    ),
    "duplicate": Action(
        cf.DuplicateForm,
        lambda c, by, f: services.complaint_link_duplicate(case=c, original=f.cleaned_data["original"], by=by),
        gettext_lazy("The case is linked to the earlier one."),
        tuple(S),
    ),
    "attach": Action(
        cf.AttachForm,
        lambda c, by, f: services.complaint_add_files(case=c, by=by, files=f.prepared_files),
        gettext_lazy("The files are added."),
        tuple(S),
    ),
    "rectify": Action(
        cf.RectificationForm,
        _run_rectify,
        gettext_lazy("A rectification demand is sent to the school."),
        (S.CONCLUDED, S.REPLIED, S.CLOSED),
    ),
}


ACTION_TITLES = {
    "accept": pgettext_lazy("complaint action", "Accept"),
    "decline": gettext_lazy("Do not accept"),
    "assign": pgettext_lazy("complaint action", "Assign"),
    "investigate": gettext_lazy("Start the investigation"),
    "findings": gettext_lazy("Record findings"),
    "conclude": pgettext_lazy("complaint action", "Conclude"),
    "reply": gettext_lazy("Reply to the complainant"),
    "close": pgettext_lazy("complaint action", "Close"),
    "reopen": gettext_lazy("Reopen (the complainant objects)"),
    "extend": gettext_lazy("Extend the time limit (once)"),
    "duplicate": gettext_lazy("Link as a repeat of an earlier case"),
    "attach": gettext_lazy("Add files"),
    "rectify": gettext_lazy("Demand rectification from the school"),
}


def _make_form(name: str, case: ComplaintCase, data: Any = None, files: Any = None, **initial: Any) -> forms.Form:
    factory = ACTIONS[name].form
    kwargs: dict[str, Any] = {"prefix": name}
    if initial:
        kwargs["initial"] = initial
    if factory is cf.DuplicateForm:
        kwargs["case"] = case
    if factory is cf.AssignForm:
        kwargs["school"] = case.school
    form = factory(data, files, **kwargs)
    if name == "assign" and case.institution_id is not None:
        # A case about a training institution goes to a bureau section only.
        form.fields["kind"].choices = [(k.value, k.label) for k in (AssigneeKind.SECTION,)]  # type: ignore[attr-defined]
    return form


def _filters(request: HttpRequest) -> CaseFilter:
    def _int(name: str) -> int | None:
        return int_param(request.GET.get(name))

    status = request.GET.get("status", "")
    if status not in {"", "open", *S.values}:
        status = ""
    due = request.GET.get("due", "")
    liability = request.GET.get("liability", "")
    return CaseFilter(
        status=status,
        due=due if due in {"overdue", "soon"} else "",
        school=_int("school"),
        school_text=request.GET.get("school_q", "")[:100],
        category=_int("category"),
        number=request.GET.get("number", "")[:20],
        mine=request.GET.get("mine") == "1",
        liability=liability if liability in Liability.values else "",
    )


@bureau_required
def case_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    cases = complaint_list(user=request.user, filters=filters)
    before = request.GET.get("before", "")[:64]
    page = complaint_list_page(cases=cases, before=before)
    overdue, due_soon = complaint_deadline_counts(cases=complaints_visible_to_bureau(user=request.user))
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "page": page,
        "first_page": bool(not before),
        "filters": filters,
        "statuses": S.choices,
        # Only the school chosen (from a link): a list of every school would
        # grow the page with the register; the text filter finds the others.
        "school": School.objects.filter(pk=filters.school).only("pk", "name").first() if filters.school else None,
        "categories": ComplaintCategory.objects.all(),
        "overdue_count": overdue,
        "due_soon_count": due_soon,
        "calendar_missing_year": calendar_missing_next_year(),
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "complaints/staff_list.html", context)


@bureau_required
@require_http_methods(["GET", "POST"])
def case_intake(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = cf.IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                filed = services.complaint_intake(
                    by=request.user,
                    school=d.get("school"),
                    institution=d.get("institution"),
                    linked_institution=d.get("linked_institution"),
                    category=d["category"],
                    channel=d["channel"],
                    received_at=d["received_at"],
                    description=d["description"],
                    happened_on=d.get("happened_on"),
                    real_name=d["real_name"],
                    name=(d.get("name") or "").strip(),
                    phone=d.get("phone") or "",
                    recording=form.prepared_recording,
                    files=form.prepared_files,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session[NEW_CODE_KEY] = {"pk": filed.case.pk, "code": filed.query_code}
                messages.success(request, _("Case %(number)s is registered.") % {"number": filed.case.number})
                return redirect("complaints:staff_detail", pk=filed.case.pk)
    else:
        form = cf.IntakeForm(initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)})
    return render(request, "complaints/staff_intake.html", {"form": form})


def _detail_context(
    request: HttpRequest, case: ComplaintCase, *, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    template_id = request.GET.get("template", "")
    templates = [
        (t, services.complaint_reply_template_text(template_body=t.body, case=case))
        for t in ComplaintReplyTemplate.objects.filter(active=True)
    ]
    action_forms: dict[str, forms.Form] = {}
    for name, action in ACTIONS.items():
        if case.status not in action.statuses:
            continue
        if name == "rectify" and not case.is_substantiated:
            continue
        if name == "duplicate" and case.duplicate_of_id:
            continue
        initial: dict[str, Any] = {}
        if name == "reply" and int_param(template_id) is not None:
            initial["reply"] = next((text for t, text in templates if t.pk == int_param(template_id)), "")
        if name == "extend" and case.extension_reason:
            continue
        action_forms[name] = _make_form(name, case, **initial)
    if bound:
        action_forms[bound[0]] = bound[1]
    action_list = [(name, ACTION_TITLES[name], form) for name, form in action_forms.items()]
    new_code = request.session.get(NEW_CODE_KEY)
    show_code = ""
    if isinstance(new_code, dict) and new_code.get("pk") == case.pk:
        show_code = str(new_code.get("code", ""))
        del request.session[NEW_CODE_KEY]
    identity = services.complaint_masked_identity(case=case)
    return {
        "case": case,
        "identity": identity,
        "can_unmask": user.has_perm(services.UNMASK_PERMISSION),
        "reveal_form": cf.RevealForm(prefix="reveal"),
        "events": complaint_events(case=case),
        "attachments": complaint_attachments(case=case, include_recordings=True),
        "same_phone": complaints_with_same_phone(case=case),
        "duplicates": list(case.duplicates.order_by("received_at")),
        "actions": action_list,
        "reply_templates": templates,
        "new_code": show_code,
        "today": timezone.localdate(),
    }


@bureau_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = complaint_get_visible(user=request.user, pk=pk)
    return render(request, "complaints/staff_detail.html", _detail_context(request, case))


@bureau_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = complaint_get_visible(user=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    form = _make_form(action, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            ACTIONS[action].run(case, request.user, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, str(ACTIONS[action].done))
            return redirect("complaints:staff_detail", pk=case.pk)
    case = complaint_get_visible(user=request.user, pk=pk)
    context = _detail_context(request, case, bound=(action, form))
    context["open_action"] = action
    context["error_form"] = form
    return render(request, "complaints/staff_detail.html", context, status=400)


@bureau_required
@require_POST
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the complainant's name and phone unmasked, on this one response,
    and record that it was shown."""
    case = complaint_get_visible(user=request.user, pk=pk)
    if not request.user.has_perm(services.UNMASK_PERMISSION):
        raise Http404
    form = cf.RevealForm(request.POST, prefix="reveal")
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    context = _detail_context(request, case)
    context["revealed"] = services.complaint_reveal_identity(case=case, by=request.user, reason=reason)
    response = render(request, "complaints/staff_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response
