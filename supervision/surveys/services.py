"""Writing surveys: rounds, responses with their abuse controls, summary
rows, redaction and paper tallies."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.crypto import keyed_hash
from jianfu.models import AuditAction
from schools.models import School
from supervision.errors import SupervisionError

from .models import (
    TALLY_FIELDS,
    PaperTally,
    Question,
    Questionnaire,
    RoundSchool,
    RoundState,
    SurveyAnswerTally,
    SurveyRateCounter,
    SurveyResponse,
    SurveyRound,
    SurveyTally,
    SurveyTextAnswer,
)
from .rules import compile_questions, contributions, previous_school_day


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
        Question.objects.bulk_create(questions)
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
    with transaction.atomic():
        survey_round = SurveyRound.objects.create(
            name=name,
            questionnaire=questionnaire,
            grades=wanted,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )
        RoundSchool.objects.bulk_create(RoundSchool(round=survey_round, school=s) for s in schools)
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
    are committed at once, outside the response's transaction, so refused
    attempts count too."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    hour = minute.replace(minute=0)
    school_key = f"s:{entry.pk}"
    keys: list[tuple[str, datetime.datetime]] = [(school_key, minute)]
    client_key = ""
    if client:
        client_key = "c:" + keyed_hash(client, purpose="survey-client")[:40]
        keys.append((client_key, hour))
    hits = _count_hits(keys)
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


def _upsert_tallies(
    *,
    round_id: int,
    school_id: int,
    grade: int,
    weekday: int,
    tally: Mapping[str, float],
    answer_rows: Sequence[tuple[int, int, int, float]],
) -> None:
    """Add one response's contribution to the summary rows: one upsert per
    table, each adding to the row in the database (never read-modify-write)."""
    table = SurveyTally._meta.db_table
    columns = ", ".join(TALLY_FIELDS)
    placeholders = ", ".join(["%s"] * (4 + len(TALLY_FIELDS)))
    updates = ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in TALLY_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, school_id, grade, weekday, {columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT (round_id, school_id, grade, weekday) DO UPDATE SET {updates}",
            [round_id, school_id, grade, weekday, *[tally.get(f, 0) for f in TALLY_FIELDS]],
        )
        if answer_rows:
            atable = SurveyAnswerTally._meta.db_table
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(answer_rows))
            params: list[Any] = []
            for question_id, option, count, total in answer_rows:
                params += [round_id, school_id, grade, question_id, option, count, total]
            cursor.execute(
                f"INSERT INTO {atable} (round_id, school_id, grade, question_id, option, count, total) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (round_id, school_id, grade, question_id, option) DO UPDATE SET "
                f"count = {atable}.count + EXCLUDED.count, total = {atable}.total + EXCLUDED.total",
                params,
            )


def _merge_answer_rows(rows: Iterable[tuple[int, int, int, float]]) -> list[tuple[int, int, int, float]]:
    """One row per (question, option): a multiple choice never names an option twice, but be safe."""
    merged: dict[tuple[int, int], list[float]] = {}
    for question_id, option, count, total in rows:
        cell = merged.setdefault((question_id, option), [0, 0.0])
        cell[0] += count
        cell[1] += total
    return [(q, o, int(c), t) for (q, o), (c, t) in sorted(merged.items())]


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
) -> SurveyResponse:
    """Store an anonymous response and add it to the summary rows, in one
    transaction. ``answers`` holds the non-text answers by field name,
    ``texts`` the free-text answers by question id."""
    survey_round = entry.round
    now = now or timezone.now()
    round_check_open(survey_round=survey_round, today=timezone.localdate(now))
    if grade not in survey_round.grades:
        raise SurveyError(_("This survey is not for that grade."))
    refers_to = previous_school_day(timezone.localdate(now))
    tally, rows = contributions(questions, answers, grade=grade)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                round=survey_round,
                school_id=entry.school_id,
                grade=grade,
                class_number=class_number,
                submitted_at=now,
                refers_to=refers_to,
                answers=dict(answers),
                device_hash=device_hash(survey_round=survey_round, device_id=device_id),
            )
            text_rows = [
                SurveyTextAnswer(
                    response=response, round=survey_round, school_id=entry.school_id, question_id=qid, text=text
                )
                for qid, text in texts.items()
                if text.strip()
            ]
            if text_rows:
                SurveyTextAnswer.objects.bulk_create(text_rows)
            _upsert_tallies(
                round_id=survey_round.pk,
                school_id=entry.school_id,
                grade=grade,
                weekday=refers_to.isoweekday(),
                tally=tally,
                answer_rows=_merge_answer_rows(rows),
            )
    except IntegrityError as exc:
        raise AlreadyAnswered(_("This device has already answered this survey. Thank you!")) from exc
    return response


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
    with transaction.atomic():
        tallies.delete()
        answer_tallies.delete()
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
    return count


# --- free text ----------------------------------------------------------------------------

_PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{5,})(?!\d)")
_TEACHER_RE = re.compile(r"[\u4e00-\u9fff]{1,2}(老师|校长|主任|同学)")
_CLASS_RE = re.compile(r"[0-9一二三四五六七八九十]+\s*[班]")


def redaction_suggest(text: str) -> str:
    """A first redaction for staff to check: numbers (phones, ids), the name
    before 老师/校长/主任/同学 and class numbers go; the rest stays as written."""
    text = _PHONE_RE.sub("＊＊＊", text)
    text = _TEACHER_RE.sub(lambda m: "某" + m.group(1), text)
    return _CLASS_RE.sub("某班", text)


def text_answer_redact(*, answer: SurveyTextAnswer, redacted: str, quotable: bool, by: Any) -> SurveyTextAnswer:
    redacted = redacted.strip()
    if quotable and not redacted:
        raise SurveyError(_("Write the redacted text before marking the answer as quotable."))
    if quotable and redacted == answer.text.strip() and redaction_suggest(redacted) != redacted:
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
