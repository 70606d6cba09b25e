"""Reading surveys: which rounds and schools a user may see, and the results
from the summary rows, never from the responses.

Every page is a fixed number of queries whatever the number of schools and
responses. The round's page sums, in the database: the districts and the
city over the one row per school (:class:`SurveySchoolTally`), joined with
the memberships; the bureau's grades and week days over the round's shards
(:class:`SurveyRoundTally`) minus the schools below the threshold; and lists
one page of schools (or one district's), whose figures it reads by id.

Thresholds: a school's figures are shown only from SURVEY_MIN_RESPONSES
responses on; the district, grade and week-day totals add up only schools
past the threshold, so that no total minus the shown schools gives away a
school below it. Within a school, the grade and the week-day breakdowns are
each shown only when every group that answered is past the threshold
(:func:`survey_breakdown_hidden`). The round's grade (week-day) rows add up only
the schools whose own grade (week-day) breakdown is shown; the other shown
schools are one pooled row, so that every figure of the round, on the page
and in the exports, is a sum of figures already shown school by school and
no difference of them gives away a group below the threshold (see
:func:`_pool_schools_without_breakdown`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Model, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jianfu.scoping import schools_visible_to
from jianfu.text import natural_key
from schools.homework.models import week_start
from schools.homework.rules import over_cap_q
from schools.models import HomeworkDay, School
from supervision.models import DistrictMembership, SupervisoryDistrict

from .models import (
    TALLY_FIELDS,
    Question,
    QuestionKind,
    Questionnaire,
    RoundSchool,
    SurveyAnswerTally,
    SurveyRound,
    SurveyRoundTally,
    SurveySchoolTally,
    SurveyTally,
    SurveyTextAnswer,
)

# A school whose families report this many minutes more homework a day than
# it recorded for the same weeks is flagged in the cross-check.
CROSSCHECK_GAP_MINUTES = 15


def min_responses() -> int:
    return int(settings.SURVEY_MIN_RESPONSES)


# --- scope ----------------------------------------------------------------------------------


def _user_kind(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.is_bureau:
        return "bureau"
    if user.is_supervisor:
        return "supervisor"
    if user.is_principal:
        return "principal"
    return ""


def survey_rounds_visible_to(*, user: Any) -> QuerySet[SurveyRound]:
    """Bureau staff: every round; supervisors: rounds with one of their
    schools; principals: closed rounds of their own school."""
    kind = _user_kind(user)
    rounds = SurveyRound.objects.select_related("questionnaire")
    if kind == "bureau":
        return rounds.all()
    if kind == "supervisor":
        return rounds.filter(pk__in=RoundSchool.objects.filter(school__in=schools_visible_to(user)).values("round_id"))
    if kind == "principal":
        closed = Q(closed_at__isnull=False) | Q(closes_on__lt=timezone.localdate())
        return rounds.filter(closed, entries__school_id=user.school_id)
    return rounds.none()


def round_get_visible(*, user: Any, pk: int) -> SurveyRound:
    survey_round = survey_rounds_visible_to(user=user).filter(pk=pk).first()
    if survey_round is None:
        raise Http404
    return survey_round


def round_school_ids_visible(*, user: Any, survey_round: SurveyRound) -> list[int] | None:
    """Ids of the round's schools the user may see; None for all (bureau)."""
    kind = _user_kind(user)
    if kind == "bureau":
        return None
    entries = RoundSchool.objects.filter(round=survey_round)
    if kind == "supervisor":
        return list(entries.filter(school__in=schools_visible_to(user)).values_list("school_id", flat=True))
    if kind == "principal" and survey_round.is_closed:
        return list(entries.filter(school_id=user.school_id).values_list("school_id", flat=True))
    return []


def entry_get_visible(*, user: Any, survey_round: SurveyRound, school_pk: int) -> RoundSchool:
    visible = round_school_ids_visible(user=user, survey_round=survey_round)
    if visible is not None and school_pk not in visible:
        raise Http404
    entry = RoundSchool.objects.select_related("school").filter(round=survey_round, school_id=school_pk).first()
    if entry is None:
        raise Http404
    return entry


