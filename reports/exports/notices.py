"""The semester notice to all schools and the survey report to the leadership."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from reports.exports.base import PdfExporter, Progress
from reports.exports.notice import notice_data
from reports.exports.rankings import SemesterForm, run_for
from reports.registry import exporter


class NoticeForm(SingleLineFieldsMixin, SemesterForm):
    document_number = forms.CharField(
        label=_("document number"), max_length=60, required=False, help_text=_("For example 示教督〔2026〕12号.")
    )
    commend = forms.IntegerField(label=_("schools commended"), min_value=0, max_value=50, initial=10, required=False)
    criticise = forms.IntegerField(
        label=_("lowest schools named"), min_value=0, max_value=50, initial=5, required=False
    )


class _SemesterPdf(PdfExporter):
    form_class = NoticeForm

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        run = run_for(params)
        progress(10, gettext("Summarising the semester"))
        data = notice_data(semester=run.scheme.semester, run=run, params=params)
        return {"notice": data, "today": timezone.localdate()}


@exporter
class SemesterNoticePdf(_SemesterPdf):
    identifier = "semester_notice_pdf"
    verbose_name = _("Semester notice")
    description = _("The notice to all schools: summary, schools commended and criticised, the ranking, as PDF.")
    template_name = "reports/pdf/semester_notice.html"


@exporter
class LeadershipReportPdf(_SemesterPdf):
    identifier = "leadership_report_pdf"
    verbose_name = _("Semester survey report to the leadership")
    description = _("The supervision office's report to the bureau's leadership, with every section's tables, as PDF.")
    template_name = "reports/pdf/leadership_report.html"
