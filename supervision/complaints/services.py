"""Writes of the complaint workflow, one function per transition.

received → accepted | not accepted → assigned → under investigation →
concluded → replied → closed, and back to accepted (or received) when the
complainant objects. Each transition locks the case row, checks the current
status, records who, when and why in a :class:`ComplaintEvent`, and raises
:class:`ComplaintError` (a ValidationError with a translated message) when
it is not allowed. Views, forms, admin and tasks only call these."""

from __future__ import annotations

import datetime
import functools
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_bulk_update, audit_created_entry, audit_record
from jianfu.models import AuditAction, AuditEvent
from jianfu.outbox import publish_after_commit
from jianfu.prepared import prepared_write_once
from jianfu.roles import SECTIONS
from schools.models import School
from supervision.complaints import ratelimit
from supervision.complaints.files import PreparedFile
from supervision.complaints.identity import Complainant, sealed, unsealed
from supervision.complaints.models import (
    AWAITING_CONCLUSION,
    SUBSTANTIATED_OUTCOMES,
    complaint_accept_due,
    complaint_conclude_due,
    complaint_due_dates,
)
from supervision.complaints.selectors import PublicCaseStatus, complaint_public_status_get
from supervision.workdays.calendar import is_working_day

from ..models import (
    AssigneeKind,
    ComplainantIdentityView,
    ComplaintAttachment,
    ComplaintCase,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintEventAction,
    ComplaintNumberCounter,
    ComplaintOutcome,
    ComplaintStatus,
    Liability,
    Supervisor,
)

S = ComplaintStatus
A = ComplaintEventAction

# Characters of the query code: no 0/O, 1/I/L, so a code read out on the
# phone is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
UNMASK_PERMISSION = "supervision.unmask_complainant"


class ComplaintError(ValidationError):
    """A transition or action that the case's state or the rules forbid."""


class ComplaintRefused(ComplaintError):
    """A public submission refused for abuse (rate limit): nothing is saved."""


@dataclass(frozen=True)
class FiledCase:
    case: ComplaintCase
    query_code: str


# --- helpers ---------------------------------------------------------------------


