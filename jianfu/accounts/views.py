"""Account management pages (系统管理员) and the pages an account uses to
set its own password: from a one-time link, or when forced at sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jianfu.audit import audit_record
from jianfu.models import AccountLink, AuditAction, AuditEvent, User
from jianfu.roles import Role

from .errors import AccountError
from .forms import AccountFilterForm, DeactivateForm, PrincipalAccountForm, StaffAccountForm, SupervisorAccountForm
from .models import LinkPurpose
from .selectors import accounts_filtered, school_open_items, schools_without_principal, supervisors_without_account
from .services import (
    account_activate,
    account_create_missing_principals,
    account_create_principal,
    account_create_staff,
    account_create_supervisor,
    account_deactivate,
    account_link_issue,
    account_link_url,
    account_password_set,
)

PAGE_SIZE = 50
SESSION_HANDOVER = "jianfu_accounts_handover"
MANAGE = ("create_account", "deactivate_account", "reset_account")


def account_permission_required(
    *perms: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Bureau staff holding any of ``perms`` (jianfu app). Anonymous: to the
    sign-in page; other roles: 404 (the page does not exist for them); bureau
    staff without the permission: 403 (they know the bureau's pages)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_bureau:
                raise Http404
            if not any(user.has_perm(f"jianfu.{p}") for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _error(form: Form | None, request: HttpRequest, exc: AccountError) -> None:
    if form is not None:
        form.add_error(None, exc.messages[0])
    else:
        messages.error(request, exc.messages[0])


def _hand_over(request: HttpRequest, users: Iterable[User]) -> HttpResponse:
    """Remember whose links to show, once, on the hand-over page. Only ids
    go into the session; the links are made when the page is shown."""
    ids = [u.pk for u in users]
    request.session[SESSION_HANDOVER] = [*request.session.get(SESSION_HANDOVER, []), *ids]
    return redirect("accounts:handover")


def account_handover_remember(request: HttpRequest, *, usernames: Iterable[str]) -> bool:
    """For other pages that create accounts (the register import): the new
    accounts' links are to be shown on the hand-over page. False when the
    user may not open that page (the links then go by e-mail only, or a
    系统管理员 issues new ones)."""
    user: Any = request.user
    if not any(user.has_perm(f"jianfu.{p}") for p in MANAGE):
        return False
    ids = list(User.objects.filter(username__in=list(usernames)).values_list("pk", flat=True))
    if not ids:
        return False
    request.session[SESSION_HANDOVER] = [*request.session.get(SESSION_HANDOVER, []), *ids]
    return True


# -- the list and one account ----------------------------------------------------------


@account_permission_required(*MANAGE)
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    qs = accounts_filtered(**form.filters()) if form.is_bound else accounts_filtered()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jianfu/accounts/list.html",
        {
            "form": form,
            "page": page,
            "missing_principals": schools_without_principal().count(),
            "supervisors_without": supervisors_without_account().count(),
        },
    )


@account_permission_required(*MANAGE)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("school"), pk=pk)
    return render(
        request,
        "jianfu/accounts/detail.html",
        {
            "account": account,
            "groups": list(account.groups.order_by("name")),
            "links": list(AccountLink.objects.filter(user=account).select_related("issued_by")[:20]),
            "events": list(
                AuditEvent.objects.filter(object_type="jianfu.user", object_id=str(account.pk)).order_by("-at")[:20]
            ),
            "open_items": school_open_items(school=account.school)
            if account.role == Role.PRINCIPAL and account.school_id
            else None,
            "deactivate_form": DeactivateForm(),
        },
    )


# -- creating ---------------------------------------------------------------------------


@account_permission_required("create_account")
def account_create_staff_view(request: HttpRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create_staff(by=request.user, **form.cleaned_data)
        except AccountError as exc:
            _error(form, request, exc)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return _hand_over(request, [user])
    return render(request, "jianfu/accounts/create.html", {"form": form, "kind": "staff"})


@account_permission_required("create_account")
def account_create_principal_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("school", "").isdigit():
        initial["school"] = int(request.GET["school"])
    form = PrincipalAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create_principal(by=request.user, **form.cleaned_data)
        except AccountError as exc:
            _error(form, request, exc)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return _hand_over(request, [user])
    return render(request, "jianfu/accounts/create.html", {"form": form, "kind": "principal"})


@account_permission_required("create_account")
def account_create_supervisor_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("supervisor", "").isdigit():
        initial["supervisor"] = int(request.GET["supervisor"])
    form = SupervisorAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create_supervisor(by=request.user, **form.cleaned_data)
        except AccountError as exc:
            _error(form, request, exc)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return _hand_over(request, [user])
    return render(request, "jianfu/accounts/create.html", {"form": form, "kind": "supervisor"})


@account_permission_required("create_account")
@require_POST
def account_create_missing_principals_view(request: HttpRequest) -> HttpResponse:
    try:
        users = account_create_missing_principals(by=request.user)
    except AccountError as exc:
        _error(None, request, exc)
        return redirect("accounts:list")
    if not users:
        messages.info(request, _("Every active school already has a principal account."))
        return redirect("accounts:list")
    messages.success(request, _("%(n)s principal accounts created.") % {"n": len(users)})
    return _hand_over(request, users)


@never_cache
@account_permission_required(*MANAGE)
def account_handover(request: HttpRequest) -> HttpResponse:
    """The links of the accounts just created or reset, shown this once to
    the staff member who issued them, for hand delivery."""
    ids = request.session.pop(SESSION_HANDOVER, [])
    users = list(User.objects.filter(pk__in=ids).select_related("school").order_by("school__code", "username"))
    rows = []
    for user in users:
        usable = user.is_active and not user.has_usable_password()
        rows.append({"user": user, "url": account_link_url(user=user) if usable else ""})
        if usable:
            audit_record(
                action=AuditAction.TRANSITION,
                obj=user,
                changes={"account": "link_shown"},
                note=_("Sign-in link shown to the issuer for hand delivery."),
            )
    return render(request, "jianfu/accounts/handover.html", {"rows": rows})


# -- deactivating and resetting ---------------------------------------------------------


@account_permission_required("deactivate_account")
@require_POST
def account_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for deactivating the account."))
        return redirect("accounts:detail", pk=pk)
    try:
        account_deactivate(user=account, by=request.user, reason=form.cleaned_data["reason"])
    except AccountError as exc:
        _error(None, request, exc)
    else:
        messages.success(request, _("Account %(username)s deactivated.") % {"username": account.username})
        if account.role == Role.PRINCIPAL and account.school_id:
            messages.info(
                request,
                _(
                    "The school's open items stay with the school and pass to its next principal account; "
                    "create it with “New principal account”."
                ),
            )
    return redirect("accounts:detail", pk=pk)


@account_permission_required("deactivate_account")
@require_POST
def account_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    try:
        account_activate(user=account, by=request.user)
    except AccountError as exc:
        _error(None, request, exc)
    else:
        messages.success(request, _("Account %(username)s reactivated.") % {"username": account.username})
    return redirect("accounts:detail", pk=pk)


@account_permission_required("reset_account")
@require_POST
def account_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    try:
        account_link_issue(user=account, by=request.user, purpose=LinkPurpose.RESET)
    except AccountError as exc:
        _error(None, request, exc)
        return redirect("accounts:detail", pk=pk)
    messages.success(
        request,
        _("The password of %(username)s no longer works; a one-time link was issued.") % {"username": account.username},
    )
    return _hand_over(request, [account])


# -- the account's own pages ------------------------------------------------------------


class AccountLinkView(auth_views.PasswordResetConfirmView):
    """Set a password from a one-time link (first sign-in or reset)."""

    template_name = "jianfu/accounts/link_confirm.html"
    success_url = reverse_lazy("accounts:link_done")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        # A deactivated account's link is dead.
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        account_password_set(user=form.user)
        return response


class AccountLinkDoneView(auth_views.PasswordResetCompleteView):
    template_name = "jianfu/accounts/link_done.html"


class PasswordRequiredView(auth_views.PasswordChangeView):
    """The only page an account with ``must_change_password`` may open."""

    template_name = "jianfu/accounts/password_required.html"

    def get_success_url(self) -> str:
        return reverse("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        account_password_set(user=form.user)
        messages.success(self.request, _("Your password is set."))
        return response
