"""Writing surveys: rounds, responses with their abuse controls, summary
rows, redaction and paper tallies."""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_bulk_created, audit_record
from jianfu.counters import counters_redis, counters_redis_failed
from jianfu.crypto import keyed_hash
from jianfu.models import AuditAction
from schools.homework.rules import GRADE_NAMES
from schools.models import School
from supervision.errors import SupervisionError

from .models import (
    ROUND_TALLY_SHARDS,
    TALLY_FIELDS,
    PaperTally,
    Question,
    QuestionKind,
    Questionnaire,
    RoundSchool,
    RoundState,
    SurveyAnswerTally,
    SurveyRateCounter,
    SurveyResponse,
    SurveyRound,
    SurveyRoundTally,
    SurveySchoolTally,
    SurveyTally,
    SurveyTextAnswer,
)
from .rules import compile_questions, contributions, exclusive_clash, previous_school_day

log = logging.getLogger(__name__)


class SurveyError(SupervisionError):
    """A survey rule refuses what was asked; carries a message in Chinese for the user."""


class SurveyClosed(SurveyError):
    """The round is not open on this day."""


class AlreadyAnswered(SurveyError):
    """This device has answered this round."""


class SurveyBusy(SurveyError):
    """The school's link takes no more responses this minute."""


# --- questionnaires and rounds -------------------------------------------------------


def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A copy of ``questionnaire`` as its next version, to edit while the old
    one stays as the rounds that used it saw it."""
    with transaction.atomic():
        latest = Questionnaire.objects.filter(key=questionnaire.key).order_by("-version").first()
        assert latest is not None  # noqa: S101 - questionnaire itself matches
        questions = list(questionnaire.questions.all())
        copy = Questionnaire.objects.get(pk=questionnaire.pk)
        copy.pk = None
        copy.version = latest.version + 1
        copy.save()
        for q in questions:
            q.pk = None
            q.questionnaire = copy
        audit_bulk_created(Question.objects.bulk_create(questions))
    return copy


def round_create(
    *,
    name: str,
    questionnaire: Questionnaire,
    schools: Iterable[School],
    grades: Sequence[int],
    opens_on: datetime.date,
    closes_on: datetime.date,
    by: Any,
) -> SurveyRound:
    schools = list(schools)
    if closes_on < opens_on:
        raise SurveyError(_("The round cannot close before it opens."))
    if not schools:
        raise SurveyError(_("Choose at least one school."))
    wanted = sorted({int(g) for g in grades})
    if not wanted:
        raise SurveyError(_("Choose at least one grade."))
    outside = [g for g in wanted if g not in questionnaire.grades]
    if outside:
        raise SurveyError(
            _("The questionnaire is for grades %(low)s to %(high)s only.")
            % {"low": questionnaire.grade_from, "high": questionnaire.grade_to}
        )
    # A school's link offers only the grades it teaches: one teaching none
    # of the round's would have a link nobody can answer.
    idle = [s.name for s in schools if not set(wanted) & set(s.grades)]
    if idle:
        raise SurveyError(_("%(schools)s teach none of the round's grades.") % {"schools": "、".join(idle)})
    with transaction.atomic():
        survey_round = SurveyRound.objects.create(
            name=name,
            questionnaire=questionnaire,
            grades=wanted,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )
        audit_bulk_created(RoundSchool.objects.bulk_create(RoundSchool(round=survey_round, school=s) for s in schools))
    return survey_round


def round_close(*, survey_round: SurveyRound, by: Any) -> SurveyRound:
    if survey_round.state() == RoundState.CLOSED:
        raise SurveyError(_("This round is already closed."))
    survey_round.closed_at = timezone.now()
    survey_round.save(update_fields=["closed_at"])
    return survey_round


def round_check_open(*, survey_round: SurveyRound, today: datetime.date | None = None) -> None:
    state = survey_round.state(today)
    if state == RoundState.UPCOMING:
        raise SurveyClosed(
            _("This survey has not started yet. It is open from %(start)s to %(end)s.")
            % {"start": survey_round.opens_on.isoformat(), "end": survey_round.closes_on.isoformat()}
        )
    if state == RoundState.CLOSED:
        raise SurveyClosed(_("This survey has ended and takes no more answers. Thank you for your attention."))


# --- abuse control -----------------------------------------------------------------------


def device_hash(*, survey_round: SurveyRound, device_id: str) -> str:
    """The stored form of a device's cookie id: keyed and salted per round."""
    return keyed_hash(device_id, purpose=f"survey-device:{survey_round.pk}")


