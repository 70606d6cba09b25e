"""The semester ranking workbook."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, Progress, register
from reports.models import ScoreRun, ScoringScheme
from reports.scoring.engine import scores_compute
from reports.scoring.selectors import scores_of_run
from schools.models import SchoolType, Semester

# Further sheets (district visit coverage, complaints, open rectifications)
# register here as functions (params, run) -> Sheet, one per feature.
EXTRA_SHEETS: list[Any] = []


class SemesterForm(forms.Form):
    semester = forms.ModelChoiceField(
        label=_("semester"),
        queryset=Semester.objects.select_related("school_year").order_by("-start_date"),
        required=False,
        help_text=_("Empty for the current semester."),
    )


def scheme_for(params: dict[str, Any]) -> ScoringScheme:
    semester = Semester.objects.get(pk=params["semester"]) if params.get("semester") else Semester.objects.current()
    if semester is None:
        raise ValueError(gettext("No semester is set up."))
    scheme = ScoringScheme.objects.filter(semester=semester).first()
    if scheme is None:
        raise ValueError(gettext("No scoring scheme is set up for %(semester)s.") % {"semester": semester})
    return scheme


@register
class RankingExcel(ExcelExporter):
    identifier = "ranking_xlsx"
    verbose_name = _("Semester ranking")
    description = _("Scores every school for the semester, then writes the ranking and its indicators as Excel.")
    form_class = SemesterForm

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        scheme = scheme_for(params)
        progress(5, gettext("Scoring schools"))
        run = scores_compute(scheme=scheme, by=user)
        progress(50, gettext("Writing the workbook"))
        return ranking_sheets(run, params)


def ranking_sheets(run: ScoreRun, params: dict[str, Any] | None = None) -> list[Sheet]:
    """The workbook of one score computation. Rows stream from the database
    in chunks; nothing holds all schools in memory."""
    from reports.scoring.indicators import load_indicators

    indicators = load_indicators()
    keys = list(run.weights)
    scores = scores_of_run(run=run)

    # Plain tuples rather than model instances: the export streams tens of
    # thousands of rows, and building objects would cost more than writing.
    types = dict(SchoolType.choices)
    yes = gettext("yes")
    columns = (
        "rank",
        "school__code",
        "school__name",
        "school__school_type",
        "district_name",
        "total",
        "max_total",
        "rank_in_type",
        "rank_in_district",
        "vetoed",
        "veto_reason",
    )

    def ranking() -> Iterator[list[Any]]:
        for (
            rank,
            code,
            name,
            kind,
            district,
            total,
            max_total,
            in_type,
            in_district,
            vetoed,
            reason,
        ) in scores.values_list(*columns).iterator(chunk_size=2000):
            yield [
                rank,
                code,
                name,
                str(types.get(kind, kind)),
                district,
                float(total),
                float(max_total),
                float(total / max_total) if max_total else None,
                in_type,
                in_district,
                yes if vetoed else "",
                reason,
            ]

    def indicator_rows() -> Iterator[list[Any]]:
        for rank, code, name, breakdown in scores.values_list(
            "rank", "school__code", "school__name", "breakdown"
        ).iterator(chunk_size=2000):
            points = {b["indicator"]: b.get("points") for b in breakdown}
            yield [rank, code, name] + [round(float(points[k]), 2) if points.get(k) is not None else None for k in keys]

    title = f"{run.scheme.semester} {gettext('Semester ranking')}"
    sheets = [
        Sheet(
            title=gettext("Ranking"),
            notes=[title],
            columns=[
                Column(gettext("Rank"), 6),
                Column(gettext("national school code"), 13),
                Column(gettext("School"), 26),
                Column(gettext("school type"), 12),
                Column(gettext("District"), 14),
                Column(gettext("score"), 8, "0.00"),
                Column(gettext("possible score"), 8, "0.00"),
                Column(gettext("Score rate"), 8, "0.0%"),
                Column(gettext("rank among schools of its type"), 10),
                Column(gettext("rank in its district"), 10),
                Column(gettext("vetoed"), 8),
                Column(gettext("veto reason"), 40),
            ],
            rows=ranking(),
        ),
        Sheet(
            title=gettext("Indicators"),
            notes=[title],
            columns=[
                Column(gettext("Rank"), 6),
                Column(gettext("national school code"), 13),
                Column(gettext("School"), 26),
            ]
            + [
                # Points are rounded to two places already; a number format
                # on every cell of this wide sheet would double its cost.
                Column(f"{indicators[k].verbose_name}（{run.weights[k]}）" if k in indicators else k, 14)
                for k in keys
            ],
            rows=indicator_rows(),
        ),
    ]
    sheets += [make(params or {}, run) for make in EXTRA_SHEETS]
    if run.excluded:
        sheets.append(
            Sheet(
                title=gettext("Left out"),
                columns=[Column(gettext("indicator"), 30), Column(gettext("Reason"), 40)],
                rows=[
                    [str(indicators[k].verbose_name) if k in indicators else k, reason]
                    for k, reason in run.excluded.items()
                ],
            )
        )
    return sheets
