"""Burden surveys (问卷调查): questionnaires as data, rounds that open one for
chosen schools and grades between two dates, anonymous responses, and the
summary rows the result pages read.

A response carries school, grade and (if asked) class, never a name, phone
or address. The only trace of the device is a keyed hash of a random id kept
in a signed cookie, salted per round: enough to refuse a second response of
the same device, useless to find the family.

Summary rows (:class:`SurveyTally` per school, grade and week day,
:class:`SurveySchoolTally` per school, :class:`SurveyRoundTally` per shard of
the round, grade and week day, :class:`SurveyAnswerTally` per question and
option) are maintained by the statement that stores a response, one upsert
each, so the bureau's page sums a few thousand rows instead of reading
900,000 responses; ``manage.py survey_rebuild`` recomputes them from the
responses and the paper tallies.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# "round" is also a self-check batch elsewhere in the catalogue.
ROUND_LABEL = pgettext_lazy("survey", "round")


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents")
    PUPILS = "pupils", _("Pupils")
    TEACHERS = "teachers", _("Teachers")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number with unit")
    SCALE = "scale", _("Scale 1-5")
    TEXT = "text", _("Short text")


class RuleKind(models.TextChoices):
    """The national rule a question measures (how an answer counts: `rules.py`)."""

    NONE = "", _("No rule")
    HOMEWORK_MINUTES = "homework_minutes", _("Homework minutes against the grade's cap")
    SLEEP_HOURS = "sleep_hours", _("Sleep hours against 10/9/8 h")
    PHONE_IN_SCHOOL = "phone_in_school", _("Phones brought into school")
    AFTERSCHOOL = "afterschool", _("After-school service participation")
    PAID_TUTORING = "paid_tutoring", _("Paid off-campus tutoring")


class Questionnaire(models.Model):
    """A questionnaire (调查问卷), one version of it; frozen once a round uses it."""

    key = models.SlugField(_("key"), max_length=60, help_text=_("The same for every version of one questionnaire."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    grade_from = models.PositiveSmallIntegerField(
        _("from grade"), default=1, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    grade_to = models.PositiveSmallIntegerField(
        _("to grade"), default=9, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    ask_class = models.BooleanField(_("ask for the class"), default=False)
    intro = models.TextField(_("introduction"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="one_questionnaire_version"),
            models.CheckConstraint(
                name="questionnaire_grades_in_order",
                condition=Q(grade_from__gte=1, grade_to__lte=9, grade_from__lte=models.F("grade_to")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（v{self.version}）"

    @property
    def grades(self) -> range:
        return range(self.grade_from, self.grade_to + 1)

    @property
    def in_use(self) -> bool:
        return self.rounds.exists()


class Question(models.Model):
    """A question (问卷题目) of a questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("The options of a choice question, in order.")
    )
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=20, blank=True)
    minimum = models.DecimalField(_("lowest value"), max_digits=6, decimal_places=1, null=True, blank=True)
    maximum = models.DecimalField(_("highest value"), max_digits=6, decimal_places=1, null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)
    rule = models.CharField(_("national rule"), max_length=20, choices=RuleKind.choices, default="", blank=True)
    flag_choices = models.JSONField(
        _("choices that count"),
        default=list,
        blank=True,
        help_text=_("For a choice question with a rule: the numbers (1 = first option) of the options it counts."),
    )
    exclusive_choices = models.JSONField(
        _("exclusive choices"),
        default=list,
        blank=True,
        help_text=_(
            "For a multiple-choice question: the numbers (1 = first option) of the options that may only be chosen "
            "alone, such as “none of the above”."
        ),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def clean(self) -> None:
        exclusive = self.exclusive_choices or []
        if exclusive and self.kind != QuestionKind.MULTIPLE:
            raise ValidationError({"exclusive_choices": _("Only a multiple-choice question has exclusive choices.")})
        if any(not isinstance(n, int) or not 1 <= n <= len(self.choices or []) for n in exclusive):
            raise ValidationError(
                {"exclusive_choices": _("Give the numbers of options of this question (1 = first option).")}
            )


class RoundState(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("survey round", "Not open yet")
    OPEN = "open", pgettext_lazy("survey round", "Open")
    CLOSED = "closed", pgettext_lazy("survey round", "Closed")


class SurveyRound(models.Model):
    """A survey round (调查轮次): one questionnaire open for chosen schools and grades between two dates."""

    name = models.CharField(_("name"), max_length=120)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="rounds"
    )
    grades = models.JSONField(_("grades"), default=list)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on (inclusive)"))
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    schools = models.ManyToManyField(  # type: ignore[var-annotated]
        "schools.School", through="RoundSchool", related_name="survey_rounds", verbose_name=_("schools")
    )

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="survey_round_dates_in_order", condition=Q(opens_on__lte=models.F("closes_on")))
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, today: datetime.date | None = None) -> str:
        day = today or timezone.localdate()
        if self.closed_at is not None or day > self.closes_on:
            return RoundState.CLOSED
        if day < self.opens_on:
            return RoundState.UPCOMING
        return RoundState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state() == RoundState.CLOSED

    def get_state_display(self) -> str:
        return str(RoundState(self.state()).label)