def device_has_answered(*, survey_round: SurveyRound, device_id: str) -> bool:
    return SurveyResponse.objects.filter(
        round=survey_round, device_hash=device_hash(survey_round=survey_round, device_id=device_id)
    ).exists()


def _count_hits(keys: Sequence[tuple[str, datetime.datetime]]) -> dict[str, int]:
    """Count one hit on each (key, window) and return the counts now, in one
    statement: an upsert that adds 1 atomically, so concurrent requests of
    several workers never lose a hit nor read a stale count."""
    table = SurveyRateCounter._meta.db_table
    values = ", ".join(["(%s, %s, 1)"] * len(keys))
    params: list[Any] = []
    for key, window in keys:
        params += [key, connection.ops.adapt_datetimefield_value(window)]
    sql = (
        f"INSERT INTO {table} (counter_key, window_start, hits) VALUES {values} "  # noqa: S608 - names are ours
        f"ON CONFLICT (counter_key, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING counter_key, hits"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(key): int(hits) for key, hits in cursor.fetchall()}


# --- rate counters in Redis, with the database when Redis is down --------------------------

REDIS_PREFIX = "jf:survey:"


def _count_hits_redis(keys: Sequence[tuple[str, datetime.datetime, int]]) -> dict[str, int] | None:
    """The same counts as :func:`_count_hits`, in one Redis round trip
    (INCR and EXPIRE of each key in a transaction): no database write and no
    commit on the form's hot path. None when Redis is not configured or does
    not answer; the caller then counts in the database."""
    from redis.exceptions import RedisError

    client = counters_redis()
    if client is None:
        return None
    try:
        pipe = client.pipeline(transaction=True)
        for key, window, seconds in keys:
            name = f"{REDIS_PREFIX}{key}:{int(window.timestamp())}"
            pipe.incr(name)
            pipe.expire(name, seconds + 60)
        replies = pipe.execute()
    except (RedisError, OSError) as exc:
        counters_redis_failed(exc)
        return None
    return {key: int(replies[2 * i]) for i, (key, _window, _seconds) in enumerate(keys)}


@dataclass(frozen=True)
class Admission:
    needs_captcha: bool


