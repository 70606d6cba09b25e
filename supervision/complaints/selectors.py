"""Reads of complaint cases, each going through the scoping rule: bureau
staff see every case; a supervisor sees the cases assigned to them; a school
account sees only the cases given to its school for self-investigation, and
never the complainant."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from jianfu.counters import counter_value_params, counter_value_subquery
from jianfu.prepared import prepared_fetchall
from jianfu.scoping import schools_visible_to, supervisor_of
from schools.models import School
from supervision.complaints import ratelimit
from supervision.complaints.models import (
    OPEN_STATUSES,
    PUBLIC_EVENT_ACTIONS,
    PUBLIC_STAGE_OF_EVENT,
    PUBLIC_STAGE_OF_STATUS,
    SUBSTANTIATED_OUTCOMES,
    ComplaintEventAction,
    ComplaintStage,
    complaint_due_date,
    complaint_due_soon_q,
    complaint_overdue_q,
    complaint_subject_name,
)

from ..models import (
    AssigneeKind,
    CalendarDay,
    ComplaintAttachment,
    ComplaintCase,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintOutcome,
    ComplaintStatus,
    TrainingInstitution,
)

S = ComplaintStatus

# The statuses in which an assignee works on or may look back at a case.
ASSIGNED_STATUSES = (S.ASSIGNED, S.INVESTIGATING, S.CONCLUDED, S.REPLIED, S.CLOSED)
REPEAT_WINDOW_DAYS = 365


def _with_repeat_counts(qs: QuerySet[ComplaintCase]) -> QuerySet[ComplaintCase]:
    """Annotate each case with the size of its matter's group (the first
    case and its linked repeats) and the school's cases in the last year."""
    since = timezone.now() - datetime.timedelta(days=REPEAT_WINDOW_DAYS)
    # The matter's first case exists (PROTECT) and every repeat points at it
    # directly (complaint_link_duplicate re-roots chains): the group is the
    # first case plus the repeats, a count on the duplicate_of index. (An OR
    # of the two conditions scanned the whole table once per row shown.)
    repeats = (
        ComplaintCase.objects.filter(duplicate_of=Coalesce(OuterRef("duplicate_of"), OuterRef("pk")))
        .order_by()
        .values("duplicate_of")
        .annotate(n=Count("pk"))
        .values("n")
    )
    school_year = (
        ComplaintCase.objects.filter(school=OuterRef("school"), received_at__gte=since)
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        same_matter_count=Coalesce(Subquery(repeats), Value(0)) + Value(1),
        school_recent_count=Coalesce(Subquery(school_year), Value(0)),
    )


def complaints_visible_to(*, user: Any) -> QuerySet[ComplaintCase]:
    """THE rule of who may see a complaint case; every page, download, digest
    and export goes through it. Bureau staff: every case of the schools they
    see. A supervisor: the cases assigned to them, from assignment on. A school
    account: the cases given to its school for self-investigation. Cases
    about a training institution are the bureau's alone. Nobody
    else, anonymous users included (the public look-up goes by number and
    code instead). What each may see *of* a case is decided by role on top of
    this: the complainant's identity never reaches a school, nor a recording
    a supervisor."""
    if not getattr(user, "is_authenticated", False):
        return ComplaintCase.objects.none()
    if user.is_bureau:
        # Cases about training institutions are the bureau's own (no school).
        return ComplaintCase.objects.filter(Q(school__in=schools_visible_to(user)) | Q(institution__isnull=False))
    if user.is_supervisor:
        supervisor = supervisor_of(user)
        if supervisor is None:
            return ComplaintCase.objects.none()
        return ComplaintCase.objects.filter(
            assignee_kind=AssigneeKind.SUPERVISOR, assigned_supervisor=supervisor, status__in=ASSIGNED_STATUSES
        )
    if user.is_principal:
        return ComplaintCase.objects.filter(
            assignee_kind=AssigneeKind.SCHOOL,
            school__in=schools_visible_to(user),
            status__in=ASSIGNED_STATUSES,
        )
    return ComplaintCase.objects.none()