def _entry_query() -> tuple[str, list[tuple[type[Model], list[str], list[Any]]]]:
    """The SQL of :func:`entry_by_token`, written once per process from the
    models' own columns: the ORM would compile the same three-table join
    again on every POST of the public form (milliseconds under load)."""
    from django.db import connection

    qn = connection.ops.quote_name
    parts: list[tuple[type[Model], list[str], list[Any]]] = []
    selected: list[str] = []
    for model, alias in ((RoundSchool, "e"), (SurveyRound, "r"), (Questionnaire, "q"), (School, "s")):
        columns = [f.column for f in model._meta.concrete_fields]
        fields = model._meta.concrete_fields
        # JSON arrives as text from psycopg (Django decodes it in the field).
        parts.append((model, [f.attname for f in fields], [getattr(f, "from_db_value", None) for f in fields]))
        selected += [f"{alias}.{qn(c)}" for c in columns]
    sql = (
        f"SELECT {', '.join(selected)} FROM {qn(RoundSchool._meta.db_table)} e "  # noqa: S608 - names from the models
        f"JOIN {qn(SurveyRound._meta.db_table)} r ON r.id = e.round_id "
        f"JOIN {qn(Questionnaire._meta.db_table)} q ON q.id = r.questionnaire_id "
        f"JOIN {qn(School._meta.db_table)} s ON s.id = e.school_id "
        f"WHERE e.token = %s AND s.active"
    )
    return sql, parts


_ENTRY_QUERY: dict[str, Any] = {}