def response_admit(*, entry: RoundSchool, client: str | None, now: datetime.datetime | None = None) -> Admission:
    """Count a submission against the school's and the client's limits.

    The school's link takes at most SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE
    submissions a minute (beyond that SurveyBusy); a burst above
    SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE on the school, or more than
    SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR from one client (keyed hash of its
    address and browser, never stored in clear), asks for a CAPTCHA. Counts
    are kept in Redis when it answers, in the database otherwise (a Redis
    outage starts the windows again from the database's counts: a limit
    may let through up to twice its number once, never refuse more); they
    are kept outside the response's transaction, so refused attempts count
    too."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    hour = minute.replace(minute=0)
    # The link's token, not the row's id: unique for ever, also across a
    # restored database, so a Redis key never counts for another school.
    school_key = f"s:{entry.token}"
    keys: list[tuple[str, datetime.datetime, int]] = [(school_key, minute, 60)]
    client_key = ""
    if client:
        client_key = "c:" + keyed_hash(client, purpose="survey-client")[:40]
        keys.append((client_key, hour, 3600))
    hits = _count_hits_redis(keys)
    if hits is None:
        hits = _count_hits([(key, window) for key, window, _seconds in keys])
    if hits[school_key] > settings.SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE:
        raise SurveyBusy(_("Too many answers are arriving for this school right now. Please try again in a minute."))
    burst = hits[school_key] > settings.SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE or (
        bool(client_key) and hits[client_key] > settings.SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR
    )
    return Admission(needs_captcha=burst)


def rate_counters_purge(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    deleted, _ = SurveyRateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted


# --- responses and summary rows ---------------------------------------------------------


def _tally_statements(
    *,
    round_id: int,
    school_id: int,
    grade: int,
    weekday: int,
    tally: Mapping[str, float],
    answer_rows: Sequence[tuple[int, int, int, float]],
) -> list[tuple[str, list[Any]]]:
    """The upserts that add one response's contribution to the summary rows,
    each adding to the row in the database (never read-modify-write): per
    school, grade and week day; per school; per shard of the round, grade
    and week day; per question and option."""
    columns = ", ".join(TALLY_FIELDS)
    values = [tally.get(f, 0) for f in TALLY_FIELDS]
    statements: list[tuple[str, list[Any]]] = []
    table = SurveyTally._meta.db_table
    updates = ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in TALLY_FIELDS)
    statements.append(
        (
            f"INSERT INTO {table} (round_id, school_id, grade, weekday, {columns}) "  # noqa: S608 - names are ours
            f"VALUES ({', '.join(['%s'] * (4 + len(TALLY_FIELDS)))}) "
            f"ON CONFLICT (round_id, school_id, grade, weekday) DO UPDATE SET {updates}",
            [round_id, school_id, grade, weekday, *values],
        )
    )
    table = SurveySchoolTally._meta.db_table
    updates = ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in TALLY_FIELDS)
    statements.append(
        (
            f"INSERT INTO {table} (round_id, school_id, {columns}) "  # noqa: S608 - names are ours
            f"VALUES ({', '.join(['%s'] * (2 + len(TALLY_FIELDS)))}) "
            f"ON CONFLICT (round_id, school_id) DO UPDATE SET {updates}",
            [round_id, school_id, *values],
        )
    )
    table = SurveyRoundTally._meta.db_table
    updates = ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in TALLY_FIELDS)
    statements.append(
        (
            f"INSERT INTO {table} (round_id, shard, grade, weekday, {columns}) "  # noqa: S608 - names are ours
            f"VALUES ({', '.join(['%s'] * (4 + len(TALLY_FIELDS)))}) "
            f"ON CONFLICT (round_id, shard, grade, weekday) DO UPDATE SET {updates}",
            [round_id, school_id % ROUND_TALLY_SHARDS, grade, weekday, *values],
        )
    )
    if answer_rows:
        table = SurveyAnswerTally._meta.db_table
        params: list[Any] = []
        for question_id, option, count, total in answer_rows:
            params += [round_id, school_id, grade, question_id, option, count, total]
        statements.append(
            (
                f"INSERT INTO {table} (round_id, school_id, grade, question_id, option, count, total) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(answer_rows))} "
                f"ON CONFLICT (round_id, school_id, grade, question_id, option) DO UPDATE SET "
                f"count = {table}.count + EXCLUDED.count, total = {table}.total + EXCLUDED.total",
                params,
            )
        )
    return statements


def _store_response(
    *, response: Mapping[str, Any], texts: Sequence[tuple[int, str]], tallies: Sequence[tuple[str, list[Any]]]
) -> int:
    """Insert the response, its free texts and its summary rows atomically;
    return the response's id. On PostgreSQL that is ONE statement (the
    inserts as data-modifying CTEs, which all run to completion or not at
    all), so the form's hot path is one round trip and one commit instead
    of a transaction of five; elsewhere the same statements in a
    transaction. A second response of the device fails on the unique
    constraint and writes nothing."""
    table = SurveyResponse._meta.db_table
    columns = list(response)
    text_table = SurveyTextAnswer._meta.db_table
    text_columns = "response_id, round_id, school_id, question_id, text, redacted, quotable"
    if connection.vendor != "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608
                [response[c] for c in columns],
            )
            response_id = int(cursor.lastrowid)
            for question_id, text in texts:
                cursor.execute(
                    f"INSERT INTO {text_table} ({text_columns}) VALUES (%s, %s, %s, %s, %s, '', %s)",  # noqa: S608
                    [response_id, response["round_id"], response["school_id"], question_id, text, False],
                )
            for sql, params in tallies:
                cursor.execute(sql, params)
        return response_id
    parts = [
        f"r AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join('%s::jsonb' if c == 'answers' else '%s' for c in columns)}) RETURNING id)"
    ]
    params = [response[c] for c in columns]
    if texts:
        rows = ", ".join(["(%s::integer, %s::text)"] * len(texts))
        parts.append(
            f"t AS (INSERT INTO {text_table} ({text_columns}) "  # noqa: S608
            f"SELECT r.id, %s, %s, v.question_id, v.text, '', false FROM r, (VALUES {rows}) AS v(question_id, text))"
        )
        params += [response["round_id"], response["school_id"]]
        for question_id, text in texts:
            params += [question_id, text]
    for i, (sql, more) in enumerate(tallies):
        parts.append(f"u{i} AS ({sql})")
        params += more
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " SELECT id FROM r", params)  # noqa: S608 - names are ours
        return int(cursor.fetchone()[0])


def _merge_answer_rows(rows: Iterable[tuple[int, int, int, float]]) -> list[tuple[int, int, int, float]]:
    """One row per (question, option): a multiple choice never names an option twice, but be safe."""
    merged: dict[tuple[int, int], list[float]] = {}
    for question_id, option, count, total in rows:
        cell = merged.setdefault((question_id, option), [0, 0.0])
        cell[0] += count
        cell[1] += total
    return [(q, o, int(c), t) for (q, o), (c, t) in sorted(merged.items())]


def grade_refusal(*, entry: RoundSchool) -> str:
    """Why a grade is refused on a school's link: it names the grades the link takes."""
    return _("%(school)s takes part in this survey only with %(grades)s; please choose one of these grades.") % {
        "school": entry.school.name,
        "grades": "、".join(str(GRADE_NAMES.get(g, g)) for g in entry.grades),
    }