def _local_day(at: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(at) if at else timezone.localdate()


def _require_bureau(by: Any) -> None:
    if not getattr(by, "is_bureau", False):
        raise ComplaintError(_("Only bureau staff may do this."))


def _is_assignee(case: ComplaintCase, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.assignee_kind == AssigneeKind.SUPERVISOR and case.assigned_supervisor is not None:
        return bool(user.is_supervisor and case.assigned_supervisor.user_id == user.pk)
    if case.assignee_kind == AssigneeKind.SCHOOL:
        return bool(user.is_principal and user.school_id == case.school_id)
    if case.assignee_kind == AssigneeKind.SECTION and case.assigned_section_id is not None:
        return bool(user.is_bureau and user.groups.filter(pk=case.assigned_section_id).exists())
    return False


def _locked(case: ComplaintCase) -> ComplaintCase:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join.
    return ComplaintCase.objects.select_for_update(of=("self",)).select_related("assigned_supervisor").get(pk=case.pk)


def _check_status(case: ComplaintCase, allowed: Iterable[str]) -> None:
    if case.status not in allowed:
        raise ComplaintError(
            _("Case %(number)s is “%(status)s”: this step is not possible now.")
            % {"number": case.number, "status": case.get_status_display()}
        )


def _event(
    case: ComplaintCase,
    action: str,
    *,
    by: Any,
    from_status: str = "",
    note: str = "",
    to_status: str = "",
    at: datetime.datetime | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=to_status or case.status,
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
        at=at or timezone.now(),
    )


def _sync(target: ComplaintCase, source: ComplaintCase) -> None:
    """Copy the locked, updated row's fields onto the caller's instance."""
    for field in ComplaintCase._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# A case number is TS<day>-<the day's count, four digits or more>.
NUMBER_DIGITS = 4


def _number_prefix(day: datetime.date) -> str:
    return f"TS{day:%Y%m%d}-"


def _number_upsert_sql() -> str:
    """The day's next count, in one statement (the first of the day creates
    the row). The row stays locked until the caller's transaction ends:
    concurrent filings queue here and each gets its own count, and a
    rollback gives the count back, so numbers have no gaps. Callers take it
    last, just before the inserts, with nothing slow after it."""
    table = connection.ops.quote_name(ComplaintNumberCounter._meta.db_table)
    return (
        f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - table name from the model
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )


def _next_number(day: datetime.date) -> str:
    """The day's next case number (see :func:`_number_upsert_sql`)."""
    with connection.cursor() as cursor:
        cursor.execute(_number_upsert_sql(), [day])
        (last,) = cursor.fetchone()
    return f"{_number_prefix(day)}{last:0{NUMBER_DIGITS}d}"


# What the database assigns to an audit entry in the filing statement.
_ENTRY_ASSIGNED = frozenset({"object_id", "object_repr", "changes"})


@functools.cache
def _insert_fields(model: Any, skip: frozenset[str]) -> tuple[tuple[Any, ...], str, str]:
    """A model's columns for an ``INSERT ... SELECT`` of parameters, but for
    its primary key and ``skip`` (the columns the statement fills itself):
    the fields, the quoted names, and the placeholders each cast to its
    column's type (a SELECT list's bare parameters would be text, which
    PostgreSQL does not assign to every column type)."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return fields, names, ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)


# Field classes (exactly these, not subclasses: an encrypted or custom
# field converts its values itself) whose ``get_db_prep_save`` on PostgreSQL
# with psycopg2 hands a value of the listed exact types to the driver
# unchanged (a datetime only if aware: _values checks). The filing sends
# such values as they are and asks the field only for any other: Django's
# conversion of the four rows' sixty values, nearly all of it returning its
# input, was about 150 us of the complaint POST's 4.7 ms of CPU.
# ``tests/supervision/test_complaint_filing_values.py`` compares both ways
# for every field the statement writes.
_NONE = type(None)
_SENT_AS_IS: dict[type, tuple[type, ...]] = {
    models.CharField: (str, _NONE),
    models.TextField: (str, _NONE),
    models.BooleanField: (bool,),  # None is refused on a non-null field, so asked
    models.IntegerField: (int, _NONE),
    models.SmallIntegerField: (int, _NONE),
    models.BigIntegerField: (int, _NONE),
    models.PositiveIntegerField: (int, _NONE),
    models.PositiveSmallIntegerField: (int, _NONE),
    models.DateField: (datetime.date, _NONE),  # exact: a datetime is made a date
    models.DateTimeField: (datetime.datetime, _NONE),
}
_KEYS_AS_IS = (models.AutoField, models.BigAutoField)


def _as_is_types(field: Any) -> tuple[type, ...]:
    """The exact types of value ``field`` passes to psycopg2 unchanged."""
    kind = type(field)
    if kind is models.ForeignKey and type(field.target_field) in _KEYS_AS_IS:
        return (int, _NONE)
    return _SENT_AS_IS.get(kind, ())


@functools.cache
def _value_plan(model: Any, skip: frozenset[str]) -> tuple[tuple[Any, str, tuple[type, ...]], ...]:
    return tuple((f, f.attname, _as_is_types(f)) for f in _insert_fields(model, skip)[0])


def _values(instance: Any, skip: frozenset[str]) -> list[Any]:
    """``instance``'s values for :func:`_insert_fields`, as the ORM sends
    them on PostgreSQL (the only database the statement runs on)."""
    model: Any = type(instance)
    values = []
    for field, attname, as_is in _value_plan(model, skip):
        value = getattr(instance, attname)
        kind = type(value)
        # (a naive datetime is made aware by the field, so it is asked)
        if kind in as_is and (kind is not datetime.datetime or value.tzinfo is not None):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(value, connection))
    return values


@functools.cache
def _filing_sql() -> str:
    """The statement of :func:`_file_in_one_statement` (built once)."""
    q = connection.ops.quote_name
    number, case_id = q("number"), q("case_id")
    _, case_columns, case_values = _insert_fields(ComplaintCase, frozenset({"number"}))
    _, event_columns, event_values = _insert_fields(ComplaintEvent, frozenset({"case_id"}))
    _, entry_columns, entry_values = _insert_fields(AuditEvent, _ENTRY_ASSIGNED)
    # The number's count padded to NUMBER_DIGITS, never cut (as _next_number).
    count = f"lpad(n.last::text, greatest({NUMBER_DIGITS}, length(n.last::text)), '0')"
    return f"""
        WITH n AS ({_number_upsert_sql()}),
        c AS (
            INSERT INTO {q(ComplaintCase._meta.db_table)} ({number}, {case_columns})
            SELECT %s::text || {count}, {case_values} FROM n
            RETURNING id, {number}
        ),
        e AS (
            INSERT INTO {q(ComplaintEvent._meta.db_table)} ({case_id}, {event_columns})
            SELECT c.id, {event_values} FROM c
            RETURNING id, {case_id}
        ),
        a AS (
            INSERT INTO {q(AuditEvent._meta.db_table)}
                ({entry_columns}, {q("object_id")}, {q("object_repr")}, {q("changes")})
            SELECT {entry_values}, c.id::text, c.{number}, %s::jsonb || jsonb_build_object(
                'id', jsonb_build_array(NULL, c.id), 'number', jsonb_build_array(NULL, c.{number}))
            FROM c
            UNION ALL
            SELECT {entry_values}, e.id::text, c.{number} || %s::text, %s::jsonb || jsonb_build_object(
                'id', jsonb_build_array(NULL, e.id), 'case_id', jsonb_build_array(NULL, e.{case_id}))
            FROM e, c
        )
        SELECT id, {number} FROM c
    """  # noqa: S608 - names from the models, values as parameters


FILING_STATEMENT = "jianfu_complaint_filing"


def _file_in_one_statement(case: ComplaintCase, event: ComplaintEvent, day: datetime.date) -> None:
    """Insert ``case`` with the day's next number, its "received" ``event``
    and the audit entries the signals would write for both, in ONE statement
    (data-modifying CTEs, which all run to completion or not at all), and set
    the case's id and number. PostgreSQL only.

    Outside a transaction the statement is its own: one round trip and one
    commit, and the number counter's row is locked for this statement only.
    A failure anywhere in it (a constraint of the case, of the event) undoes
    all of it, the number included, so numbers stay gap-free."""
    event.case = case
    # The entries as the signals would write them but for what the database
    # assigns: their object's id, its name, and those values in the changes.
    case_entry = audit_created_entry(case, name="")
    # str(event) is the case's number and the action in the request's
    # language: the number is the statement's to prepend.
    event_entry = audit_created_entry(event, name=f" {A(event.action).label}")
    params = [
        day,
        _number_prefix(day),
        *_values(case, frozenset({"number"})),
        *_values(event, frozenset({"case_id"})),
        # One INSERT for both entries, the case's first, as the signals
        # write them.
        *_values(case_entry, _ENTRY_ASSIGNED),
        json.dumps({k: v for k, v in case_entry.changes.items() if k not in ("id", "number")}),
        *_values(event_entry, _ENTRY_ASSIGNED),
        event_entry.object_repr,
        json.dumps({k: v for k, v in event_entry.changes.items() if k not in ("id", "case_id")}),
    ]

    def written() -> tuple[Any, ...] | None:
        # The query code's digest is drawn for this filing alone.
        row = ComplaintCase.objects.filter(query_code_hash=case.query_code_hash).values_list("pk", "number").first()
        return tuple(row) if row else None

    row = prepared_write_once(name=FILING_STATEMENT, sql=_filing_sql(), params=params, written=written)
    assert row is not None  # noqa: S101 - the statement returns the case it inserted
    case.pk, case.number = row
    case._state.adding = False
    case._state.db = connection.alias


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def query_code_normalize(*, code: str) -> str:
    return "".join(code.split()).upper()


CODE_DIGEST_PREFIX = "hmac-sha256$"


def query_code_digest(*, code: str) -> str:
    """What is stored for a query code: an HMAC under LOOKUP_CODE_KEY. The
    code is eight random characters (about 10^12), not a password, so a keyed
    hash is enough and a look-up costs microseconds instead of a password
    hash's second and a half of CPU."""
    key = _lookup_code_key(settings.LOOKUP_CODE_KEY, settings.SECRET_KEY)
    return CODE_DIGEST_PREFIX + hmac.digest(key, query_code_normalize(code=code).encode(), "sha256").hex()


@functools.lru_cache(maxsize=4)
def _lookup_code_key(configured: str, secret_key: str) -> bytes:
    """LOOKUP_CODE_KEY, or a key derived from SECRET_KEY when it is not set
    (derived once per pair of settings, not per look-up)."""
    return configured.encode() or hmac.digest(secret_key.encode(), b"jianfu.complaint-lookup-code", "sha256")


def _code_matches(*, code: str, stored: str) -> bool:
    if stored.startswith(CODE_DIGEST_PREFIX):
        return secrets.compare_digest(query_code_digest(code=code), stored)
    # Cases filed before the keyed hash carry a PBKDF2 hash; they are checked
    # the old way (only when the number exists) and upgraded on success.
    return check_password(query_code_normalize(code=code), stored)


# --- filing ------------------------------------------------------------------------


def _store_files(case: ComplaintCase, files: Iterable[PreparedFile], *, by: Any, stored: list[str]) -> None:
    for prepared in files:
        attachment = ComplaintAttachment(
            case=case,
            kind=prepared.kind,
            is_recording=prepared.is_recording,
            content_type=prepared.content_type,
            size=prepared.size,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        attachment.file.save(prepared.content.name or "file", prepared.content, save=False)
        stored.append(attachment.file.name)
        attachment.save()


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _check_target(
    school: School | None, institution: Any, linked_institution: Any, category: ComplaintCategory
) -> None:
    if (school is None) == (institution is None):
        raise ComplaintError(_("A case is about either a school or a training institution."))
    if linked_institution is not None and (school is None or not category.links_institution):
        raise ComplaintError(_("Only a school case about paid tutoring names the training institution involved."))


def complaint_file(
    *,
    school: School | None = None,
    institution: Any = None,
    linked_institution: Any = None,
    category: ComplaintCategory,
    channel: str,
    description: str,
    happened_on: datetime.date | None = None,
    real_name: bool = False,
    name: str = "",
    phone: str = "",
    received_at: datetime.datetime | None = None,
    operator: Any = None,
    files: Iterable[PreparedFile] = (),
) -> FiledCase:
    """Create a case in status *received* with its number, a fresh query
    code (returned once, stored hashed), its time limits and its files.
    Either all of it is saved or nothing: stored files are removed again if
    the database work fails. On PostgreSQL a case without files is one
    statement (:func:`_file_in_one_statement`); otherwise, and elsewhere,
    the ORM's inserts in a transaction, with the same rows and entries."""
    if real_name and not name:
        raise ComplaintError(_("A real-name report needs the complainant's name."))
    _check_target(school, institution, linked_institution, category)
    received_at = received_at or timezone.now()
    day = _local_day(received_at)
    code = new_query_code()
    # Everything that takes time (the digest, the working-day deadlines, the
    # sealed identity) is computed before the number counter's row is locked,
    # which every other submission of the day waits for.
    code_digest = query_code_digest(code=code)
    accept_due, conclude_due = complaint_due_dates(day)
    identity = sealed(name, phone)
    files = list(files)
    staff = operator if getattr(operator, "is_authenticated", False) else None
    # The case's fields, the same for both ways of writing it below.
    fields: dict[str, Any] = {
        "query_code_hash": code_digest,
        "school": school,
        "institution": institution,
        "linked_institution": linked_institution,
        "category": category,
        "channel": channel,
        "received_at": received_at,
        "happened_on": happened_on,
        "description": description,
        "real_name": real_name,
        **identity,
        "operator": staff,
        "status": S.RECEIVED,
        "accept_due": accept_due,
        "conclude_due": conclude_due,
    }
    if connection.vendor == "postgresql" and not files:
        now = timezone.now()
        case = ComplaintCase(**fields, created_at=now, updated_at=now)
        event = ComplaintEvent(
            action=A.RECEIVED, from_status="", to_status=S.RECEIVED, by=staff, note="", at=received_at
        )
        _file_in_one_statement(case, event, day)
        return FiledCase(case=case, query_code=code)
    stored: list[str] = []
    try:
        # No savepoint inside a caller's transaction: any failure here
        # undoes the caller's work as well.
        with transaction.atomic(savepoint=False):
            case = ComplaintCase.objects.create(number=_next_number(day), **fields)
            _store_files(case, files, by=operator, stored=stored)
            # The history starts when the complaint arrived, not when it was typed in.
            _event(case, A.RECEIVED, by=operator, at=received_at)
    except BaseException:
        _delete_stored(stored)
        raise
    return FiledCase(case=case, query_code=code)


def complaint_submit_public(
    *,
    school: School | None = None,
    institution: Any = None,
    linked_institution: Any = None,
    category: ComplaintCategory,
    description: str,
    happened_on: datetime.date | None,
    real_name: bool,
    name: str,
    phone: str,
    files: Iterable[PreparedFile],
    ip: str | None,
) -> FiledCase:
    """A complaint from the public form. Refused with
    :class:`ComplaintRefused`, saving nothing, when the address or the phone
    number has filed too many in the window.

    Each submission takes its places in the counters first (per address and
    per phone in one round trip to Redis when it answers, one upsert each in
    the database otherwise; atomic steps, so simultaneous submissions from
    one address are counted one by one), then files. A refused submission,
    or one whose filing fails, gives its places back."""
    window = datetime.timedelta(hours=settings.COMPLAINT_RATE_WINDOW_HOURS)
    if not real_name:
        name = phone = ""
    if not ratelimit.take_places(
        [
            (ratelimit.SUBMIT_BY_IP, ip, settings.COMPLAINT_RATE_LIMIT_PER_IP),
            (ratelimit.SUBMIT_BY_PHONE, phone, settings.COMPLAINT_RATE_LIMIT_PER_PHONE),
        ],
        window=window,
    ):
        raise ComplaintRefused(
            _(
                "Too many complaints have been submitted from this network or phone number recently. "
                "Nothing was saved. Please try again tomorrow, or call the complaint hotline %(hotline)s."
            )
            % {"hotline": settings.COMPLAINT_HOTLINE},
            code="rate_limited",
        )
    try:
        return complaint_file(
            school=school,
            institution=institution,
            linked_institution=linked_institution,
            category=category,
            channel=ComplaintChannel.WEB,
            description=description,
            happened_on=happened_on,
            real_name=real_name,
            name=name,
            phone=phone,
            files=files,
        )
    except BaseException:
        ratelimit.give_back(ratelimit.SUBMIT_BY_IP, ip)
        ratelimit.give_back(ratelimit.SUBMIT_BY_PHONE, phone)
        raise


def complaint_intake(
    *,
    by: Any,
    school: School | None = None,
    institution: Any = None,
    linked_institution: Any = None,
    category: ComplaintCategory,
    channel: str,
    received_at: datetime.datetime,
    description: str,
    happened_on: datetime.date | None = None,
    real_name: bool = False,
    name: str = "",
    phone: str = "",
    recording: PreparedFile | None = None,
    files: Iterable[PreparedFile] = (),
) -> FiledCase:
    """A case entered by staff: hotline, letter, visit or referral, with
    the caller's details and the call recording."""
    _require_bureau(by)
    if channel == ComplaintChannel.WEB:
        raise ComplaintError(_("Cases from the web form file themselves."))
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ComplaintError(_("The time received cannot be in the future."))
    all_files = list(files)
    if recording is not None:
        recording.is_recording = True
        all_files.insert(0, recording)
    return complaint_file(
        school=school,
        institution=institution,
        linked_institution=linked_institution,
        category=category,
        channel=channel,
        description=description,
        happened_on=happened_on,
        real_name=real_name,
        name=name,
        phone=phone,
        received_at=received_at,
        operator=by,
        files=all_files,
    )


def complaint_add_files(*, case: ComplaintCase, by: Any, files: Iterable[PreparedFile]) -> None:
    """More files on an existing case (a recording found later, a letter's
    scan)."""
    _require_bureau(by)
    stored: list[str] = []
    try:
        with transaction.atomic():
            _store_files(case, files, by=by, stored=stored)
    except BaseException:
        _delete_stored(stored)
        raise


# --- the public status page --------------------------------------------------------


def complaint_check_query(*, number: str, code: str, ip: str | None) -> PublicCaseStatus | None:
    """The case with ``number``, as the status page shows it, if ``code`` is
    its query code, else None. A wrong number and a wrong code take the same
    path and the same time; failures count against the address, and past
    the limit even right answers get None until the hour has passed."""
    found = complaint_public_status_get(number=number.strip().upper(), failures_of=ip)
    case = found.case if found else None
    # An unknown number is compared with a digest too, so it takes as long.
    stored = case.query_code_hash if case else query_code_digest(code=new_query_code())
    # (compared first, then the case tested: ``case is not None and ...``
    # skipped the comparison for an unknown number)
    matched = _code_matches(code=code, stored=stored) and case is not None
    limit = settings.COMPLAINT_STATUS_FAILURES_PER_IP_HOUR
    if matched:
        # The address's failures as the statement that read the case saw
        # them. Whether the code matches does not depend on when it is
        # compared, so the right code is answered as of that statement: if
        # fewer than the limit of failures had been counted then, it was
        # within the limit; a failure counted after it comes after it. One
        # round trip for a right code, no write, no Redis.
        allowed = found is not None and found.failures < limit
    else:
        # One upsert: simultaneous wrong codes queue on the address's row and
        # each sees its own total, so at most ``limit`` of them are answered
        # "not found" and every one after them "too many".
        allowed = ratelimit.failure_counted(
            ratelimit.STATUS_FAILURE_BY_IP, ip, limit=limit, window=ratelimit.STATUS_FAILURE_WINDOW
        )
    if not allowed:
        raise ComplaintRefused(
            _("Too many unsuccessful look-ups from this network. Please try again in an hour."), code="rate_limited"
        )
    if found is None or case is None or not matched:
        return None
    if not stored.startswith(CODE_DIGEST_PREFIX):
        # Upgrade the old PBKDF2 hash; a hash is never shown in the audit trail.
        ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=query_code_digest(code=code))
    return found


# --- the workflow -------------------------------------------------------------------


def complaint_accept(*, case: ComplaintCase, by: Any, note: str = "") -> ComplaintCase:
    """received → accepted."""
    _require_bureau(by)
    with transaction.atomic():
        row = _locked(case)
        _check_status(row, [S.RECEIVED])
        row.status = S.ACCEPTED
        row.save()
        _event(row, A.ACCEPTED, by=by, from_status=S.RECEIVED, note=note)
    _sync(case, row)
    return case


def complaint_decline(*, case: ComplaintCase, by: Any, reason: str) -> ComplaintCase:
    """received → not accepted, with the reason the complainant is given."""
    _require_bureau(by)
    if not reason.strip():
        raise ComplaintError(_("Give the reason for not accepting the case; the complainant will read it."))
    with transaction.atomic():
        row = _locked(case)
        _check_status(row, [S.RECEIVED])
        row.status = S.NOT_ACCEPTED
        row.not_accepted_reason = reason.strip()
        row.save()
        _event(row, A.NOT_ACCEPTED, by=by, from_status=S.RECEIVED, note=reason.strip())
    _sync(case, row)
    return case


def complaint_assign(
    *,
    case: ComplaintCase,
    by: Any,
    kind: str,
    supervisor: Supervisor | None = None,
    section: Group | None = None,
    school_summary: str = "",
    note: str = "",
) -> ComplaintCase:
    """accepted (or already assigned / under investigation) → assigned, to a
    supervisor, a bureau section, or the school itself. The school is given
    only ``school_summary``, never the complaint's own words."""
    _require_bureau(by)
    if case.institution_id is not None and kind != AssigneeKind.SECTION:
        # Training institutions are the bureau's business: no school or
        # district supervisor investigates them.
        raise ComplaintError(_("A case about a training institution is assigned to a bureau section."))
    if kind == AssigneeKind.SUPERVISOR:
        if supervisor is None or not supervisor.active or supervisor.user_id is None:
            raise ComplaintError(_("Choose an active supervisor who has an account."))
        section = None
    elif kind == AssigneeKind.SECTION:
        if section is None or section.name not in SECTIONS:
            raise ComplaintError(_("Choose one of the bureau's sections."))
        supervisor = None
    elif kind == AssigneeKind.SCHOOL:
        if not school_summary.strip():
            raise ComplaintError(
                _("Write the summary the school will see: what to investigate, without anything about the complainant.")
            )
        supervisor = section = None
    else:
        raise ComplaintError(_("Choose whom to assign the case to."))
    with transaction.atomic():
        row = _locked(case)
        before = row.status
        _check_status(row, [S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING])
        row.status = S.ASSIGNED
        row.assignee_kind = kind
        row.assigned_supervisor = supervisor
        row.assigned_section = section
        row.assignment_note = note.strip()
        if school_summary.strip():
            row.school_summary = school_summary.strip()
        row.save()
        target = {
            AssigneeKind.SUPERVISOR: str(supervisor.name) if supervisor else "",
            AssigneeKind.SECTION: section.name if section else "",
            AssigneeKind.SCHOOL: row.subject_name,
        }[AssigneeKind(kind)]
        event = _event(row, A.ASSIGNED, by=by, from_status=before, note=f"→ {target}\n{note}".strip())
        from supervision.complaints.tasks import complaint_notify_assignment

        publish_after_commit(complaint_notify_assignment, event.pk)
    _sync(case, row)
    return case


def complaint_start_investigation(*, case: ComplaintCase, by: Any) -> ComplaintCase:
    """assigned → under investigation, by the assignee or bureau staff."""
    with transaction.atomic():
        row = _locked(case)
        if not (getattr(by, "is_bureau", False) or _is_assignee(row, by)):
            raise ComplaintError(_("Only the assignee or bureau staff may do this."))
        _check_status(row, [S.ASSIGNED])
        row.status = S.INVESTIGATING
        row.save()
        _event(row, A.INVESTIGATION_STARTED, by=by, from_status=S.ASSIGNED)
    _sync(case, row)
    return case


def complaint_submit_findings(*, case: ComplaintCase, by: Any, findings: str) -> ComplaintCase:
    """The assignee's findings, while under investigation (status
    unchanged; may be submitted again to complete them)."""
    if not findings.strip():
        raise ComplaintError(_("Write what the investigation found."))
    with transaction.atomic():
        row = _locked(case)
        if not (getattr(by, "is_bureau", False) or _is_assignee(row, by)):
            raise ComplaintError(_("Only the assignee or bureau staff may do this."))
        _check_status(row, [S.INVESTIGATING])
        row.findings = findings.strip()
        row.findings_at = timezone.now()
        row.save()
        _event(row, A.FINDINGS_SUBMITTED, by=by, from_status=row.status, note=findings.strip())
    _sync(case, row)
    return case


def complaint_conclude(
    *,
    case: ComplaintCase,
    by: Any,
    outcome: str,
    liability: str,
    conclusion: str,
    measures: str = "",
    liable_person: str = "",
) -> ComplaintCase:
    """under investigation → concluded: substantiated, partly or not; who is
    liable (the whole school, an individual, nobody); measures taken."""
    _require_bureau(by)
    try:
        outcome = ComplaintOutcome(outcome)
        liability = Liability(liability)
    except ValueError as exc:
        raise ComplaintError(_("Choose the outcome and the liability.")) from exc
    if not conclusion.strip():
        raise ComplaintError(_("Write the conclusion."))
    if outcome == ComplaintOutcome.NOT_SUBSTANTIATED and liability != Liability.NONE:
        raise ComplaintError(_("A case that is not substantiated makes nobody liable."))
    if outcome in SUBSTANTIATED_OUTCOMES:
        if liability == Liability.NONE:
            raise ComplaintError(_("Say who is liable for a substantiated case: the whole school or an individual."))
        if not measures.strip():
            raise ComplaintError(_("Describe the measures taken for a substantiated case."))
    if liability == Liability.INDIVIDUAL and not liable_person.strip():
        raise ComplaintError(_("Name the post (and person) liable for an individual's act."))
    with transaction.atomic():
        row = _locked(case)
        _check_status(row, [S.INVESTIGATING])
        row.status = S.CONCLUDED
        row.outcome = outcome
        row.liability = liability
        row.liable_person = liable_person.strip() if liability == Liability.INDIVIDUAL else ""
        row.measures = measures.strip()
        row.conclusion = conclusion.strip()
        row.concluded_at = timezone.now()
        row.save()
        _event(row, A.CONCLUDED, by=by, from_status=S.INVESTIGATING, note=conclusion.strip())
    _sync(case, row)
    return case


def complaint_reply_template_text(*, template_body: str, case: ComplaintCase) -> str:
    """A reply template with its placeholders filled (plain replacement: a
    template is staff-written text, never a format string)."""
    return template_body.replace("{case_number}", case.number).replace("{school}", case.subject_name)


def complaint_reply(*, case: ComplaintCase, by: Any, reply: str) -> ComplaintCase:
    """concluded → replied: the answer the complainant reads on the status
    page (and is told by phone or letter)."""
    _require_bureau(by)
    if not reply.strip():
        raise ComplaintError(_("Write the reply to the complainant."))
    with transaction.atomic():
        row = _locked(case)
        _check_status(row, [S.CONCLUDED])
        row.status = S.REPLIED
        row.reply = reply.strip()
        row.replied_at = timezone.now()
        row.save()
        _event(row, A.REPLIED, by=by, from_status=S.CONCLUDED, note=reply.strip())
    _sync(case, row)
    return case


def complaint_close(*, case: ComplaintCase, by: Any, note: str = "") -> ComplaintCase:
    """replied or not accepted → closed."""
    _require_bureau(by)
    with transaction.atomic():
        row = _locked(case)
        before = row.status
        _check_status(row, [S.REPLIED, S.NOT_ACCEPTED])
        row.status = S.CLOSED
        row.closed_at = timezone.now()
        row.save()
        _event(row, A.CLOSED, by=by, from_status=before, note=note)
    _sync(case, row)
    return case


def complaint_reopen(*, case: ComplaintCase, by: Any, reason: str) -> ComplaintCase:
    """replied, closed or not accepted → accepted again (received again if it
    was never accepted) when the complainant objects. The earlier outcome
    and reply are kept in the event; a new conclusion time limit runs from
    today. The single extension stays used."""
    _require_bureau(by)
    if not reason.strip():
        raise ComplaintError(_("Give the complainant's objection or the reason for reopening."))
    with transaction.atomic():
        row = _locked(case)
        before = row.status
        _check_status(row, [S.REPLIED, S.CLOSED, S.NOT_ACCEPTED])
        was_accepted = row.events.filter(action=A.ACCEPTED).exists()
        previous = "\n".join(
            part
            for part in [
                reason.strip(),
                _("Previous outcome: %(outcome)s") % {"outcome": row.get_outcome_display()} if row.outcome else "",
                _("Previous reply: %(reply)s") % {"reply": row.reply} if row.reply else "",
                _("Previous reason for not accepting: %(reason)s") % {"reason": row.not_accepted_reason}
                if row.not_accepted_reason
                else "",
            ]
            if part
        )
        today = _local_day()
        row.status = S.ACCEPTED if was_accepted else S.RECEIVED
        if not was_accepted:
            row.accept_due = complaint_accept_due(today)
        row.conclude_due = complaint_conclude_due(today)
        row.reopen_count += 1
        row.assignee_kind = ""
        row.assigned_supervisor = None
        row.assigned_section = None
        row.findings = row.outcome = row.liability = row.liable_person = ""
        row.measures = row.conclusion = row.reply = row.not_accepted_reason = ""
        row.findings_at = row.concluded_at = row.replied_at = row.closed_at = None
        row.save()
        _event(row, A.REOPENED, by=by, from_status=before, note=previous)
    _sync(case, row)
    return case


def complaint_extend(*, case: ComplaintCase, by: Any, new_due: datetime.date, reason: str) -> ComplaintCase:
    """Push the conclusion time limit back, once per case, with a reason,
    by at most ``COMPLAINT_EXTENSION_MAX_DAYS`` days, to a working day."""
    _require_bureau(by)
    if not reason.strip():
        raise ComplaintError(_("Give the reason for the extension."))
    with transaction.atomic():
        row = _locked(case)
        _check_status(row, AWAITING_CONCLUSION)
        if row.extension_reason:
            raise ComplaintError(_("The time limit of this case has already been extended once."))
        current = row.conclude_due
        assert current is not None  # noqa: S101 - set when the case is filed
        limit = current + datetime.timedelta(days=settings.COMPLAINT_EXTENSION_MAX_DAYS)
        if not current < new_due <= limit:
            raise ComplaintError(
                _("The new time limit must be after %(current)s and at most %(days)s days later (by %(limit)s).")
                % {"current": current, "days": settings.COMPLAINT_EXTENSION_MAX_DAYS, "limit": limit}
            )
        if not is_working_day(new_due):
            raise ComplaintError(_("The new time limit must fall on a working day."))
        row.conclude_due = new_due
        row.extension_reason = reason.strip()
        row.save()
        _event(
            row,
            A.EXTENDED,
            by=by,
            from_status=row.status,
            note=_("%(old)s → %(new)s: %(reason)s") % {"old": current, "new": new_due, "reason": reason.strip()},
        )
    _sync(case, row)
    return case


def complaint_link_duplicate(*, case: ComplaintCase, original: ComplaintCase, by: Any) -> ComplaintCase:
    """Mark ``case`` as a repeat of an earlier case about the same school and
    matter. Links always point at the first case of the matter, so the
    school's repeat count is the size of one group."""
    _require_bureau(by)
    root = original.duplicate_of or original
    if root.pk == case.pk or original.pk == case.pk:
        raise ComplaintError(_("A case cannot be a duplicate of itself."))
    if (root.school_id, root.institution_id) != (case.school_id, case.institution_id):
        raise ComplaintError(_("A duplicate must be about the same school."))
    if (root.received_at, root.pk) > (case.received_at, case.pk):
        raise ComplaintError(_("Link the later case to the earlier one, not the other way round."))
    with transaction.atomic():
        row = _locked(case)
        row.duplicate_of = root
        row.save()
        # Cases that were linked to this one follow it to the first case.
        audit_bulk_update(ComplaintCase.objects.filter(duplicate_of=row), duplicate_of=root)
        _event(
            row,
            A.DUPLICATE_LINKED,
            by=by,
            from_status=row.status,
            note=_("Repeat of %(number)s") % {"number": root.number},
        )
    _sync(case, row)
    return case


def complaint_reveal_identity(*, case: ComplaintCase, by: Any, reason: str = "") -> Complainant:
    """The complainant's name and phone in clear, for staff holding the
    permission; every call is recorded (who, when, which case)."""
    if not (getattr(by, "is_bureau", False) and by.has_perm(UNMASK_PERMISSION)):
        raise ComplaintError(_("You may not see complainants' identities."))
    reason = reason.strip()[:200]
    ComplainantIdentityView.objects.create(case=case, by=by, reason=reason)
    # The case's own log answers "who saw this complainant"; the audit trail
    # answers "what did this person see", with the address, kept 184 days.
    audit_record(action=AuditAction.READ_IDENTITY, obj=case, user=by, note=reason)
    return unsealed(case.name_encrypted, case.phone_encrypted)


def complaint_masked_identity(*, case: ComplaintCase) -> Complainant:
    """The complainant for display to staff: call ``masked_name`` /
    ``masked_phone`` on it. Never give this to a school-side page."""
    return unsealed(case.name_encrypted, case.phone_encrypted)


def complaint_raise_rectification(
    *, case: ComplaintCase, by: Any, deadline: datetime.date, title: str = "", description: str = ""
) -> Any:
    """Demand rectification from the school for a (partly) substantiated
    case, through the visits feature's ``rectification_raise``: the demand
    then follows the same loop as one raised on a visit (answer, verify,
    close). It carries the conclusion and measures, never the complainant's
    identity or words."""
    _require_bureau(by)
    if not case.is_substantiated or case.status not in (S.CONCLUDED, S.REPLIED, S.CLOSED):
        raise ComplaintError(_("Only a concluded, substantiated case can demand rectification."))
    if deadline <= _local_day():
        raise ComplaintError(_("The rectification deadline must be in the future."))
    from supervision.errors import SupervisionError
    from supervision.institutions.services import institution_rectification_raise
    from supervision.rectifications.services import rectification_raise

    title = title.strip() or _("Complaint %(number)s: %(category)s") % {
        "number": case.number,
        "category": case.category.name,
    }
    description = description.strip() or "\n".join(p for p in [case.conclusion, case.measures] if p)
    with transaction.atomic():
        row = _locked(case)
        try:
            if case.institution is not None:
                rectification = institution_rectification_raise(
                    institution=case.institution,
                    title=title,
                    description=description,
                    deadline=deadline,
                    by=by,
                    source_note=_("Complaint case %(number)s") % {"number": case.number},
                )
            else:
                assert case.school is not None  # noqa: S101 - a case names one of the two
                rectification = rectification_raise(
                    school=case.school,
                    title=title,
                    description=description,
                    deadline=deadline,
                    by=by,
                    source_note=_("Complaint case %(number)s") % {"number": case.number},
                )
        except SupervisionError as exc:
            raise ComplaintError(" ".join(exc.messages)) from exc
        row.rectification_raised_at = timezone.now()
        row.save()
        _event(row, A.RECTIFICATION_RAISED, by=by, from_status=row.status, note=f"{title}（{deadline}）")
    _sync(case, row)
    return rectification


def complainant_identities_reseal(*, batch_size: int = 500) -> tuple[int, int]:
    """Encrypt every stored complainant name and phone again with the first
    key of ``FIELD_ENCRYPTION_KEY`` and recompute the phone's keyed hash:
    the step of a key rotation after the new key was put first, before the
    old one is removed (docs/DEPLOYMENT.md). Returns (resealed, unreadable):
    a value no configured key opens is left as it is, never blanked."""
    from jianfu.crypto import decrypt_text

    resealed = unreadable = 0
    pending = ComplaintCase.objects.exclude(name_encrypted="", phone_encrypted="").order_by("pk")
    last_pk = 0
    while True:
        rows = list(pending.filter(pk__gt=last_pk).values_list("pk", "name_encrypted", "phone_encrypted")[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            for pk, name_token, phone_token in rows:
                name, phone = decrypt_text(name_token), decrypt_text(phone_token)
                if (name_token and not name) or (phone_token and not phone):
                    unreadable += 1
                    continue
                # update(): the audit trail never holds these fields anyway.
                ComplaintCase.objects.filter(pk=pk).update(**sealed(name, phone))
                resealed += 1
        last_pk = rows[-1][0]
    audit_record(
        action=AuditAction.UPDATE,
        note=f"complainant identities re-encrypted with the current key: {resealed}, unreadable: {unreadable}",
    )
    return resealed, unreadable