def new_token() -> str:
    return secrets.token_urlsafe(9)


class RoundSchool(models.Model):
    """A school of a round (调查学校) with the token of its public link."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="survey_entries"
    )
    token = models.CharField(_("link token"), max_length=20, unique=True, default=new_token)

    class Meta:
        verbose_name = _("school of a round")
        verbose_name_plural = _("schools of a round")
        ordering = ["round", "school__code"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="one_entry_per_school_per_round")]

    def __str__(self) -> str:
        return f"{self.round} {self.school}"

    @property
    def grades(self) -> list[int]:
        """The round's grades the school teaches: the only ones its link
        offers and accepts (a primary school's parents never answer for
        grade 8)."""
        taught = self.school.grades
        return [g for g in self.round.grades if g in taught]


class SurveyResponse(models.Model):
    """An anonymous response (问卷答卷): school, grade, class if asked, the answers; no identity."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="responses")
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_number = models.PositiveSmallIntegerField(_("class number"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The school day the answers describe (the one before the response):
    # the week-day distribution and the cross-check with recorded homework.
    refers_to = models.DateField(_("school day described"))
    answers = models.JSONField(_("answers"), default=dict)
    # Keyed hash of the device's random cookie id, salted per round; unique
    # so that a race of two tabs still stores one response.
    device_hash = models.CharField(_("device hash"), max_length=64)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "device_hash"], name="one_response_per_device_per_round"),
        ]
        indexes = [models.Index(fields=["round", "school", "grade"], name="survey_response_round_school")]

    def __str__(self) -> str:
        return f"{self.round} {self.school_id} {self.submitted_at:%Y-%m-%d %H:%M}"