def exclusive_refusal(*, question: Question, option: int) -> str:
    choices = question.choices or []
    label = choices[option - 1] if 0 < option <= len(choices) else str(option)
    return _("“%(option)s” cannot be chosen together with another answer; choose it alone or leave it out.") % {
        "option": label
    }


def response_submit(
    *,
    entry: RoundSchool,
    questions: Sequence[Question],
    grade: int,
    class_number: int | None,
    answers: Mapping[str, Any],
    texts: Mapping[int, str],
    device_id: str,
    now: datetime.datetime | None = None,
) -> int:
    """Store an anonymous response and add it to the summary rows, atomically;
    return its id. ``answers`` holds the non-text answers by field name,
    ``texts`` the free-text answers by question id."""
    survey_round = entry.round
    now = now or timezone.now()
    round_check_open(survey_round=survey_round, today=timezone.localdate(now))
    if grade not in entry.grades:
        raise SurveyError(grade_refusal(entry=entry))
    for q in questions:
        clash = exclusive_clash(q, answers.get(q.field_name)) if q.kind == QuestionKind.MULTIPLE else None
        if clash is not None:
            raise SurveyError(exclusive_refusal(question=q, option=clash))
    refers_to = previous_school_day(timezone.localdate(now))
    tally, rows = contributions(questions, answers, grade=grade)
    response = {
        "round_id": survey_round.pk,
        "school_id": entry.school_id,
        "grade": grade,
        "class_number": class_number,
        # As the ORM writes it: the raw INSERT below would store an aware
        # time in its own zone's text on SQLite (19:30+08:00 sorting after
        # the ORM's 15:49 UTC of a later moment).
        "submitted_at": connection.ops.adapt_datetimefield_value(now),
        "refers_to": refers_to,
        "answers": json.dumps(dict(answers)),
        "device_hash": device_hash(survey_round=survey_round, device_id=device_id),
    }
    tallies = _tally_statements(
        round_id=survey_round.pk,
        school_id=entry.school_id,
        grade=grade,
        weekday=refers_to.isoweekday(),
        tally=tally,
        answer_rows=_merge_answer_rows(rows),
    )
    text_rows = [(qid, text) for qid, text in texts.items() if text.strip()]
    try:
        if connection.in_atomic_block:
            # Inside a caller's transaction: a savepoint, so that a refused
            # second response leaves the caller's transaction usable.
            with transaction.atomic():
                return _store_response(response=response, texts=text_rows, tallies=tallies)
        return _store_response(response=response, texts=text_rows, tallies=tallies)
    except IntegrityError as exc:
        raise AlreadyAnswered(_("This device has already answered this survey. Thank you!")) from exc


