"""The survey report for the leadership (PDF) and the workbook of its
aggregates (Excel), in the exporter contract of :mod:`reports.exports`:
run as report jobs, always in Chinese, figures only for schools past the
threshold, free text only as redacted quotations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, PdfExporter, Progress
from reports.registry import exporter
from schools.homework.rules import GRADE_NAMES
from schools.models import Semester

from .models import SurveyRound
from .rules import WEEKDAY_NAMES
from .selectors import Figures, RoundResults, quotable_texts, round_results, rounds_of_semester


class RoundChoiceForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("survey round"), queryset=SurveyRound.objects.order_by("-opens_on", "-pk"), empty_label=None
    )


def _results(params: dict[str, Any], user: Any) -> RoundResults:
    survey_round = SurveyRound.objects.select_related("questionnaire").get(pk=params["round"])
    return round_results(survey_round=survey_round, user=user)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _avg(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


FIGURE_COLUMNS = [
    Column("答卷数", 8),
    Column("书面作业平均（分钟/天）", 12, "0.0"),
    Column("作业超时占比", 10, "0.0%"),
    Column("睡眠平均（小时）", 10, "0.0"),
    Column("睡眠不足占比", 10, "0.0%"),
    Column("学生自行保管手机占比", 10, "0.0%"),  # the flagged answer: brought in and kept by the pupil
    Column("参加课后服务占比", 10, "0.0%"),
    Column("参加校外收费学科培训占比", 12, "0.0%"),
]


def _pooled_note(results: RoundResults, *, weekdays: bool = False) -> list[str]:
    """Why some shown schools are one row of a breakdown (the rule:
    :func:`.selectors._pool_schools_without_breakdown`); nothing when none is."""
    if not (results.weekdays_pooled if weekdays else results.grades_pooled).n:
        return []
    if weekdays:
        text = gettext(
            "A school with a week day (or paper questionnaires) of fewer than %(n)s responses is counted in one "
            "row, not by week day, as on its own page: the days' figures minus those shown school by school would "
            "otherwise give that day away."
        )
    else:
        text = gettext(
            "A school with a grade of fewer than %(n)s responses is counted in one row, not by grade, as on its own "
            "page: the grades' figures minus those shown school by school would otherwise give that grade away."
        )
    return [text % {"n": results.min_responses}]


def _grade_rows(results: RoundResults) -> list[tuple[str, Figures]]:
    """The round's grades, then the schools pooled for want of a grade breakdown."""
    rows = [(str(GRADE_NAMES.get(g, g)), f) for g, f in results.grades if f.enough]
    if results.grades_pooled.n:
        rows.append((gettext("Schools with a grade of too few responses"), results.grades_pooled))
    return rows


def _weekday_rows(results: RoundResults) -> list[tuple[str, Figures]]:
    """The round's week days, then the schools pooled for want of a week-day breakdown."""
    rows = [(WEEKDAY_NAMES.get(d, str(d)), f) for d, f in results.weekdays if f.enough]
    if results.weekdays_pooled.n:
        rows.append((gettext("Schools with a week day of too few responses"), results.weekdays_pooled))
    return rows


def _figure_cells(f: Figures) -> list[Any]:
    return [
        f.n,
        _avg(f.hw_avg),
        _share(f.hw_over_share),
        _avg(f.sleep_avg),
        _share(f.sleep_under_share),
        _share(f.phone_share),
        _share(f.after_share),
        _share(f.tutor_share),
    ]