def entry_by_token(*, token: str) -> RoundSchool:
    """The school entry of a public link with its round, questionnaire and
    school: one query, no ORM compilation (the public form's hot path)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        try:
            return RoundSchool.objects.select_related("round__questionnaire", "school").get(
                token=token, school__active=True
            )
        except RoundSchool.DoesNotExist:
            raise Http404 from None
    if "sql" not in _ENTRY_QUERY:
        _ENTRY_QUERY["sql"], _ENTRY_QUERY["parts"] = _entry_query()
    with connection.cursor() as cursor:
        cursor.execute(_ENTRY_QUERY["sql"], [token])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    instances = []
    start = 0
    for model, attnames, converters in _ENTRY_QUERY["parts"]:
        values = [
            value if convert is None else convert(value, None, connection)
            for value, convert in zip(row[start : start + len(attnames)], converters, strict=True)
        ]
        instances.append(model.from_db(connection.alias, attnames, values))
        start += len(attnames)
    entry, survey_round, questionnaire, school = instances
    survey_round.questionnaire = questionnaire
    entry.round = survey_round
    entry.school = school
    return entry


# A questionnaire a round uses is frozen (the admin and the services refuse
# to change it), so its questions are kept per process: the public form is
# the hot path of a round, and they never change under it.
_QUESTIONS: dict[tuple[int, Any], list[Question]] = {}


def questions_of(*, survey_round: SurveyRound) -> list[Question]:
    questionnaire = survey_round.questionnaire
    key = (questionnaire.pk, questionnaire.created_at)  # a recycled id is another questionnaire
    cached = _QUESTIONS.get(key)
    if cached is None:
        cached = list(Question.objects.filter(questionnaire_id=questionnaire.pk).order_by("order", "pk"))
        if len(_QUESTIONS) > 200:
            _QUESTIONS.clear()
        _QUESTIONS[key] = cached
    return cached


# --- figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    """Sums of the rule columns over some summary rows."""

    n: int = 0
    hw_n: int = 0
    hw_sum: float = 0
    hw_over: int = 0
    sleep_n: int = 0
    sleep_sum: float = 0
    sleep_under: int = 0
    phone_n: int = 0
    phone_flag: int = 0
    after_n: int = 0
    after_flag: int = 0
    tutor_n: int = 0
    tutor_flag: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Figures:
        return cls(**{f: row.get(f) or 0 for f in TALLY_FIELDS})

    @classmethod
    def of_values(cls, values: Iterable[Any]) -> Figures:
        """From the sums in TALLY_FIELDS order (a values_list row)."""
        return cls(*(v or 0 for v in values))

    def add(self, other: Figures) -> None:
        for f in TALLY_FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def subtract(self, other: Figures) -> None:
        for f in TALLY_FIELDS:
            setattr(self, f, getattr(self, f) - getattr(other, f))

    @property
    def enough(self) -> bool:
        return self.n >= min_responses()

    @staticmethod
    def _share(part: float, whole: float) -> float | None:
        return part / whole if whole else None

    @property
    def hw_avg(self) -> float | None:
        return self._share(self.hw_sum, self.hw_n)

    @property
    def hw_over_share(self) -> float | None:
        return self._share(self.hw_over, self.hw_n)

    @property
    def sleep_avg(self) -> float | None:
        return self._share(self.sleep_sum, self.sleep_n)

    @property
    def sleep_under_share(self) -> float | None:
        return self._share(self.sleep_under, self.sleep_n)

    @property
    def phone_share(self) -> float | None:
        return self._share(self.phone_flag, self.phone_n)

    @property
    def after_share(self) -> float | None:
        return self._share(self.after_flag, self.after_n)

    @property
    def tutor_share(self) -> float | None:
        return self._share(self.tutor_flag, self.tutor_n)


def _sums() -> dict[str, Any]:
    return {f: Sum(f) for f in TALLY_FIELDS}


@dataclass
class SchoolRow:
    school_id: int
    code: str
    name: str
    district: str
    figures: Figures
    recorded: RecordedHomework | None = None

    @property
    def enough(self) -> bool:
        return self.figures.enough

    @property
    def gap(self) -> float | None:
        if self.recorded is None or self.recorded.avg is None or self.figures.hw_avg is None:
            return None
        return self.figures.hw_avg - self.recorded.avg

    @property
    def flagged(self) -> bool:
        gap = self.gap
        return gap is not None and gap > CROSSCHECK_GAP_MINUTES


@dataclass
class RecordedHomework:
    days: int
    avg: float | None
    over: int

    @property
    def over_share(self) -> float | None:
        return self.over / self.days if self.days else None


@dataclass
class DistrictRow:
    district_id: int | None
    name: str
    schools: int
    figures: Figures


@dataclass
class RoundResults:
    survey_round: SurveyRound
    schools: list[SchoolRow]
    total: Figures
    districts: list[DistrictRow]
    grades: list[tuple[int, Figures]]
    weekdays: list[tuple[int, Figures]]
    schools_in_round: int
    schools_shown: int
    page: Page[Any] | None = None
    district: DistrictRow | None = None
    min_responses: int = field(default_factory=min_responses)
    # The shown schools whose own grade (week-day) breakdown is hidden, as
    # one row: their answers are in no row of ``grades`` (``weekdays``).
    grades_pooled: Figures = field(default_factory=Figures)
    weekdays_pooled: Figures = field(default_factory=Figures)


def survey_round_weeks(*, survey_round: SurveyRound) -> tuple[datetime.date, datetime.date]:
    """The weeks the responses describe: from the Monday of the week of the
    school day before the opening to the Sunday of the closing week."""
    from .rules import previous_school_day

    start = week_start(previous_school_day(survey_round.opens_on))
    return start, week_start(survey_round.closes_on) + datetime.timedelta(days=6)


def recorded_homework(
    *, survey_round: SurveyRound, school_ids: Iterable[int] | None, by_grade: bool = False
) -> dict[Any, RecordedHomework]:
    """What the schools recorded (作业登记) for the round's grades and weeks:
    class-days, average written minutes, class-days over the cap. One
    grouped query on the compliance index."""
    start, end = survey_round_weeks(survey_round=survey_round)
    days = HomeworkDay.objects.filter(date__range=(start, end), grade__in=survey_round.grades)
    if school_ids is not None:
        days = days.filter(school_id__in=list(school_ids))
    group = ("school_id", "grade") if by_grade else ("school_id",)
    rows = days.values(*group).annotate(
        days=Count("pk"), avg=Avg("written_minutes"), over=Count("pk", filter=over_cap_q())
    )
    out: dict[Any, RecordedHomework] = {}
    for row in rows:
        key = (row["school_id"], row["grade"]) if by_grade else row["school_id"]
        out[key] = RecordedHomework(days=row["days"], avg=row["avg"], over=row["over"])
    return out


def _district_day(survey_round: SurveyRound) -> datetime.date:
    """Districts as they stood when the round closed (or today while open)."""
    return min(survey_round.closes_on, timezone.localdate())


def _district_sums(
    *, survey_round: SurveyRound, visible: list[int] | None, least: int, day: datetime.date
) -> list[tuple[Any, ...]]:
    """(district id or None, schools, sums in TALLY_FIELDS order) of the
    schools past the threshold, grouped by the district each belonged to on
    ``day``: one hash join of the rows per school with the memberships (which
    never overlap), in the database."""
    from django.db import connection

    qn = connection.ops.quote_name
    tallies = qn(SurveySchoolTally._meta.db_table)
    memberships = qn(DistrictMembership._meta.db_table)
    sums = ", ".join(f"SUM(t.{qn(f)})" for f in TALLY_FIELDS)
    params: list[Any] = [day, day, survey_round.pk, least]
    scope = ""
    if visible is not None:
        scope = f"AND t.school_id IN ({', '.join(['%s'] * len(visible))})" if visible else "AND 1 = 0"
        params += visible
    sql = (
        f"SELECT m.district_id, COUNT(*), {sums} FROM {tallies} t "  # noqa: S608 - names from the models
        f"LEFT JOIN {memberships} m ON m.school_id = t.school_id AND m.start_date <= %s "
        f"AND (m.end_date IS NULL OR m.end_date >= %s) "
        f"WHERE t.round_id = %s AND t.n >= %s {scope} GROUP BY m.district_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def survey_breakdown_hidden(*, groups: Iterable[Figures]) -> bool:
    """Whether a school's breakdown (by grade, or by week day with its paper
    tallies) is hidden on its page: when any group that answered is below
    the threshold, since the school's figures minus the groups shown would
    give that group away. :func:`_schools_without_breakdown` is the same
    rule in the database, for the round's figures."""
    return any(not f.enough for f in groups)


