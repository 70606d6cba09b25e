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
import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

AUDITED_APPS = {"jianfu", "schools", "supervision", "reports", "otp_totp", "otp_static"}
# Models of other apps whose changes matter to an auditor (who may do what).
AUDITED_MODELS = {"auth.group"}
# Rows that are themselves logs, or churn without meaning for an auditor.
NOT_AUDITED = {
    "jianfu.auditevent",
    "jianfu.ratecounter",
    # The day's last case number, raised by one upsert per complaint (the
    # case itself is audited).
    "supervision.complaintnumbercounter",
    # A backup code is deleted when used; the sign-in itself is recorded.
    "otp_static.statictoken",
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
    "supervision.surveyschooltally",
    "supervision.surveyroundtally",
    "supervision.surveyratecounter",
    # Derived from the class-days, rebuilt at will: nothing to audit.
    "schools.homeworksummary",
    "schools.homeworkmonthsummary",
}
# Never copied into the trail: secrets, and identity fields that are audited
# only as "viewed" (their values would leak through the trail itself).
REDACTED_FIELDS = {"password", "key", "token", "claim_token", "lease_expires_at", "last_login", "last_seen"}
# Bookkeeping of a second-factor device at each use: a save that changes only
# these is not a change an auditor needs (the sign-in is recorded anyway).
ROUTINE_FIELDS = {
    "updated_at",
    "last_t",
    "drift",
    "last_used_at",
    "throttling_failure_count",
    "throttling_failure_timestamp",
}
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
        from jianfu.client_ip import client_ip

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


# Values _plain returns as they are, told by their exact type first: a
# snapshot is mostly these, and every save of an audited row takes one.
_PLAIN_AS_IS = frozenset({type(None), bool, int, float, str})


@functools.cache
def _snapshot_attnames(model: type[models.Model]) -> tuple[str, ...]:
    """The columns a snapshot of ``model`` holds: all but the redacted ones."""
    return tuple(f.attname for f in model._meta.concrete_fields if not _redacted(f.name))


def _snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for attname in _snapshot_attnames(type(instance)):
        value = getattr(instance, attname)
        data[attname] = value if type(value) in _PLAIN_AS_IS else _plain(value)
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
    _entry(action=action, obj=obj, changes=changes, note=note, user=user, ip=ip).save()