@exporter
class SurveyAggregatesExcel(ExcelExporter):
    identifier = "survey_aggregates_xlsx"
    verbose_name = _("Burden survey figures")
    description = _("A survey round's figures per school, district, grade and week day, as Excel.")
    form_class = RoundChoiceForm

    def filename(self, params: dict[str, Any]) -> str:
        return f"{gettext('Burden survey figures')}-{params['round']}-{timezone.localdate():%Y%m%d}.xlsx"

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        results = _results(params, user)
        progress(50, gettext("Writing the workbook"))
        too_few = gettext("Too few responses")
        schools = [
            [r.code, r.name, r.district, *(_figure_cells(r.figures) if r.enough else [r.figures.n, too_few])]
            + ([_avg(r.recorded.avg) if r.recorded else None, _avg(r.gap)] if r.enough else [])
            for r in results.schools
        ]
        note = (
            f"{results.survey_round.name}（{results.survey_round.opens_on:%Y-%m-%d} – "
            f"{results.survey_round.closes_on:%Y-%m-%d}）；"
            + gettext("figures only for schools with at least %(n)s responses")
            % {"n": results.min_responses}
        )
        left_out = gettext("groups with fewer than %(n)s responses are left out") % {"n": results.min_responses}
        return [
            Sheet(
                title="学校",
                notes=[note],
                columns=[
                    Column("学校标识码", 14),
                    Column("学校名称", 26),
                    Column("督学责任区", 14),
                    *FIGURE_COLUMNS,
                    Column("学校登记作业（分钟/天）", 12, "0.0"),
                    Column("填报与登记之差（分钟）", 12, "0.0"),
                ],
                rows=schools,
            ),
            Sheet(
                title="责任区",
                columns=[Column("督学责任区", 16), *FIGURE_COLUMNS],
                rows=[[d.name, *_figure_cells(d.figures)] for d in results.districts],
            ),
            Sheet(
                title="年级",
                notes=[left_out, *_pooled_note(results)],
                columns=[Column("年级", 10), *FIGURE_COLUMNS],
                rows=[[label, *_figure_cells(f)] for label, f in _grade_rows(results)],
            ),
            Sheet(
                title="星期",
                notes=[left_out, *_pooled_note(results, weekdays=True)],
                columns=[Column("所述上学日", 10), *FIGURE_COLUMNS],
                rows=[[label, *_figure_cells(f)] for label, f in _weekday_rows(results)],
            ),
        ]


@exporter
class SurveyReportPdf(PdfExporter):
    identifier = "survey_report_pdf"
    verbose_name = _("Burden survey report")
    description = _(
        "The report of a survey round to the bureau's leadership: findings, schools, districts, grades, "
        "quotations, as PDF."
    )
    form_class = RoundChoiceForm
    template_name = "supervision/surveys/pdf_report.html"

    def filename(self, params: dict[str, Any]) -> str:
        return f"{gettext('Burden survey report')}-{params['round']}-{timezone.localdate():%Y%m%d}.pdf"

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        results = _results(params, user)
        progress(30, gettext("Summarising the survey"))
        shown = [r for r in results.schools if r.enough]
        worst = sorted(
            (r for r in shown if r.figures.hw_over_share is not None),
            key=lambda r: -(r.figures.hw_over_share or 0),
        )[:10]
        return {
            "results": results,
            "round": results.survey_round,
            "shown": shown,
            "worst": worst,
            "flagged": [r for r in shown if r.flagged],
            "quotes": quotable_texts(survey_round=results.survey_round),
            "today": timezone.localdate(),
        }


# --- the semester's report: every closed round of a semester ---------------------------------


