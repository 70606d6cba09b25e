"""The model-school list (减负提质示范校名单) as Excel and as a short PDF notice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, PdfExporter, Progress
from reports.models import ModelSchoolRound
from reports.modelschools.selectors import modelschool_list
from reports.registry import exporter


class RoundForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("model-school selection"),
        queryset=ModelSchoolRound.objects.select_related("school_year").order_by("-school_year__start_date"),
    )


def _round(params: dict[str, Any]) -> ModelSchoolRound:
    return ModelSchoolRound.objects.select_related("school_year").get(pk=params["round"])


@exporter
class ModelSchoolListExcel(ExcelExporter):
    identifier = "model_schools_xlsx"
    verbose_name = _("Model-school list")
    description = _("The schools on a model-school selection's list, with their scores and the reasons, as Excel.")
    form_class = RoundForm

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        round = _round(params)
        rows = []
        for c in modelschool_list(round=round):
            scores = "；".join(f"{s['semester']} {s['score'] or '—'}" for s in c.scores)
            rows.append([c.school.code, c.school.name, c.school.get_school_type_display(), scores, c.reason])
        return [
            Sheet(
                title=gettext("Model-school list"),
                notes=[f"{round.school_year} {round.title}（{round.get_status_display()}）"],
                columns=[
                    Column(gettext("national school code"), 13),
                    Column(gettext("School"), 26),
                    Column(gettext("school type"), 12),
                    Column(gettext("scores of the two semesters"), 40),
                    Column(gettext("reason for adding or removing"), 40),
                ],
                rows=rows,
            )
        ]


@exporter
class ModelSchoolNoticePdf(PdfExporter):
    identifier = "model_schools_pdf"
    verbose_name = _("Model-school notice")
    description = _("A short notice of a model-school selection's list (public notice or final), as PDF.")
    form_class = RoundForm
    template_name = "reports/pdf/model_schools.html"

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        round = _round(params)
        return {"round": round, "schools": list(modelschool_list(round=round)), "today": timezone.localdate()}
