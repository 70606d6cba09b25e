"""The audit trail: who did what, when, from where, and what changed.

Every create, change and delete of a row in the portal's own apps is
recorded by model signals, with the acting user and address taken from the
request being served (``AuditContextMiddleware``) or from a task's
``audit_context``. State transitions, reads of a complainant's identity and
exports are recorded explicitly with :func:`audit_record`. Entries are kept
at least ``AUDIT_RETENTION_DAYS`` (never fewer than 184, MLPS level 3)."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

AUDITED_APPS = {"jianfu", "schools", "supervision", "reports"}
# Rows that are themselves logs, or churn without meaning for an auditor.
NOT_AUDITED = {
    "jianfu.auditevent",
    "jianfu.loginfailure",
    "jianfu.usersession",
    # Bulk records: written and replaced a week at a time. Their services
    # record one entry per save or upload instead of one per row, and keeping
    # signal receivers off these models lets Django delete them in bulk.
    "schools.homeworkday",
    "schools.homeworkitem",
    "reports.schoolscore",
    # Anonymous survey responses: an entry would tie the respondent's address
    # to the response (the very identity the survey never stores), and the
    # summary rows and rate counters churn with every response.
    "supervision.surveyresponse",
    "supervision.surveytextanswer",
    "supervision.surveytally",
    "supervision.surveyanswertally",
    "supervision.surveyratecounter",
}
# Never copied into the trail: secrets, and identity fields that are audited
# only as "viewed" (their values would leak through the trail itself).
REDACTED_FIELDS = {"password", "totp_secret", "claim_token", "lease_expires_at", "last_login", "last_seen"}
REDACT_SUFFIXES = ("_encrypted", "_hash", "_secret", "_token")


@dataclass(frozen=True)
class Actor:
    user: Any
    ip: str | None


_actor: ContextVar[Actor | None] = ContextVar("jianfu_audit_actor", default=None)


@contextlib.contextmanager
def audit_context(*, user: Any, ip: str | None = None) -> Iterator[None]:
    """Attribute the writes inside the block to ``user`` (for tasks and
    commands, which have no request)."""
    token = _actor.set(Actor(user, ip))
    try:
        yield
    finally:
        _actor.reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from jianfu.lockout import client_ip

        user = getattr(request, "user", None)
        token = _actor.set(Actor(user if user is not None and user.is_authenticated else None, client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _label(instance: models.Model) -> str:
    return instance._meta.label_lower


def _redacted(name: str) -> bool:
    return name in REDACTED_FIELDS or name.endswith(REDACT_SUFFIXES)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name"):  # FieldFile
        return value.name or ""
    if isinstance(value, list | dict):
        return value
    return str(value)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if _redacted(field.name):
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    user: Any = None,
    ip: str | None = None,
) -> None:
    """Write one entry. ``user``/``ip`` default to the current request's."""
    from jianfu.models import AuditEvent

    actor = _actor.get()
    if user is None and actor is not None:
        user = actor.user
    if ip is None and actor is not None:
        ip = actor.ip
    AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        ip_address=ip,
        action=action,
        object_type=_label(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        note=note,
    )


def audit_events_between(*, start: datetime.date, end: datetime.date) -> models.QuerySet[Any]:
    """Entries from the start of local day ``start`` to the end of local
    day ``end``, oldest first (for exports)."""
    from django.utils import timezone

    from jianfu.models import AuditEvent

    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return AuditEvent.objects.filter(at__gte=since, at__lt=until).order_by("at", "id")


def _audited(sender: type[models.Model]) -> bool:
    meta = sender._meta
    return meta.app_label in AUDITED_APPS and meta.label_lower not in NOT_AUDITED and not meta.auto_created


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not _audited(sender) or instance.pk is None or instance._state.adding:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old) if old is not None else None  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    from jianfu.models import AuditAction

    if raw or not _audited(sender):
        return
    after = _snapshot(instance)
    if created:
        audit_record(action=AuditAction.CREATE, obj=instance, changes={k: [None, v] for k, v in after.items()})
        return
    before = getattr(instance, "_audit_before", None) or {}
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v and k not in {"updated_at"}}
    if diff:
        audit_record(action=AuditAction.UPDATE, obj=instance, changes=diff)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from jianfu.models import AuditAction

    if _audited(sender):
        audit_record(
            action=AuditAction.DELETE, obj=instance, changes={k: [v, None] for k, v in _snapshot(instance).items()}
        )


def connect() -> None:
    """Connect the receivers model by model: a receiver for every sender
    would stop Django from deleting any queryset in bulk."""
    from django.apps import apps

    for model in apps.get_models():
        if not _audited(model):
            continue
        uid = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"jianfu_audit_pre_save_{uid}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"jianfu_audit_post_save_{uid}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"jianfu_audit_post_delete_{uid}")
