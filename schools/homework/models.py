"""Homework records (作业登记): per class and school day, the items given.

Classes are rows (:class:`SchoolClass`), derived from the register's
``GradeEnrolment.classes`` counts. A class-day row then points at one small
key instead of repeating (school, grade, number), a class's page and the
public list have something to hang on, and a class that disappears from the
register is deactivated rather than deleted, so its old records stay.

:class:`HomeworkDay` holds one class's day with the totals of its items
(written minutes, all minutes, item count), recomputed by one UPDATE in the
database whenever its items are written. It repeats the school and grade of
its class so that the city-scale aggregations (by grade, week, month and
school over millions of class-days) read one table through one index.
Whether a day is compliant is never stored: :mod:`schools.homework.rules` applies the
caps of the settings to ``grade`` and ``written_minutes`` when reading."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schools.homework.rules import GRADE_NAMES, NATIONAL_CAPS, over_cap_q
from schools.records.stamped import UpdateStamped

MAX_ITEM_MINUTES = 240


class SchoolClass(models.Model):
    """A class (班级) of a school: grade 1-9 and its number within the grade."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="classes"
    )
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MinValueValidator(1), MaxValueValidator(9)])
    number = models.PositiveSmallIntegerField(_("class number"), validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "grade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "number"], name="one_class_per_grade_number"),
            models.CheckConstraint(name="class_grade_1_to_9", condition=Q(grade__gte=1, grade__lte=9)),
            models.CheckConstraint(name="class_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return str(
            _("%(grade)s class %(number)s") % {"grade": GRADE_NAMES.get(self.grade, self.grade), "number": self.number}
        )


class Subject(models.TextChoices):
    CHINESE = "chinese", pgettext_lazy("school subject", "Chinese")
    MATHS = "maths", pgettext_lazy("school subject", "Mathematics")
    ENGLISH = "english", pgettext_lazy("school subject", "English")
    SCIENCE = "science", pgettext_lazy("school subject", "Science")
    MORALITY = "morality", pgettext_lazy("school subject", "Morality and law")
    HISTORY = "history", pgettext_lazy("school subject", "History")
    GEOGRAPHY = "geography", pgettext_lazy("school subject", "Geography")
    PHYSICS = "physics", pgettext_lazy("school subject", "Physics")
    CHEMISTRY = "chemistry", pgettext_lazy("school subject", "Chemistry")
    BIOLOGY = "biology", pgettext_lazy("school subject", "Biology")
    PE = "pe", pgettext_lazy("school subject", "Physical education")
    MUSIC = "music", pgettext_lazy("school subject", "Music")
    ART = "art", pgettext_lazy("school subject", "Art")
    IT = "it", pgettext_lazy("school subject", "Information technology")
    PRACTICE = "practice", pgettext_lazy("school subject", "Integrated practice")
    OTHER = "other", pgettext_lazy("school subject", "Other")


# The Chinese names a clerk writes in the upload template, as data.
SUBJECT_ALIASES: dict[str, str] = {
    "语文": Subject.CHINESE,
    "数学": Subject.MATHS,
    "英语": Subject.ENGLISH,
    "外语": Subject.ENGLISH,
    "科学": Subject.SCIENCE,
    "道德与法治": Subject.MORALITY,
    "道法": Subject.MORALITY,
    "历史": Subject.HISTORY,
    "地理": Subject.GEOGRAPHY,
    "物理": Subject.PHYSICS,
    "化学": Subject.CHEMISTRY,
    "生物": Subject.BIOLOGY,
    "体育": Subject.PE,
    "体育与健康": Subject.PE,
    "音乐": Subject.MUSIC,
    "美术": Subject.ART,
    "信息科技": Subject.IT,
    "信息技术": Subject.IT,
    "综合实践": Subject.PRACTICE,
    "综合实践活动": Subject.PRACTICE,
    "其他": Subject.OTHER,
}


class HomeworkKind(models.TextChoices):
    BASIC = "basic", _("Basic")
    OPTIONAL = "optional", _("Optional")


class HomeworkDay(UpdateStamped):
    """作业登记（班级日）: one class's homework on one day, with the totals of its items.

    ``written_minutes`` counts every written item, basic and optional alike:
    optional homework is still homework the school gives, and the cap is on
    what the school gives."""

    # No index of their own on either key: the unique (class, date) and the
    # (school, date) indexes start with them, and at city scale (16 million
    # class-days a year) each needless index is written on every save.
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="homework_days", db_index=False
    )
    # Copies of school_class.school and .grade: see the module docstring.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="homework_days",
        db_index=False,
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    date = models.DateField(_("date"))
    written_minutes = models.PositiveSmallIntegerField(_("written homework, minutes"), default=0)
    total_minutes = models.PositiveSmallIntegerField(_("all homework, minutes"), default=0)
    item_count = models.PositiveSmallIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("class homework day")
        verbose_name_plural = _("class homework days")
        ordering = ["date", "grade", "school_class"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "date"], name="one_homework_day_per_class"),
            models.CheckConstraint(name="homework_day_grade_1_to_9", condition=Q(grade__gte=1, grade__lte=9)),
            models.CheckConstraint(
                name="homework_day_written_within_total", condition=Q(written_minutes__lte=models.F("total_minutes"))
            ),
        ]
        indexes = [
            # The compliance aggregations: a date range, grouped by grade,
            # school or class, reading only these columns (an index-only
            # scan on PostgreSQL).
            models.Index(
                fields=["date", "grade", "written_minutes", "school", "school_class"], name="homework_day_compliance"
            ),
            # A school's weeks and its public page.
            models.Index(fields=["school", "date"], name="homework_day_school_date"),
            # The classes over the cap: only the over-cap class-days (some 5 %
            # of them), so that listing a year's worst classes reads those and
            # not every class-day. Built on the national caps: with the
            # settings' caps equal or higher PostgreSQL proves a query's
            # over-cap condition implies the index's and uses it; with lower
            # caps it falls back to the compliance index (same result, slower).
            models.Index(
                fields=["date"],
                include=["school_class", "school", "grade", "written_minutes"],
                condition=over_cap_q(caps=NATIONAL_CAPS),
                name="homework_day_over_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.date:%Y-%m-%d}"

    def clean(self) -> None:
        if self.school_class_id and (
            self.school_id != self.school_class.school_id or self.grade != self.school_class.grade
        ):
            raise ValidationError(_("The school and grade of a homework day are those of its class."))


class HomeworkItem(models.Model):
    """作业条目: one piece of homework given to a class on a day."""

    day = models.ForeignKey(
        HomeworkDay, verbose_name=_("class homework day"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    content = models.CharField(_("content"), max_length=200)
    kind = models.CharField(
        _("basic or optional"), max_length=10, choices=HomeworkKind.choices, default=HomeworkKind.BASIC
    )
    written = models.BooleanField(_("written"), default=True)
    minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_MINUTES)]
    )
    layered = models.BooleanField(_("layered by ability"), default=False)

    class Meta:
        verbose_name = _("homework item")
        verbose_name_plural = _("homework items")
        ordering = ["day", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="homework_item_minutes_range", condition=Q(minutes__gte=1, minutes__lte=MAX_ITEM_MINUTES)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.content}"


class HomeworkPublication(models.Model):
    """A school's week of homework, reviewed and published (审核、公示) on
    its public homework page. Withdrawing deletes the row."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="homework_publications"
    )
    week_start = models.DateField(_("week starting"), help_text=_("The Monday of the week."))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("homework publication")
        verbose_name_plural = _("homework publications")
        ordering = ["school", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "week_start"], name="one_publication_per_school_week"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.week_start:%Y-%m-%d}"

    def clean(self) -> None:
        if self.week_start and self.week_start.weekday() != 0:
            raise ValidationError({"week_start": _("A week starts on a Monday.")})


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week containing ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def fragment_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last date of the summary fragment containing ``day``:
    its ISO week cut at the month's boundaries (see :class:`HomeworkSummary`)."""
    monday = week_start(day)
    first = max(monday, day.replace(day=1))
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = min(monday + datetime.timedelta(days=6), next_month - datetime.timedelta(days=1))
    return first, last


class HomeworkSummary(models.Model):
    """作业汇总: the class-days of one school and grade in one fragment, a
    fragment being an ISO week cut at month boundaries (so at most 7 days).

    Why this grain: the compliance report groups by grade, ISO week, month and
    school over any date range. Weeks straddle months, so a per-week row could
    not answer a month and a per-month row could not answer a week; the
    fragment answers both exactly (a week is the sum of its one or two
    fragments, a month of its four to six). A range that starts or ends
    inside a fragment reads either its days there from the raw class-days or
    the fragment's row less its days outside the range (whichever are fewer:
    :func:`schools.homework.selectors.homework_edge_plan`), so every figure
    equals the raw computation. A year of a city (3,000
    schools, 9 grades, ~60 fragments) is still many rows, but grouped by an
    index-only scan over about a twentieth of the class-days.

    ``over`` applies the caps of the settings at the time the row was written:
    after changing ``HOMEWORK_WRITTEN_CAP_*`` run ``manage.py
    rebuild_homework_summaries``. Rows are written in the same transaction as
    the class-days (:func:`schools.homework.services.homework_summaries_refresh`)."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="homework_summaries"
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    week_start = models.DateField(_("week starting"))
    month = models.DateField(_("month"))
    # The fragment's span (not the dates recorded): a range covers a fragment
    # when first_date >= from and last_date <= to.
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    recorded = models.PositiveIntegerField(_("class-days recorded"), default=0)
    over = models.PositiveIntegerField(_("class-days over the cap"), default=0)
    written_sum = models.PositiveIntegerField(_("written minutes, sum"), default=0)

    class Meta:
        verbose_name = _("homework summary")
        verbose_name_plural = _("homework summaries")
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "first_date"], name="one_homework_summary_per_fragment"),
        ]
        indexes = [
            # The figures are included so that a period's rows are read from
            # the index alone, side by side, not from table pages spread over
            # the whole table (the rebuild writes a school's year together).
            models.Index(
                fields=["first_date", "last_date", "grade", "school", "week_start", "month"],
                include=["recorded", "over", "written_sum"],
                name="homework_summary_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.grade} {self.first_date:%Y-%m-%d}"


class HomeworkMonthSummary(models.Model):
    """作业月汇总: the summaries of one school and grade in one month added up
    (:class:`HomeworkSummary` rows are its fragments), kept with them in the
    class-days' transaction. Figures that need no week (the schools, the
    grades of a dashboard) read a period's whole months here: a city's
    semester is 75,000 rows instead of 330,000 fragments."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="homework_month_summaries"
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    month = models.DateField(_("month"))
    recorded = models.PositiveIntegerField(_("class-days recorded"), default=0)
    over = models.PositiveIntegerField(_("class-days over the cap"), default=0)
    written_sum = models.PositiveIntegerField(_("written minutes, sum"), default=0)

    class Meta:
        verbose_name = _("homework month summary")
        verbose_name_plural = _("homework month summaries")
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "month"], name="one_homework_month_summary"),
        ]
        indexes = [
            models.Index(
                fields=["month", "grade", "school"],
                include=["recorded", "over", "written_sum"],
                name="homework_month_summary_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.grade} {self.month:%Y-%m}"
