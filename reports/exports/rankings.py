"""The semester ranking workbook, and the choice of the stored score run
that every semester report reads. Reports never compute scores: bureau
staff compute a run on the scores page, and a report reads the run chosen
in its form (by default the semester's latest published run; a draft only
when chosen, and marked as a draft)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.xlsx import Column, Sheet
from reports import registry
from reports.exports.base import ExcelExporter, Progress
from reports.models import ScoreRun
from reports.registry import exporter
from reports.scoring.errors import ScoringError
from reports.scoring.selectors import score_run_latest, scores_of_run
from schools.models import SchoolType, Semester


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.scheme.semester} {obj.computed_label} #{obj.pk}"


class SemesterForm(forms.Form):
    semester = forms.ModelChoiceField(
        label=_("semester"),
        queryset=Semester.objects.select_related("school_year").order_by("-start_date"),
        required=False,
        help_text=_("Empty for the current semester."),
    )
    run = RunChoiceField(
        label=_("score run"),
        queryset=ScoreRun.objects.select_related("scheme__semester__school_year").order_by("-computed_at"),
        required=False,
        help_text=_("The stored score run to report on; empty for the semester's latest published run."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            run = run_for({"semester": data.get("semester"), "run": data.get("run")})
        except ScoringError as exc:
            raise forms.ValidationError(exc.messages) from None
        data["run"] = run
        data["semester"] = run.scheme.semester
        return data


def run_for(params: dict[str, Any]) -> ScoreRun:
    """The stored run a report reads: the one named in ``params["run"]``,
    else the latest published run of the semester (of the current one
    without a semester).
    Raises ScoringError, in Chinese, when there is none: a report never
    computes scores itself."""
    wanted = params.get("run")
    if wanted:
        run_id = getattr(wanted, "pk", wanted)
        run = ScoreRun.objects.select_related("scheme__semester__school_year").filter(pk=run_id).first()
        if run is None:
            raise ScoringError(gettext("The chosen score run does not exist."))
        semester_id = getattr(params.get("semester"), "pk", params.get("semester"))
        if semester_id and int(semester_id) != run.scheme.semester_id:
            raise ScoringError(gettext("The chosen score run belongs to another semester."))
        return run
    semester = params.get("semester")
    if semester and not isinstance(semester, Semester):
        semester = Semester.objects.filter(pk=semester).first()
    semester = semester or Semester.objects.current()
    if semester is None:
        raise ScoringError(gettext("No semester is set up."))
    latest = score_run_latest(semester=semester, published=True)
    if latest is not None:
        return latest
    if score_run_latest(semester=semester) is None:
        raise ScoringError(
            gettext(
                "No scores have been computed for %(semester)s yet: bureau staff compute them on the scores page first."
            )
            % {"semester": semester}
        )
    raise ScoringError(
        gettext("No score run of %(semester)s is published yet: choose a draft run explicitly, or publish one.")
        % {"semester": semester}
    )


@exporter
class RankingExcel(ExcelExporter):
    identifier = "ranking_xlsx"
    verbose_name = _("Semester ranking")
    description = _("The ranking of a stored score run and its indicators, as Excel.")
    form_class = SemesterForm

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        run = run_for(params)
        progress(10, gettext("Writing the workbook"))
        return ranking_sheets(run, params)


def ranking_sheets(run: ScoreRun, params: dict[str, Any] | None = None) -> list[Sheet]:
    """The workbook of one score computation. Rows stream from the database
    in chunks; nothing holds all schools in memory."""
    indicators = registry.indicators
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
        "score",
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
            score,
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
                float(score) if score is not None else None,
                float(total),
                float(max_total),
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
    if run.is_draft:
        title += f"（{gettext('Draft: not published')}）"
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
                Column(gettext("score (of 100)"), 8, "0.00"),
                Column(gettext("points"), 8, "0.00"),
                Column(gettext("possible score"), 8, "0.00"),
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
    sheets += [make(params or {}, run) for make in registry.ranking_sheets.values()]
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