def _insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = 500) -> None:
    """Plain multi-row INSERTs: a city's rebuild writes hundreds of thousands
    of summary rows, and model instances would cost more than the rows."""
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - our own names
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    chunk: list[Any] = []
    count = 0
    with connection.cursor() as cursor:
        for row in rows:
            chunk.extend(row)
            count += 1
            if count == batch:
                cursor.execute(head + ", ".join([one] * count), chunk)
                chunk, count = [], 0
        if count:
            cursor.execute(head + ", ".join([one] * count), chunk)


def tallies_rebuild(*, survey_round: SurveyRound, school_ids: Iterable[int] | None = None) -> int:
    """Recompute the summary rows of a round (or of some of its schools)
    from the responses and the paper tallies. Returns the responses read."""
    questions = compile_questions(survey_round.questionnaire.questions.all())
    responses = SurveyResponse.objects.filter(round=survey_round)
    paper = PaperTally.objects.filter(round=survey_round)
    tallies = SurveyTally.objects.filter(round=survey_round)
    answer_tallies = SurveyAnswerTally.objects.filter(round=survey_round)
    if school_ids is not None:
        ids = list(school_ids)
        responses, paper = responses.filter(school_id__in=ids), paper.filter(school_id__in=ids)
        tallies, answer_tallies = tallies.filter(school_id__in=ids), answer_tallies.filter(school_id__in=ids)
    sums: dict[tuple[int, int, int], dict[str, float]] = {}
    answer_sums: dict[tuple[int, int, int, int], list[float]] = {}
    count = 0
    for school_id, grade, refers_to, answers in responses.values_list(
        "school_id", "grade", "refers_to", "answers"
    ).iterator(chunk_size=5000):
        count += 1
        tally, rows = contributions(questions, answers, grade=grade)
        cell = sums.setdefault((school_id, grade, refers_to.isoweekday()), {})
        for name, value in tally.items():
            cell[name] = cell.get(name, 0) + value
        for question_id, option, n, total in rows:
            acell = answer_sums.setdefault((school_id, grade, question_id, option), [0, 0.0])
            acell[0] += n
            acell[1] += total
    for p in paper:
        cell = sums.setdefault((p.school_id, p.grade, 0), {})
        cell["n"] = cell.get("n", 0) + p.responses
        for name in TALLY_FIELDS[1:]:
            cell[name] = cell.get(name, 0) + getattr(p, name)
    school_tallies = SurveySchoolTally.objects.filter(round=survey_round)
    round_tallies = SurveyRoundTally.objects.filter(round=survey_round)
    if school_ids is not None:
        school_tallies = school_tallies.filter(school_id__in=ids)
    school_sums: dict[int, dict[str, float]] = {}
    for (s, _g, _w), cell in sums.items():
        school_cell = school_sums.setdefault(s, {})
        for name, value in cell.items():
            school_cell[name] = school_cell.get(name, 0) + value
    with transaction.atomic():
        tallies.delete()
        school_tallies.delete()
        answer_tallies.delete()
        round_tallies.delete()
        _insert_rows(
            SurveySchoolTally._meta.db_table,
            ["round_id", "school_id", *TALLY_FIELDS],
            ((survey_round.pk, s, *(cell.get(f, 0) for f in TALLY_FIELDS)) for s, cell in sorted(school_sums.items())),
        )
        _insert_rows(
            SurveyTally._meta.db_table,
            ["round_id", "school_id", "grade", "weekday", *TALLY_FIELDS],
            (
                (survey_round.pk, s, g, w, *(cell.get(f, 0) for f in TALLY_FIELDS))
                for (s, g, w), cell in sorted(sums.items())
            ),
        )
        _insert_rows(
            SurveyAnswerTally._meta.db_table,
            ["round_id", "school_id", "grade", "question_id", "option", "count", "total"],
            ((survey_round.pk, s, g, q, o, int(c), t) for (s, g, q, o), (c, t) in sorted(answer_sums.items())),
        )
        # The round's shards: summed again from the rows per school (those
        # of the schools not rebuilt included), in the database.
        fields = ", ".join(TALLY_FIELDS)
        summed = ", ".join(f"SUM({f})" for f in TALLY_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SurveyRoundTally._meta.db_table} (round_id, shard, grade, weekday, {fields}) "  # noqa: S608
                f"SELECT round_id, school_id %% {ROUND_TALLY_SHARDS}, grade, weekday, {summed} "
                f"FROM {SurveyTally._meta.db_table} WHERE round_id = %s "
                f"GROUP BY round_id, school_id %% {ROUND_TALLY_SHARDS}, grade, weekday",
                [survey_round.pk],
            )
    return count


