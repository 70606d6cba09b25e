"""Account management by bureau staff (系统管理员): create, deactivate,
reactivate, and issue one-time sign-in links.

Nobody ever chooses another person's password. A new account has no usable
password and must set one; it gets a one-time link (a Django password-reset
token, void once a password is set, after PASSWORD_RESET_TIMEOUT, or when a
newer link is issued) that is e-mailed through the outbox when the account
has an address, and shown once to the staff member who issued it for hand
delivery. A reset makes the old password unusable at once, which also ends
every session of the account (Django checks the password hash on each request).

Open items of a school (rectification demands to answer, complaint cases
assigned to it for self-investigation, self-checks to file) are tied to the
school, never to the principal's account: the user columns on them record
who answered or filed. Deactivating a principal therefore leaves them with
the school, and the school's next principal account sees them at once; its
first-sign-in e-mail lists them (see :func:`jianfu.accounts.selectors.school_open_items`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.mailer import mail_send
from jianfu.models import AccountLink, AuditAction, User
from jianfu.outbox import NoticeKind, outbox_register
from jianfu.roles import STAFF_GROUPS, Role

from .errors import AccountError
from .models import LinkPurpose
from .selectors import active_principal_of, school_open_items

log = logging.getLogger(__name__)


# -- links ------------------------------------------------------------------------------


def account_link_path(*, user: User) -> str:
    """The path of a one-time link for the account as it is now."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:link", kwargs={"uidb64": uidb64, "token": token})


def account_link_url(*, user: User) -> str:
    return f"{settings.PORTAL_BASE_URL}{account_link_path(user=user)}"


def _audit(user: User, what: str, note: str = "", *, actor: Any = None) -> None:
    audit_record(action=AuditAction.TRANSITION, obj=user, changes={"account": what}, note=note, user=actor)


def _may_act_on(*, user: User, by: Any) -> None:
    if user.pk == getattr(by, "pk", None):
        raise AccountError(_("You cannot do this to your own account; use “Change password” instead."))
    if user.is_superuser and not getattr(by, "is_superuser", False):
        raise AccountError(_("Only a superuser may act on a superuser's account."))


def account_link_issue(*, user: User, by: Any, purpose: str = LinkPurpose.RESET) -> AccountLink:
    """Issue a one-time link. For a reset the current password stops
    working at once (and with it every session of the account). The link is
    e-mailed after commit when the account has an address."""
    if purpose == LinkPurpose.RESET:
        _may_act_on(user=user, by=by)
    if not user.is_active:
        raise AccountError(_("The account is deactivated; reactivate it first."))
    with transaction.atomic():
        if purpose == LinkPurpose.RESET:
            # A new unusable hash also voids every link issued before.
            user.set_unusable_password()
            user.must_change_password = True
            user.save(update_fields=["password", "must_change_password"])
        link = AccountLink.objects.create(user=user, purpose=purpose, issued_by=by, email=user.email)
        _audit(
            user,
            "link_" + purpose,
            note=_("Sign-in link issued (%(purpose)s); e-mailed to %(email)s and shown to the issuer.")
            % {"purpose": link.get_purpose_display(), "email": user.email}
            if user.email
            else _("Sign-in link issued (%(purpose)s); no e-mail address, shown to the issuer only.")
            % {"purpose": link.get_purpose_display()},
        )
        if user.email:
            from jianfu.outbox import publish_after_commit

            from .tasks import send_account_link

            publish_after_commit(send_account_link, link.pk)
    return link


def account_link_send(*, link_id: int) -> bool:
    """E-mail one link, once (the row is claimed with a conditional update).
    A link superseded by a newer one, or whose account has since set a
    password or lost its address, is marked handled without an e-mail."""
    if not AccountLink.objects.filter(pk=link_id, notified_at__isnull=True).update(notified_at=timezone.now()):
        return False
    link = AccountLink.objects.select_related("user__school").get(pk=link_id)
    user = link.user
    newer = AccountLink.objects.filter(user=user, pk__gt=link.pk).exists()
    if newer or not user.is_active or not user.email or user.has_usable_password():
        return False
    items = school_open_items(school=user.school) if user.role == Role.PRINCIPAL and user.school_id else None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject = (
                _("[Burden-reduction supervision] Your account: set your password")
                if link.purpose == LinkPurpose.FIRST
                else _("[Burden-reduction supervision] Reset your password")
            )
        mail_send(
            subject=subject,
            recipients=[user.email],
            template="jianfu/accounts/email/link.txt",
            context={
                "user": user,
                "link": link,
                "url": account_link_url(user=user),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                "open_items": items,
            },
        )
    except Exception:
        AccountLink.objects.filter(pk=link_id).update(notified_at=None)
        raise
    return True