class SurveyTextAnswer(models.Model):
    """A free-text answer (开放题回答), for bureau staff only; quoted in a report only once redacted."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="texts"
    )
    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+")
    text = models.TextField(pgettext_lazy("survey", "answer"))
    redacted = models.TextField(_("redacted text"), blank=True)
    quotable = models.BooleanField(_("may be quoted in a report"), default=False)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redacted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("free-text answer")
        verbose_name_plural = _("free-text answers")
        ordering = ["round", "school", "pk"]
        constraints = [
            models.CheckConstraint(
                name="survey_text_quotable_only_redacted", condition=Q(quotable=False) | ~Q(redacted="")
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class PaperTally(models.Model):
    """Paper questionnaires' tallies (纸质问卷汇总) of one school and grade, imported from Excel."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="paper")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    responses = models.PositiveIntegerField(_("questionnaires"))
    hw_n = models.PositiveIntegerField(_("homework answered"), default=0)
    hw_sum = models.FloatField(_("homework minutes, sum"), default=0)
    hw_over = models.PositiveIntegerField(_("homework over the cap"), default=0)
    sleep_n = models.PositiveIntegerField(_("sleep answered"), default=0)
    sleep_sum = models.FloatField(_("sleep hours, sum"), default=0)
    sleep_under = models.PositiveIntegerField(_("sleep under the rule"), default=0)
    phone_n = models.PositiveIntegerField(_("phones answered"), default=0)
    phone_flag = models.PositiveIntegerField(_("phones brought into school"), default=0)
    after_n = models.PositiveIntegerField(_("after-school answered"), default=0)
    after_flag = models.PositiveIntegerField(_("taking after-school service"), default=0)
    tutor_n = models.PositiveIntegerField(_("tutoring answered"), default=0)
    tutor_flag = models.PositiveIntegerField(_("in paid off-campus tutoring"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("paper tally")
        verbose_name_plural = _("paper tallies")
        ordering = ["round", "school", "grade"]
        constraints = [models.UniqueConstraint(fields=["round", "school", "grade"], name="one_paper_tally")]

    def __str__(self) -> str:
        return f"{self.round} {self.school_id} {self.grade}"


class TallyFigures(models.Model):
    """The figures (汇总数) every survey summary row keeps: responses, and per
    rule question the answers, their sum where it is a number, and those
    over the rule. Added up by the one upsert that stores a response."""

    n = models.PositiveIntegerField(_("responses"), default=0)
    hw_n = models.PositiveIntegerField(default=0)
    hw_sum = models.FloatField(default=0)
    hw_over = models.PositiveIntegerField(default=0)
    sleep_n = models.PositiveIntegerField(default=0)
    sleep_sum = models.FloatField(default=0)
    sleep_under = models.PositiveIntegerField(default=0)
    phone_n = models.PositiveIntegerField(default=0)
    phone_flag = models.PositiveIntegerField(default=0)
    after_n = models.PositiveIntegerField(default=0)
    after_flag = models.PositiveIntegerField(default=0)
    tutor_n = models.PositiveIntegerField(default=0)
    tutor_flag = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


# The figures in the order the upsert writes them.
TALLY_FIELDS = tuple(f.name for f in TallyFigures._meta.local_fields)


class SurveyTally(TallyFigures):
    """A summary row (调查汇总) of a round per school, grade and week day described.

    Counts and sums of the rule questions."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="tallies")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    weekday = models.PositiveSmallIntegerField(_("week day described"), help_text=_("1 = Monday; 0 for paper."))

    class Meta:
        verbose_name = _("survey summary row")
        verbose_name_plural = _("survey summary rows")
        constraints = [
            models.UniqueConstraint(fields=["round", "school", "grade", "weekday"], name="one_survey_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.school_id} {self.grade} {self.weekday}"


class SurveySchoolTally(TallyFigures):
    """A summary row (学校汇总) of a round per school: the sums of its
    :class:`SurveyTally` rows, kept by the same upsert, so that the bureau's
    page and the district totals read 3,000 rows at city scale, not 90,000."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("school survey summary row")
        verbose_name_plural = _("school survey summary rows")
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="one_survey_school_tally")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.school_id}"


# Rows of a round per grade and week day are split by school into this many
# shards, so that concurrent responses rarely wait on the same row.
ROUND_TALLY_SHARDS = 16


class SurveyRoundTally(TallyFigures):
    """A summary row (轮次汇总) of a round per grade and week day, for one shard
    of its schools (school id modulo :data:`ROUND_TALLY_SHARDS`).

    The bureau's grade and week-day totals sum a few hundred of these instead
    of the ~75,000 rows per school of a city; kept by the same upsert."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField(_("shard"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    weekday = models.PositiveSmallIntegerField(_("week day described"), help_text=_("1 = Monday; 0 for paper."))

    class Meta:
        verbose_name = _("round survey summary row")
        verbose_name_plural = _("round survey summary rows")
        constraints = [
            models.UniqueConstraint(fields=["round", "shard", "grade", "weekday"], name="one_survey_round_tally")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.shard} {self.grade} {self.weekday}"


class SurveyAnswerTally(models.Model):
    """A summary row (答题汇总) of one question and option.

    Responses choosing the option; option 0 holds the count and sum of a number."""

    round = models.ForeignKey(SurveyRound, verbose_name=ROUND_LABEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"))
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+")
    option = models.PositiveSmallIntegerField(_("option"))
    count = models.PositiveIntegerField(_("count"), default=0)
    total = models.FloatField(_("sum"), default=0)

    class Meta:
        verbose_name = _("answer summary row")
        verbose_name_plural = _("answer summary rows")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "school", "grade", "question", "option"], name="one_survey_answer_tally"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.school_id} {self.grade} {self.question_id} {self.option}"


class SurveyRateCounter(models.Model):
    """A rate counter (限流计数) of the public survey form.

    Hits of one key (a school's link, or a client's keyed hash) in one window."""

    counter_key = models.CharField(_("key"), max_length=80)
    window_start = models.DateTimeField(_("window start"))
    hits = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        verbose_name = _("survey rate counter")
        verbose_name_plural = _("survey rate counters")
        constraints = [models.UniqueConstraint(fields=["counter_key", "window_start"], name="one_survey_rate_counter")]

    def __str__(self) -> str:
        return f"{self.counter_key} {self.window_start:%Y-%m-%d %H:%M} {self.hits}"