def _schools_without_breakdown(
    *, survey_round: SurveyRound, visible: list[int] | None, dimension: str, least: int
) -> QuerySet[Any]:
    """Ids of the round's schools (of ``visible`` if given) with a group by
    ``dimension`` ("grade" or "weekday", the paper tallies' 0 included)
    below ``least``, a summary row of 0 included: those whose own page hides
    their breakdown by it (and every school below the threshold). One
    grouping of the round's rows per school, grade and week day, to be
    joined with the shown schools outside it, on the few it finds: the join
    inside took half as long again at 3,000 schools x 300 responses. (Both
    breakdowns in one pass, by a filtered sum per grade and week day, took
    longer than the two groupings.)"""
    tallies = SurveyTally.objects.filter(round=survey_round)
    if visible is not None:
        tallies = tallies.filter(school_id__in=visible)
    return (
        tallies.values("school_id", dimension).annotate(group_n=Sum("n")).filter(group_n__lt=least).values("school_id")
    )


def _pool_schools_without_breakdown(
    rows: dict[int, Figures],
    *,
    survey_round: SurveyRound,
    visible: list[int] | None,
    shown: QuerySet[Any],
    dimension: str,
    least: int,
) -> Figures:
    """Take out of the round's ``rows`` by ``dimension`` ("grade" or
    "weekday") the answers of the ``shown`` schools (a ``values("school_id")``
    query) whose own page hides their breakdown by it, and return them
    summed: the pooled row.

    Why pool whole schools, rather than hide the round's small groups: the
    round shows every shown school's figures and, on the school's page, its
    grades and week days when none is below the threshold. A round's row
    below the threshold next to its total gave that group away by
    subtraction (a school of 10 answers in grade 3 and 2 in grade 5: 12 - 10
    = 2 families' figures of grade 5); so did a row past it, through the
    school pages: with school B's grade 5 (10) on its page, the round's
    grade 5 (12) minus B's gave school A's two families, whose grades A's own
    page hides. Hiding the small group alone (or with the next smallest,
    complementary suppression) stops the first and not the second; totals
    "of the shown groups only" cannot hold since the schools' own rows add
    up to the whole. Pooling at the school, the unit whose figures are shown
    anyway, makes every row of the round a sum of figures its reader may
    already read school by school: each grade (week-day) row is a sum of
    school groups each past the threshold, so it is past it too, and the
    pooled row is a sum of shown schools, past it as well. No row is ever
    blank, the rows still add up to the total (the week days with the paper
    tallies, not listed), and a round of large schools, none with a small
    group, reads as before.

    The price: a grouping of the round's rows per school, grade and week
    day for each breakdown (the shards spare the rest of the page that
    pass), 20 to 30 ms each at 3,000 schools x 300 responses: the bureau's
    page at p95 79 ms in ``bench/surveys.py`` on an idle machine (target
    300 ms), some 40 to 60 ms more than without them."""
    pooled = Figures()
    without = _schools_without_breakdown(survey_round=survey_round, visible=visible, dimension=dimension, least=least)
    for key, *sums in (
        SurveyTally.objects.filter(round=survey_round, school_id__in=without)
        .filter(school_id__in=shown)
        .values(dimension)
        .annotate(**_sums())
        .order_by()
        .values_list(dimension, *TALLY_FIELDS)
    ):
        figures = Figures.of_values(sums)
        pooled.add(figures)
        if key in rows:  # the paper tallies (week day 0) are in no row
            rows[key].subtract(figures)
    for key in [key for key, figures in rows.items() if not figures.n]:
        del rows[key]
    return pooled