def _pending_links(since: Any, until: Any) -> list[int]:
    return list(
        AccountLink.objects.filter(notified_at__isnull=True, issued_at__gte=since, issued_at__lte=until)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_links(ids: Any) -> int:
    return sum(account_link_send(link_id=pk) for pk in ids)


# Sign-in links are notices of the one outbox: its sweep sends what a lost
# task or a mail server outage held back.
outbox_register(NoticeKind("account_link", _pending_links, _send_links))


# -- creating ---------------------------------------------------------------------------


def _clean_contact(*, email: str, phone: str) -> tuple[str, str]:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AccountError(_("“%(value)s” is not an e-mail address.") % {"value": email}) from None
    return email, phone.strip()


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise AccountError(_("Enter a sign-in name."))
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AccountError(
            _("A sign-in name may contain only letters, digits and @ . + - _; “%(value)s” does not.")
            % {"value": username}
        ) from None
    if len(username) > 150:
        raise AccountError(_("A sign-in name has at most 150 characters."))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The sign-in name “%(value)s” is taken.") % {"value": username})
    return username


def _free_username(base: str) -> str:
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {t.lower() for t in taken}
    if base.lower() not in taken:
        return base
    n = 2
    while f"{base}-{n}".lower() in taken:
        n += 1
    return f"{base}-{n}"


def _new_account(
    *,
    username: str,
    role: str,
    full_name: str,
    email: str,
    phone: str,
    by: Any,
    school: Any = None,
    is_staff: bool = False,
) -> tuple[User, AccountLink]:
    email, phone = _clean_contact(email=email, phone=phone)
    user = User(
        username=username,
        role=role,
        full_name=full_name.strip()[:50],
        email=email,
        phone=phone[:30],
        school=school,
        is_staff=is_staff,
        must_change_password=True,
    )
    user.set_unusable_password()
    user.save()
    _audit(user, "create", note=_("Account created (%(role)s).") % {"role": user.get_role_display()})
    link = account_link_issue(user=user, by=by, purpose=LinkPurpose.FIRST)
    return user, link


@transaction.atomic
def account_create_principal(
    *, school: Any, by: Any, full_name: str = "", email: str = "", phone: str = "", username: str = ""
) -> User:
    """The principal account of a school that has no active one. The sign-in
    name defaults to the school code. The school's open items are its own and
    are the new account's at once."""
    if not school.active:
        raise AccountError(_("%(school)s is no longer active.") % {"school": school.name})
    current = active_principal_of(school=school)
    if current is not None:
        raise AccountError(
            _(
                "%(school)s already has an active principal account (%(username)s); deactivate it first if the "
                "principal has changed."
            )
            % {"school": school.name, "username": current.username}
        )
    username = _check_username(username) if username.strip() else _free_username(school.code)
    user, _link = _new_account(
        username=username,
        role=Role.PRINCIPAL,
        full_name=full_name or school.principal_name,
        email=email,
        phone=phone,
        school=school,
        by=by,
    )
    return user


@transaction.atomic
def account_create_missing_principals(*, by: Any) -> list[User]:
    """One principal account for every active school without one, named
    after the register's principal; the links are handed over by the issuer
    (the register has no principal's e-mail)."""
    from .selectors import schools_without_principal

    return [account_create_principal(school=school, by=by) for school in schools_without_principal()]


@transaction.atomic
def account_create_supervisor(*, supervisor: Any, by: Any, username: str, email: str = "") -> User:
    """The account of a supervisor of the register who has none."""
    if supervisor.user_id is not None:
        raise AccountError(_("%(name)s already has an account.") % {"name": supervisor.name})
    if not supervisor.active:
        raise AccountError(_("%(name)s is no longer an active supervisor.") % {"name": supervisor.name})
    user, _link = _new_account(
        username=_check_username(username),
        role=Role.SUPERVISOR,
        full_name=supervisor.name,
        email=email,
        phone=supervisor.phone,
        by=by,
    )
    supervisor.user = user
    supervisor.save(update_fields=["user"])
    return user


@transaction.atomic
def account_create_staff(
    *, username: str, full_name: str, by: Any, groups: Iterable[Group], email: str = "", phone: str = ""
) -> User:
    """A bureau staff account in one or more of the bureau's groups."""
    chosen = list(groups)
    if not chosen:
        raise AccountError(_("Choose at least one section."))
    if any(g.name not in STAFF_GROUPS for g in chosen):
        raise AccountError(_("Choose sections of the bureau only."))
    if not full_name.strip():
        raise AccountError(_("Enter the full name."))
    user, _link = _new_account(
        username=_check_username(username),
        role=Role.BUREAU,
        full_name=full_name,
        email=email,
        phone=phone,
        is_staff=True,
        by=by,
    )
    user.groups.add(*chosen)
    _audit(user, "groups", note="、".join(g.name for g in chosen))
    return user


# -- deactivating -----------------------------------------------------------------------


@transaction.atomic
def account_deactivate(*, user: User, by: Any, reason: str) -> User:
    """Deactivate an account: it is signed out everywhere at once (the
    post-save receiver of jianfu.signals). A principal's school keeps its
    open items for its next principal account."""
    _may_act_on(user=user, by=by)
    if not reason.strip():
        raise AccountError(_("Give the reason for deactivating the account."))
    if not user.is_active:
        raise AccountError(_("The account is already deactivated."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    _audit(locked, "deactivate", note=reason.strip())
    user.is_active = False
    return locked


@transaction.atomic
def account_activate(*, user: User, by: Any) -> User:
    """Reactivate an account. A principal account only if its school has no
    other active principal account; it then takes over the school's open items."""
    _may_act_on(user=user, by=by)
    if user.is_active:
        raise AccountError(_("The account is already active."))
    if user.role == Role.PRINCIPAL:
        current = active_principal_of(school=user.school)
        if current is not None:
            raise AccountError(
                _("%(school)s already has an active principal account (%(username)s).")
                % {"school": user.school.name if user.school else "", "username": current.username}
            )
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    _audit(locked, "activate")
    user.is_active = True
    return locked


def account_password_set(*, user: User) -> None:
    """After the account set its own password (from a link or when forced):
    the duty to change it ends."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    _audit(user, "password_set", note=_("The account set its own password."), actor=user)