def complaints_visible_to_bureau(*, user: Any) -> QuerySet[ComplaintCase]:
    """The bureau's case pages: :func:`complaints_visible_to` for bureau staff."""
    if not getattr(user, "is_bureau", False):
        return ComplaintCase.objects.none()
    return complaints_visible_to(user=user)


def complaints_assigned_to(*, user: Any) -> QuerySet[ComplaintCase]:
    """The assignees' pages (supervisors, schools): :func:`complaints_visible_to`
    for everyone but bureau staff."""
    if getattr(user, "is_bureau", False):
        return ComplaintCase.objects.none()
    return complaints_visible_to(user=user)


def complaint_get_visible(*, user: Any, pk: int) -> ComplaintCase:
    """The case ``pk`` if :func:`complaints_visible_to` lets ``user`` see it,
    else 404 (the bureau's pages and the assignees' pages alike: their
    decorators decide which role reaches which page)."""
    case = (
        _with_repeat_counts(complaints_visible_to(user=user))
        .select_related("school", "category", "operator", "assigned_supervisor", "assigned_section", "duplicate_of")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _today() -> datetime.date:
    return timezone.localdate()


@dataclass
class CaseFilter:
    status: str = ""
    due: str = ""  # "overdue", "soon" or ""
    school: int | None = None
    school_text: str = ""  # part of a school's or institution's name, or a school's code
    category: int | None = None
    number: str = ""
    mine: bool = False
    # "individual": the accountability register (个人责任): cases concluded
    # with an individual's liability, which never veto the school.
    liability: str = ""


def complaint_list(*, user: Any, filters: CaseFilter, today: datetime.date | None = None) -> QuerySet[ComplaintCase]:
    """Bureau staff's case list, filtered; a fixed number of queries however
    many cases it shows."""
    day = today or _today()
    qs = complaints_visible_to_bureau(user=user)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.due == "overdue":
        qs = qs.filter(complaint_overdue_q(day))
    elif filters.due == "soon":
        qs = qs.filter(complaint_due_soon_q(day))
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    text = filters.school_text.strip()
    if text:
        # Subqueries, not joins: the list stays a backward walk of the
        # received_at index, stopping at a page however many schools match.
        qs = qs.filter(
            Q(school__in=School.objects.filter(Q(name__icontains=text) | Q(code=text)).values("pk"))
            | Q(institution__in=TrainingInstitution.objects.filter(name__icontains=text).values("pk"))
        )
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.number:
        qs = qs.filter(number__icontains=filters.number.strip())
    if filters.mine:
        qs = qs.filter(assignee_kind=AssigneeKind.SECTION, assigned_section__in=user.groups.all())
    if filters.liability:
        qs = qs.filter(liability=filters.liability)
    return (
        _with_repeat_counts(qs)
        .select_related("school", "institution", "category", "assigned_supervisor", "assigned_section")
        .order_by("-received_at", "-pk")
    )


COMPLAINT_PAGE_SIZE = 50


@dataclass
class CasePage:
    """One page of a case list, newest first, and the cursor of the next
    (older) page, or "" on the last page."""

    cases: list[ComplaintCase]
    older: str = ""

    def __iter__(self) -> Any:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)


def _cursor(case: ComplaintCase) -> str:
    return f"{case.received_at.isoformat()}_{case.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    at, _sep, pk = (cursor or "").rpartition("_")
    try:
        moment = datetime.datetime.fromisoformat(at)
        number = int(pk)
    except ValueError:
        return None
    if moment.tzinfo is None or not 0 < number < 2**63:
        return None
    return moment, number


def complaint_list_page(
    *, cases: QuerySet[ComplaintCase], before: str = "", size: int = COMPLAINT_PAGE_SIZE
) -> CasePage:
    """A page of ``cases`` (in the list's order, newest first) by keyset:
    the cases after the cursor ``before``, read through the index on
    (received_at, id) whatever the page's depth, and no COUNT of the whole
    list. A cursor that does not parse means the first page."""
    after = _parse_cursor(before)
    if after is not None:
        at, pk = after
        cases = cases.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))
    rows = list(cases.order_by("-received_at", "-pk")[: size + 1])
    return CasePage(cases=rows[:size], older=_cursor(rows[size - 1]) if len(rows) > size else "")