def round_results(
    *,
    survey_round: SurveyRound,
    user: Any,
    district_id: int | None = None,
    page_number: Any = None,
    per_page: int = 50,
) -> RoundResults:
    """Per school, district, grade and week day, for the schools the user may see.

    Everything is summed by the database over the summary rows: the
    district and city totals over the one row per school
    (:class:`SurveySchoolTally`), the grades and week days over the rows per
    school, grade and week day; Python touches a row per district and the
    schools listed. With ``page_number`` the schools are one page of
    ``per_page`` (of ``district_id``'s schools if given), otherwise all of
    them (the exports). A fixed number of queries whatever the size of the
    round."""
    visible = round_school_ids_visible(user=user, survey_round=survey_round)
    least = min_responses()
    day = _district_day(survey_round)
    entries = RoundSchool.objects.filter(round=survey_round)
    shown_tallies = SurveySchoolTally.objects.filter(round=survey_round, n__gte=least)
    if visible is not None:
        shown_tallies = shown_tallies.filter(school_id__in=visible)
        entries = entries.filter(school_id__in=visible)

    # Districts and the city: one grouped query over the schools past the
    # threshold (totals of shown schools only, so that no difference gives
    # away a school below it) and one over all the round's schools for the
    # counts of schools.
    names = dict(SupervisoryDistrict.objects.values_list("pk", "name"))
    district_rows: dict[int | None, DistrictRow] = {}
    for district, schools, *sums in _district_sums(survey_round=survey_round, visible=visible, least=least, day=day):
        district_rows[district] = DistrictRow(district, names.get(district, "—"), schools, Figures.of_values(sums))
    total = Figures()
    for row in district_rows.values():
        total.add(row.figures)
    districts = sorted(district_rows.values(), key=lambda d: (d.district_id is None, natural_key(d.name)))
    schools_shown = sum(d.schools for d in districts)

    # Grades and week days over the schools shown, grouped by (grade, week
    # day) and rolled up from those few dozen groups. The bureau's: the
    # round's shards (a few hundred rows) minus the rows of the schools
    # below the threshold; anyone else's: the rows of the schools they see.
    by_group: dict[tuple[int, int], Figures] = {}
    group_sums = ("grade", "weekday", *TALLY_FIELDS)
    if visible is None:
        for grade, weekday, *sums in (
            SurveyRoundTally.objects.filter(round=survey_round)
            .values("grade", "weekday")
            .annotate(**_sums())
            .order_by()
            .values_list(*group_sums)
        ):
            by_group[(grade, weekday)] = Figures.of_values(sums)
        below = SurveySchoolTally.objects.filter(round=survey_round, n__lt=least).values("school_id")
        for grade, weekday, *sums in (
            SurveyTally.objects.filter(round=survey_round, school_id__in=below)
            .values("grade", "weekday")
            .annotate(**_sums())
            .order_by()
            .values_list(*group_sums)
        ):
            by_group.setdefault((grade, weekday), Figures()).subtract(Figures.of_values(sums))
    else:
        for grade, weekday, *sums in (
            SurveyTally.objects.filter(round=survey_round, school_id__in=shown_tallies.values("school_id"))
            .values("grade", "weekday")
            .annotate(**_sums())
            .order_by()
            .values_list(*group_sums)
        ):
            by_group[(grade, weekday)] = Figures.of_values(sums)
    by_grade: dict[int, Figures] = {}
    by_weekday: dict[int, Figures] = {}
    for (grade, weekday), figures in by_group.items():
        if not figures.n:
            continue
        by_grade.setdefault(grade, Figures()).add(figures)
        if weekday:
            by_weekday.setdefault(weekday, Figures()).add(figures)
    # The shown schools whose own page hides their grades (week days): one
    # pooled row each, out of the rows by grade (week day).
    shown_ids = shown_tallies.values("school_id")
    grades_pooled = _pool_schools_without_breakdown(
        by_grade, survey_round=survey_round, visible=visible, shown=shown_ids, dimension="grade", least=least
    )
    weekdays_pooled = _pool_schools_without_breakdown(
        by_weekday, survey_round=survey_round, visible=visible, shown=shown_ids, dimension="weekday", least=least
    )

    # The schools listed: a page (of a district) or all of them.
    chosen: DistrictRow | None = None
    listed = entries
    if district_id is not None:
        listed = listed.filter(
            school_id__in=DistrictMembership.objects.active_on(day).filter(district_id=district_id).values("school_id")
        )
        chosen = district_rows.get(district_id) or DistrictRow(district_id, names.get(district_id, "—"), 0, Figures())
    listed_rows = listed.order_by("school__code").values_list("school_id", "school__code", "school__name")
    page: Page[Any] | None = None
    if page_number is not None:
        page = Paginator(listed_rows, per_page).get_page(page_number)
        schools_in_round = page.paginator.count if district_id is None else entries.count()
        listed_list = list(page.object_list)
    else:
        listed_list = list(listed_rows)
        schools_in_round = len(listed_list) if district_id is None else entries.count()
    ids = [pk for pk, _code, _name in listed_list]
    figures_of = {
        row[0]: Figures.of_values(row[1:])
        for row in SurveySchoolTally.objects.filter(round=survey_round, school_id__in=ids).values_list(
            "school_id", *TALLY_FIELDS
        )
    }
    district_of = dict(
        DistrictMembership.objects.active_on(day).filter(school_id__in=ids).values_list("school_id", "district__name")
    )
    recorded = recorded_homework(survey_round=survey_round, school_ids=ids)
    rows = [
        SchoolRow(
            school_id=pk,
            code=code,
            name=name,
            district=district_of.get(pk, ""),
            figures=figures_of.get(pk, Figures()),
            recorded=recorded.get(pk),
        )
        for pk, code, name in listed_list
    ]
    return RoundResults(
        survey_round=survey_round,
        schools=rows,
        total=total,
        districts=districts,
        grades=sorted(by_grade.items()),
        weekdays=sorted(by_weekday.items()),
        schools_in_round=schools_in_round,
        schools_shown=schools_shown,
        page=page,
        district=chosen,
        grades_pooled=grades_pooled,
        weekdays_pooled=weekdays_pooled,
    )


