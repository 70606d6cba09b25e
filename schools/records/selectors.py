"""The bureau's and supervisors' overview of the schools' after-school and
five-management records for a semester."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from jianfu.scoping import schools_visible_to
from schools.afterschool.selectors import Check, ServiceFigures, afterschool_figures_by_school, afterschool_plan_checks
from schools.fivemanagement.selectors import five_management_checks
from schools.models import AfterSchoolPlan, FiveManagementRecord, School, Semester


@dataclass
class SchoolRecords:
    school: School
    plan: AfterSchoolPlan | None
    plan_checks: list[Check]
    service: ServiceFigures | None
    five: FiveManagementRecord | None
    five_checks: list[Check]

    @property
    def plan_issues(self) -> list[Check]:
        return [c for c in self.plan_checks if not c.ok]

    @property
    def five_issues(self) -> list[Check]:
        return [c for c in self.five_checks if not c.ok]


def records_overview(
    *, user: Any, semester: Semester, page: int | str = 1, per_page: int = 50
) -> tuple[Page[Any], list[SchoolRecords]]:
    """One page of the schools the user may see, each with its plan, service
    figures and five-management record for the semester. Five queries per
    page (count, schools, plans, records, service figures)."""
    schools = schools_visible_to(user).filter(active=True).order_by("code")
    page_obj = Paginator(schools, per_page).get_page(page)
    rows = list(page_obj.object_list)
    ids = [s.pk for s in rows]
    plans = {p.school_id: p for p in AfterSchoolPlan.objects.filter(semester=semester, school_id__in=ids)}
    fives = {r.school_id: r for r in FiveManagementRecord.objects.filter(semester=semester, school_id__in=ids)}
    figures = afterschool_figures_by_school(schools=ids, semester=semester)
    result = []
    for school in rows:
        plan = plans.get(school.pk)
        five = fives.get(school.pk)
        result.append(
            SchoolRecords(
                school=school,
                plan=plan,
                plan_checks=afterschool_plan_checks(plan=plan) if plan else [],
                service=figures.get(school.pk),
                five=five,
                five_checks=five_management_checks(record=five, school=school) if five else [],
            )
        )
    return page_obj, result