@dataclass
class DeadlineLists:
    overdue: list[ComplaintCase]
    due_soon: list[ComplaintCase]


def complaint_deadlines(
    *, cases: QuerySet[ComplaintCase] | None = None, today: datetime.date | None = None
) -> DeadlineLists:
    """Open cases past their time limit, and those whose limit falls within
    the next ``COMPLAINT_DUE_SOON_WORKING_DAYS`` working days."""
    day = today or _today()
    base = (cases if cases is not None else ComplaintCase.objects.all()).select_related(
        "school", "institution", "category", "assigned_supervisor", "assigned_section"
    )
    return DeadlineLists(
        overdue=sorted(base.filter(complaint_overdue_q(day)), key=lambda c: (c.due_date or day, c.pk)),
        due_soon=sorted(base.filter(complaint_due_soon_q(day)), key=lambda c: (c.due_date or day, c.pk)),
    )


def complaint_deadline_counts(*, cases: QuerySet[ComplaintCase], today: datetime.date | None = None) -> tuple[int, int]:
    """How many of ``cases`` are overdue and due soon (the rules of
    :func:`complaint_deadlines`), counted in one query: the list's badges
    need the numbers, not the cases."""
    day = today or _today()
    # Both rules apply to open cases only: the status index skips the
    # closed ones, most of a semester's cases.
    counts = (
        cases.filter(status__in=OPEN_STATUSES)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=complaint_overdue_q(day)), due_soon=Count("pk", filter=complaint_due_soon_q(day))
        )
    )
    return int(counts["overdue"]), int(counts["due_soon"])


def complaint_events(*, case: ComplaintCase) -> list[ComplaintEvent]:
    return list(case.events.select_related("by").order_by("at", "pk"))


@dataclass(frozen=True)
class PublicMilestone:
    stage: ComplaintStage
    at: datetime.datetime

    @property
    def label(self) -> str:
        return str(self.stage.label)


def complaint_public_milestones(*, events: Iterable[tuple[str, datetime.datetime]]) -> list[PublicMilestone]:
    """The milestones the complainant sees (已受理, 办理中, 已答复, 已办结 …)
    from a case's public events ``(action, at)`` in time order, without who
    or any note; internal steps such as 交办 and 开始核查 both read 办理中,
    shown once."""
    milestones: list[PublicMilestone] = []
    for action, at in events:
        stage = PUBLIC_STAGE_OF_EVENT[ComplaintEventAction(action)]
        if milestones and milestones[-1].stage == stage:
            continue
        milestones.append(PublicMilestone(stage=stage, at=at))
    return milestones


def complaint_public_timeline(*, case: ComplaintCase) -> list[PublicMilestone]:
    """The public milestones of ``case`` (:func:`complaint_public_milestones`)."""
    events = case.events.filter(action__in=PUBLIC_EVENT_ACTIONS).order_by("at", "pk").values_list("action", "at")
    return complaint_public_milestones(events=events)


@dataclass(frozen=True, slots=True)
class PublicCase:
    """The fields of a case the status page and its code check read, with its
    subject's and category's names. A plain record, not a ComplaintCase:
    building three unsaved model instances was a tenth of a look-up's time
    in the web worker. Its two derived values come from the model's rules."""

    pk: int
    number: str
    query_code_hash: str
    status: str
    received_at: datetime.datetime
    accept_due: datetime.date | None
    conclude_due: datetime.date | None
    not_accepted_reason: str
    reply: str
    subject_name: str
    category_name: str

    @property
    def due_date(self) -> datetime.date | None:
        return complaint_due_date(status=self.status, accept_due=self.accept_due, conclude_due=self.conclude_due)

    @property
    def public_stage(self) -> ComplaintStage:
        return PUBLIC_STAGE_OF_STATUS[ComplaintStatus(self.status)]