# --- one school -----------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[tuple[str, int, float | None]]  # label, count, share
    average: float | None


@dataclass
class SchoolResults:
    entry: RoundSchool
    figures: Figures
    grades: list[tuple[int, Figures, RecordedHomework | None]]
    grades_hidden: bool
    weekdays: list[tuple[int, Figures]]
    weekdays_hidden: bool
    questions: list[QuestionResult]
    recorded: RecordedHomework | None
    min_responses: int = field(default_factory=min_responses)

    @property
    def enough(self) -> bool:
        return self.figures.enough

    @property
    def gap(self) -> float | None:
        if self.recorded is None or self.recorded.avg is None or self.figures.hw_avg is None:
            return None
        return self.figures.hw_avg - self.recorded.avg

    @property
    def flagged(self) -> bool:
        gap = self.gap
        return gap is not None and gap > CROSSCHECK_GAP_MINUTES


def school_results(*, entry: RoundSchool) -> SchoolResults:
    """A school's figures; nothing but the count when below the threshold.
    Five queries."""
    survey_round = entry.round
    tallies = SurveyTally.objects.filter(round=survey_round, school_id=entry.school_id)
    grade_rows = [
        (row["grade"], Figures.of(row)) for row in tallies.values("grade").annotate(**_sums()).order_by("grade")
    ]
    figures = Figures()
    for _grade, f in grade_rows:
        figures.add(f)
    if not figures.enough:
        return SchoolResults(entry, figures, [], True, [], True, [], None)
    recorded_by_grade = recorded_homework(survey_round=survey_round, school_ids=[entry.school_id], by_grade=True)
    recorded = RecordedHomework(days=0, avg=None, over=0)
    minutes = 0.0
    for rec in recorded_by_grade.values():
        recorded.days += rec.days
        recorded.over += rec.over
        minutes += (rec.avg or 0) * rec.days
    recorded.avg = minutes / recorded.days if recorded.days else None
    grades_hidden = survey_breakdown_hidden(groups=(f for _g, f in grade_rows))
    grades = [] if grades_hidden else [(g, f, recorded_by_grade.get((entry.school_id, g))) for g, f in grade_rows]
    # The week days as the grades: one below the threshold hides them all,
    # since the school's figures minus the days shown would give it away.
    # The paper tallies (week day 0, not listed) are such a group too.
    day_rows = [
        (row["weekday"], Figures.of(row)) for row in tallies.values("weekday").annotate(**_sums()).order_by("weekday")
    ]
    weekdays_hidden = survey_breakdown_hidden(groups=(f for _d, f in day_rows))
    weekdays = [] if weekdays_hidden else [(d, f) for d, f in day_rows if d]
    questions = questions_of(survey_round=survey_round)
    counts: dict[tuple[int, int], tuple[int, float]] = {}
    for question_id, option, count, total in (
        SurveyAnswerTally.objects.filter(round=survey_round, school_id=entry.school_id)
        .values("question_id", "option")
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list("question_id", "option", "c", "t")
    ):
        counts[(question_id, option)] = (count, total)
    return SchoolResults(
        entry=entry,
        figures=figures,
        grades=grades,
        grades_hidden=grades_hidden,
        weekdays=weekdays,
        weekdays_hidden=weekdays_hidden,
        questions=[_question_result(q, counts, figures.n) for q in questions if q.kind != QuestionKind.TEXT],
        recorded=recorded if recorded.days else None,
    )