# --- free text ----------------------------------------------------------------------------

_PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{5,})(?!\d)")
_TEACHER_RE = re.compile(r"[\u4e00-\u9fff]{1,2}(老师|校长|主任|同学)")
_CLASS_RE = re.compile(r"[0-9一二三四五六七八九十]+\s*[班]")


def survey_redaction_suggest(*, text: str) -> str:
    """A first redaction for staff to check: numbers (phones, ids), the name
    before 老师/校长/主任/同学 and class numbers go; the rest stays as written."""
    text = _PHONE_RE.sub("＊＊＊", text)
    text = _TEACHER_RE.sub(lambda m: "某" + m.group(1), text)
    return _CLASS_RE.sub("某班", text)


def text_answer_redact(*, answer: SurveyTextAnswer, redacted: str, quotable: bool, by: Any) -> SurveyTextAnswer:
    redacted = redacted.strip()
    if quotable and not redacted:
        raise SurveyError(_("Write the redacted text before marking the answer as quotable."))
    if quotable and redacted == answer.text.strip() and survey_redaction_suggest(text=redacted) != redacted:
        raise SurveyError(_("The text still contains numbers, names or classes; redact them before it may be quoted."))
    answer.redacted = redacted
    answer.quotable = quotable
    answer.redacted_by = by
    answer.save(update_fields=["redacted", "quotable", "redacted_by"])
    # Free-text answers are kept out of the automatic trail (their creation
    # is anonymous); the staff's redaction is recorded here.
    audit_record(action=AuditAction.UPDATE, obj=answer, note="redaction, quotable" if quotable else "redaction")
    return answer


# --- paper tallies ------------------------------------------------------------------------


def paper_tally_store(
    *, survey_round: SurveyRound, school: School, grade: int, values: Mapping[str, int | float], by: Any
) -> PaperTally:
    """Replace the paper tally of one school and grade (the importer then
    rebuilds the school's summary rows in the same transaction)."""
    tally, _created = PaperTally.objects.update_or_create(
        round=survey_round, school=school, grade=grade, defaults={**values, "imported_by": by}
    )
    return tally