@dataclass(frozen=True)
class PublicCaseStatus:
    """What the public status page shows of one case: the case's fields it
    reads and its public milestones."""

    case: PublicCase
    timeline: list[PublicMilestone]
    # The failed look-ups from the asking address within the hour, read in
    # the same statement as the case (0 when no address was given).
    failures: int = 0


@functools.cache
def _public_status_sql() -> str:
    """The case by number with its subject's and category's names and its
    public events, one row per event (one row with empty event columns when
    it has none). Written out because the ORM's compiling of the two
    queries was most of a look-up's time; the same SQL runs on PostgreSQL
    and SQLite, and a test compares it with the ORM's reading."""
    actions = ", ".join(f"'{action}'" for action in PUBLIC_EVENT_ACTIONS)
    tables = {
        "case": ComplaintCase._meta.db_table,
        "school": School._meta.db_table,
        "institution": TrainingInstitution._meta.db_table,
        "category": ComplaintCategory._meta.db_table,
        "event": ComplaintEvent._meta.db_table,
    }
    # Only model metadata and the actions' own constants are formatted in.
    return (  # noqa: S608
        "SELECT c.id, c.number, c.query_code_hash, c.status, c.received_at, c.accept_due, c.conclude_due,"
        " c.not_accepted_reason, c.reply,"
        # Scalar subqueries, not joins: PostgreSQL plans them in a third of
        # the time (planning was most of the statement's cost).
        " (SELECT s.name FROM {school} s WHERE s.id = c.school_id),"
        " (SELECT i.name FROM {institution} i WHERE i.id = c.institution_id),"
        " (SELECT k.name FROM {category} k WHERE k.id = c.category_id),"
        " e.action, e.at,"
        # The asking address's failures, in the same round trip.
        " {failures}"
        " FROM {case} c"
        " LEFT JOIN {event} e ON e.case_id = c.id AND e.action IN ({actions})"
        " WHERE c.number = %s ORDER BY e.at, e.id"
    ).format(actions=actions, failures=counter_value_subquery(), **tables)


def _db_datetime(value: Any) -> datetime.datetime:
    # psycopg2 returns aware datetimes; SQLite returns Django's UTC text.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def _db_date(value: Any) -> Any:
    # A date, or None for an empty conclude_due; SQLite returns text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


PUBLIC_STATUS_STATEMENT = "jianfu_complaint_public_status"


def complaint_public_status_get(*, number: str, failures_of: str | None = None) -> PublicCaseStatus | None:
    """The case numbered ``number`` as the public status page shows it, in
    one statement, or None. Not scoped: the caller checks the query code
    before showing anything (:func:`complaint_check_query`). With
    ``failures_of`` (an address), that address's failed look-ups within the
    hour are read by the same statement."""
    failures = counter_value_params(
        scope=ratelimit.STATUS_FAILURE_BY_IP, value=failures_of, window=ratelimit.STATUS_FAILURE_WINDOW
    )
    rows = prepared_fetchall(name=PUBLIC_STATUS_STATEMENT, sql=_public_status_sql(), params=[*failures, number])
    if not rows:
        return None
    (pk, number, code_hash, status, received_at, accept_due, conclude_due, not_accepted_reason, reply) = rows[0][:9]
    school_name, institution_name, category_name = rows[0][9:12]
    case = PublicCase(
        pk=pk,
        number=number,
        query_code_hash=code_hash,
        status=status,
        received_at=_db_datetime(received_at),
        accept_due=_db_date(accept_due),
        conclude_due=_db_date(conclude_due),
        not_accepted_reason=not_accepted_reason,
        reply=reply,
        subject_name=complaint_subject_name(school_name=school_name, institution_name=institution_name),
        category_name=category_name,
    )
    events = [(row[12], _db_datetime(row[13])) for row in rows if row[12] is not None]
    return PublicCaseStatus(
        case=case, timeline=complaint_public_milestones(events=events), failures=int(rows[0][14] or 0)
    )


