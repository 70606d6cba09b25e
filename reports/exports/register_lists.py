"""Exports of the register: who is responsible for which school."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, PdfExporter, Progress
from reports.registry import exporter
from schools.models import School
from supervision.models import DistrictMembership, SupervisorAssignment, SupervisoryDistrict


class OnDateForm(forms.Form):
    on = forms.DateField(label=_("as on"), required=False, help_text=_("Empty for today."))


def _day(params: dict[str, Any]) -> datetime.date:
    return datetime.date.fromisoformat(params["on"]) if params.get("on") else timezone.localdate()


def district_rows(day: datetime.date) -> list[dict[str, Any]]:
    """Every district with its schools and supervisors on ``day``. Three
    queries whatever the size of the area."""
    districts = SupervisoryDistrict.objects.filter(active=True).prefetch_related(
        Prefetch(
            "memberships",
            queryset=DistrictMembership.objects.active_on(day).select_related("school").order_by("school__code"),
            to_attr="current_memberships",
        ),
        Prefetch(
            "assignments",
            queryset=SupervisorAssignment.objects.active_on(day)
            .select_related("supervisor")
            .order_by("-is_leader", "supervisor__name"),
            to_attr="current_assignments",
        ),
    )
    return [
        {
            "district": d,
            "schools": [m.school for m in d.current_memberships],
            "assignments": d.current_assignments,
        }
        for d in districts.order_by("number")
    ]


@exporter
class DistrictRosterExcel(ExcelExporter):
    identifier = "district_roster_xlsx"
    verbose_name = _("Supervisory district roster")
    description = _("Each school with its district and responsible supervisors, as Excel.")
    form_class = OnDateForm

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        day = _day(params)
        rows = district_rows(day)

        def school_lines() -> Iterator[list[Any]]:
            for row in rows:
                names = "、".join(a.supervisor.name for a in row["assignments"])
                phones = "、".join(a.supervisor.phone for a in row["assignments"] if a.supervisor.phone)
                for school in row["schools"]:
                    yield [
                        row["district"].name,
                        school.code,
                        school.name,
                        school.get_school_type_display(),
                        school.town,
                        names,
                        phones,
                    ]

        def supervisor_lines() -> Iterator[list[Any]]:
            for row in rows:
                for a in row["assignments"]:
                    sup = a.supervisor
                    yield [
                        row["district"].name,
                        sup.name,
                        sup.get_kind_display(),
                        _("yes") if a.is_leader else "",
                        sup.phone,
                        sup.employer,
                        len(row["schools"]),
                    ]

        title = f"{settings.BUREAU_NAME} {_('Supervisory district roster')}（{day:%Y-%m-%d}）"
        return [
            Sheet(
                title=str(_("Schools")),
                notes=[title],
                columns=[
                    Column(str(_("District")), 16),
                    Column(str(_("national school code")), 14),
                    Column(str(_("School")), 26),
                    Column(str(_("school type")), 14),
                    Column(str(_("town or street")), 12),
                    Column(str(_("Responsible supervisors")), 30),
                    Column(str(_("Phone")), 30),
                ],
                rows=school_lines(),
            ),
            Sheet(
                title=str(_("Supervisors")),
                notes=[title],
                columns=[
                    Column(str(_("District")), 16),
                    Column(str(_("supervisor")), 12),
                    Column(str(_("kind")), 8),
                    Column(str(_("district leader")), 10),
                    Column(str(_("Phone")), 16),
                    Column(str(_("employer")), 26),
                    Column(str(_("Schools")), 8, "0"),
                ],
                rows=supervisor_lines(),
            ),
        ]


@exporter
class SupervisorSignRosterPdf(PdfExporter):
    identifier = "supervisor_sign_roster_pdf"
    verbose_name = _("Responsible supervisor sign roster")
    description = _("The public list of schools and their responsible supervisors (挂牌督导公示), as PDF.")
    form_class = OnDateForm
    template_name = "reports/pdf/sign_roster.html"

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        day = _day(params)
        return {
            "bureau_name": settings.BUREAU_NAME,
            "day": day,
            "rows": district_rows(day),
            "school_count": School.objects.filter(active=True).count(),
        }