class SemesterSurveyForm(forms.Form):
    semester = forms.ModelChoiceField(
        label=_("semester"), queryset=Semester.objects.select_related("school_year").order_by("-start_date")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        semester = data.get("semester")
        if semester is not None and not rounds_of_semester(semester=semester):
            raise forms.ValidationError(_("No survey round of this semester has closed yet."))
        return data


def _semester_results(params: dict[str, Any], user: Any, progress: Progress) -> tuple[Semester, list[RoundResults]]:
    semester = Semester.objects.select_related("school_year").get(pk=params["semester"])
    rounds = rounds_of_semester(semester=semester)
    results = []
    for i, survey_round in enumerate(rounds):
        progress(10 + 40 * i // max(1, len(rounds)), gettext("Summarising the survey"))
        results.append(round_results(survey_round=survey_round, user=user))
    return semester, results


def _round_label(results: RoundResults) -> str:
    r = results.survey_round
    return f"{r.name}（{r.opens_on:%Y-%m-%d} – {r.closes_on:%Y-%m-%d}）"


@exporter
class SemesterSurveyExcel(ExcelExporter):
    identifier = "survey_semester_xlsx"
    verbose_name = _("Burden survey figures of a semester")
    description = _("Every closed survey round of a semester: figures per round, school, district and grade, as Excel.")
    form_class = SemesterSurveyForm

    def filename(self, params: dict[str, Any]) -> str:
        return (
            f"{gettext('Burden survey figures of a semester')}-{params['semester']}-{timezone.localdate():%Y%m%d}.xlsx"
        )

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        semester, all_results = _semester_results(params, user, progress)
        progress(60, gettext("Writing the workbook"))
        too_few = gettext("Too few responses")
        note = f"{semester}；" + gettext("figures only for schools with at least %(n)s responses") % {
            "n": all_results[0].min_responses
        }
        round_column = Column("调查轮次", 30)
        return [
            Sheet(
                title="轮次",
                notes=[note],
                columns=[
                    round_column,
                    Column("问卷", 26),
                    Column("达到最少答卷数的学校", 12),
                    Column("参与学校", 10),
                    *FIGURE_COLUMNS,
                ],
                rows=[
                    [
                        _round_label(res),
                        str(res.survey_round.questionnaire),
                        res.schools_shown,
                        res.schools_in_round,
                        *_figure_cells(res.total),
                    ]
                    for res in all_results
                ],
            ),
            Sheet(
                title="学校",
                columns=[
                    round_column,
                    Column("学校标识码", 14),
                    Column("学校名称", 26),
                    Column("督学责任区", 14),
                    *FIGURE_COLUMNS,
                ],
                rows=[
                    [_round_label(res), r.code, r.name, r.district]
                    + (_figure_cells(r.figures) if r.enough else [r.figures.n, too_few])
                    for res in all_results
                    for r in res.schools
                ],
            ),
            Sheet(
                title="责任区",
                columns=[round_column, Column("督学责任区", 16), *FIGURE_COLUMNS],
                rows=[
                    [_round_label(res), d.name, *_figure_cells(d.figures)] for res in all_results for d in res.districts
                ],
            ),
            Sheet(
                title="年级",
                notes=[
                    gettext("groups with fewer than %(n)s responses are left out")
                    % {"n": all_results[0].min_responses},
                    *next((_pooled_note(res) for res in all_results if res.grades_pooled.n), []),
                ],
                columns=[round_column, Column("年级", 10), *FIGURE_COLUMNS],
                rows=[
                    [_round_label(res), label, *_figure_cells(f)]
                    for res in all_results
                    for label, f in _grade_rows(res)
                ],
            ),
        ]


@exporter
class SemesterSurveyPdf(PdfExporter):
    identifier = "survey_semester_pdf"
    verbose_name = _("Burden survey report of a semester")
    description = _(
        "The semester's report to the bureau's leadership over every closed survey round: findings per round, "
        "districts, grades, the schools most over the cap, quotations, as PDF."
    )
    form_class = SemesterSurveyForm
    template_name = "supervision/surveys/pdf_semester_report.html"

    def filename(self, params: dict[str, Any]) -> str:
        return f"{gettext('Burden survey report of a semester')}-{params['semester']}-{timezone.localdate():%Y%m%d}.pdf"

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        semester, all_results = _semester_results(params, user, progress)
        sections = []
        for res in all_results:
            shown = [r for r in res.schools if r.enough]
            worst = sorted(
                (r for r in shown if r.figures.hw_over_share is not None),
                key=lambda r: -(r.figures.hw_over_share or 0),
            )[:10]
            sections.append(
                {
                    "results": res,
                    "round": res.survey_round,
                    "worst": worst,
                    "flagged": [r for r in shown if r.flagged],
                    "quotes": quotable_texts(survey_round=res.survey_round, limit=10),
                }
            )
        return {"semester": semester, "sections": sections, "today": timezone.localdate()}