def complaint_attachments(*, case: ComplaintCase, include_recordings: bool) -> list[ComplaintAttachment]:
    qs = case.attachments.all()
    if not include_recordings:
        qs = qs.filter(is_recording=False)
    return list(qs)


def complaint_attachment_get_visible(*, user: Any, pk: int) -> ComplaintAttachment:
    """An attachment the user may download: bureau staff any; the assigned
    supervisor the complainant's files but not the call recording; a school
    account none (the files may show who complained)."""
    attachment = ComplaintAttachment.objects.select_related("case").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if not complaints_visible_to(user=user).filter(pk=attachment.case_id).exists():
        raise Http404
    if getattr(user, "is_bureau", False):
        return attachment
    if getattr(user, "is_supervisor", False) and not attachment.is_recording:
        return attachment
    raise Http404


def complaint_duplicate_candidates(*, case: ComplaintCase) -> QuerySet[ComplaintCase]:
    """Candidates for the original of a repeat: earlier cases about the same
    school that are not themselves repeats, newest first."""
    return (
        ComplaintCase.objects.filter(
            Q(school=case.school_id) if case.school_id else Q(institution=case.institution_id),
            duplicate_of__isnull=True,
            received_at__lte=case.received_at,
        )
        .exclude(pk=case.pk)
        .select_related("category")
        .order_by("-received_at")
    )


def complaints_with_same_phone(*, case: ComplaintCase, limit: int = 10) -> list[ComplaintCase]:
    """Other cases from the same phone number (by keyed hash), to spot a
    repeat caller without showing the number."""
    if not case.phone_hash:
        return []
    return list(
        ComplaintCase.objects.filter(phone_hash=case.phone_hash)
        .exclude(pk=case.pk)
        .select_related("school", "institution")
        .order_by("-received_at")[:limit]
    )


def calendar_missing_next_year(*, today: datetime.date | None = None) -> int | None:
    """The coming year, if it is autumn and the working-day calendar has no
    entry for it yet (the State Council publishes it around November)."""
    day = today or _today()
    if day.month < 10:
        return None
    if CalendarDay.objects.filter(date__year=day.year + 1).exists():
        return None
    return day.year + 1


@dataclass(frozen=True)
class WeightedComplaints:
    substantiated: Decimal
    partly: Decimal


def substantiated_complaints_by_school(
    *, start: datetime.date, end: datetime.date, schools: QuerySet[Any] | None = None
) -> dict[int, WeightedComplaints]:
    """For rankings: per school, the category-weighted number of cases
    concluded substantiated and partly substantiated between ``start`` and
    ``end`` (inclusive, by conclusion date). Schools without such a case are
    absent. One query."""
    qs = ComplaintCase.objects.filter(
        outcome__in=SUBSTANTIATED_OUTCOMES,
        concluded_at__date__gte=start,
        concluded_at__date__lte=end,
    )
    if schools is not None:
        qs = qs.filter(school__in=schools)
    zero = Value(Decimal("0"), output_field=DecimalField())
    rows = (
        qs.order_by()
        .values("school_id")
        .annotate(
            full=Coalesce(Sum("category__weight", filter=Q(outcome=ComplaintOutcome.SUBSTANTIATED)), zero),
            partly=Coalesce(Sum("category__weight", filter=Q(outcome=ComplaintOutcome.PARTLY)), zero),
        )
    )
    return {
        row["school_id"]: WeightedComplaints(substantiated=Decimal(row["full"]), partly=Decimal(row["partly"]))
        for row in rows
    }


def complaint_school_search(*, text: str, limit: int = 20) -> list[dict[str, str]]:
    """Active schools whose name contains ``text`` or whose code starts with
    it, for the public form's school field: at most ``limit``, by name. One
    query whatever the size of the register."""
    from schools.models import School

    text = text.strip()[:100]
    if not text:
        return []
    rows = (
        School.objects.filter(active=True)
        .filter(Q(name__icontains=text) | Q(code__startswith=text))
        .order_by("name", "code")
        .values("code", "name")[:limit]
    )
    return [{"code": r["code"], "name": r["name"]} for r in rows]