def _question_result(q: Question, counts: Mapping[tuple[int, int], tuple[int, float]], n: int) -> QuestionResult:
    if q.kind == QuestionKind.NUMBER:
        count, total = counts.get((q.pk, 0), (0, 0.0))
        return QuestionResult(q, count, [], total / count if count else None)
    labels = list(q.choices) if q.kind != QuestionKind.SCALE else [str(i) for i in range(1, 6)]
    tallied: list[tuple[str, int]] = []
    answered = 0
    weighted = 0.0
    for i, label in enumerate(labels, start=1):
        count = counts.get((q.pk, i), (0, 0.0))[0]
        answered += count
        weighted += i * count
        tallied.append((label, count))
    base = n if q.kind == QuestionKind.MULTIPLE else answered
    options: list[tuple[str, int, float | None]] = [
        (label, count, count / base if base else None) for label, count in tallied
    ]
    average = weighted / answered if q.kind == QuestionKind.SCALE and answered else None
    return QuestionResult(q, answered if q.kind != QuestionKind.MULTIPLE else n, options, average)


def text_answers_of(*, survey_round: SurveyRound, school_id: int | None = None) -> QuerySet[SurveyTextAnswer]:
    """Free-text answers (bureau staff only: the views check)."""
    texts = SurveyTextAnswer.objects.filter(round=survey_round).select_related("school", "question")
    if school_id is not None:
        texts = texts.filter(school_id=school_id)
    return texts.order_by("school__code", "pk")


def quotable_texts(*, survey_round: SurveyRound, limit: int = 30) -> list[SurveyTextAnswer]:
    """Redacted answers staff marked quotable, for a report."""
    return list(
        SurveyTextAnswer.objects.filter(round=survey_round, quotable=True)
        .select_related("question")
        .order_by("question__order", "pk")[:limit]
    )


def responses_by_round(*, round_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        SurveyTally.objects.filter(round_id__in=list(round_ids))
        .values("round_id")
        .annotate(n=Sum("n"))
        .values_list("round_id", "n")
    )


def school_names(*, ids: Iterable[int]) -> dict[int, str]:
    return dict(School.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def rounds_of_semester(*, semester: Any, today: datetime.date | None = None) -> list[SurveyRound]:
    """The closed rounds of a semester (opened within its dates), oldest
    first: what the semester's survey report covers. An open round is left
    out: its figures still change, and principals do not see them yet."""
    day = today or timezone.localdate()
    closed = Q(closed_at__isnull=False) | Q(closes_on__lt=day)
    return list(
        SurveyRound.objects.select_related("questionnaire")
        .filter(closed, opens_on__range=(semester.start_date, semester.end_date))
        .order_by("opens_on", "pk")
    )