def _entry(
    *,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    user: Any = None,
    ip: str | None = None,
    name: str | None = None,
) -> Any:
    """An unsaved entry attributed like :func:`audit_record`'s (``name``:
    the object's name, ``str(obj)`` by default)."""
    from jianfu.models import AuditEvent

    actor = _actor.get()
    if user is None and actor is not None:
        user = actor.user
    if ip is None and actor is not None:
        ip = actor.ip
    return AuditEvent(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        ip_address=ip,
        action=action,
        object_type=_label(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(str(obj) if name is None else name)[:200] if obj is not None else "",
        changes=changes or {},
        note=note,
    )


def audit_created_entry(instance: models.Model, *, name: str | None = None) -> Any:
    """The unsaved CREATE entry the signals write for ``instance``, for a
    writer that inserts the row by SQL together with its entry in one
    statement (the public complaint form's filing). What the database
    assigns (the id, and anything else the caller names) is the caller's to
    fill in: ``object_id``, ``object_repr`` and those fields' values in
    ``changes``; ``name``, if given, is the object_repr instead of
    ``str(instance)``. None for a model that is not audited."""
    from django.utils import timezone

    from jianfu.models import AuditAction

    if not _audited(type(instance)):
        return None
    entry = _entry(
        action=AuditAction.CREATE,
        obj=instance,
        changes={k: [None, v] for k, v in _snapshot(instance).items()},
        name=name,
    )
    entry.at = timezone.now()
    return entry


def audit_bulk_update(queryset: models.QuerySet[Any], **values: Any) -> int:
    """``queryset.update(**values)`` with one UPDATE entry per row changed
    (bulk updates send no signals), written in one INSERT: a fixed number of
    queries whatever the number of rows. The rows' values are read before
    and after, so expressions (``F()``) are recorded by their results."""
    from jianfu.models import AuditAction

    model = queryset.model
    if not _audited(model):
        return queryset.update(**values)
    fields = [name for name in values if not _redacted(name)]
    before = {row["pk"]: row for row in queryset.values("pk", *fields)}
    count = queryset.filter(pk__in=list(before)).update(**values)
    after = {row["pk"]: row for row in model._default_manager.filter(pk__in=list(before)).values("pk", *fields)}
    entries = []
    for obj in model._default_manager.filter(pk__in=list(before)):
        old, new = before[obj.pk], after.get(obj.pk, {})
        diff = {
            name: [_plain(old.get(name)), _plain(new.get(name))] for name in fields if old.get(name) != new.get(name)
        }
        if diff:
            entries.append(_entry(action=AuditAction.UPDATE, obj=obj, changes=diff))
    _save_all(entries)
    return count


def _save_all(entries: list[Any]) -> None:
    from jianfu.models import AuditEvent

    if entries:
        AuditEvent.objects.bulk_create(entries, batch_size=500)


def audit_bulk_created(objs: Sequence[models.Model]) -> None:
    """Entries for rows made with ``bulk_create`` (which sends no signals),
    written in one INSERT."""
    from jianfu.models import AuditAction

    _save_all(
        [
            _entry(action=AuditAction.CREATE, obj=obj, changes={k: [None, v] for k, v in _snapshot(obj).items()})
            for obj in objs
            if _audited(type(obj)) and obj.pk is not None
        ]
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
    if meta.auto_created or meta.label_lower in NOT_AUDITED:
        return False
    return meta.app_label in AUDITED_APPS or meta.label_lower in AUDITED_MODELS


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
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v and k not in ROUTINE_FIELDS}
    if diff:
        audit_record(action=AuditAction.UPDATE, obj=instance, changes=diff)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from jianfu.models import AuditAction

    if _audited(sender):
        audit_record(
            action=AuditAction.DELETE, obj=instance, changes={k: [v, None] for k, v in _snapshot(instance).items()}
        )


# (name seen from the model holding the field, name seen from the other side)
_M2M_NAMES: dict[Any, tuple[str, str]] = {}


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """Group memberships and permissions, from either side (``user.groups.add``
    and ``group.user_set.add`` alike): who may do what is the first thing an
    auditor asks about."""
    from jianfu.models import AuditAction

    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    relation = _M2M_NAMES.get(sender, ("members", "members"))[1 if reverse else 0]
    if action == "pre_clear":
        # The members are known only before they are gone.
        pks = set(_m2m_current(sender, instance, model))
        verb = "remove"
    else:
        pks = set(pk_set or ())
        verb = "add" if action == "post_add" else "remove"
    if not pks:
        return
    names = [str(obj) for obj in model._default_manager.filter(pk__in=pks).order_by("pk")]
    audit_record(
        action=AuditAction.UPDATE,
        obj=instance,
        changes={relation: {verb: sorted(pks, key=str), "names": names}},
    )


def _m2m_current(through: type[models.Model], instance: models.Model, model: type[models.Model]) -> list[Any]:
    own = next(f for f in through._meta.get_fields() if getattr(f, "related_model", None) is type(instance))
    other = next(
        f
        for f in through._meta.get_fields()
        if getattr(f, "related_model", None) is model and f is not own and f.is_relation
    )
    column = getattr(other, "attname", other.name)
    return list(through._default_manager.filter(**{own.name: instance}).values_list(column, flat=True))


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
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    _M2M_NAMES.update(
        {
            user_model.groups.through: ("groups", "users"),
            user_model.user_permissions.through: ("user_permissions", "users"),
            Group.permissions.through: ("permissions", "groups"),
        }
    )
    for through in _M2M_NAMES:
        uid = through._meta.label_lower
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"jianfu_audit_m2m_{uid}")
