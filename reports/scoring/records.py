"""What homework, after-school and self-check cross-check records bring to
scores, the notice and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.dashboard.panels import Panel, bar_option
from reports.exports.notice import Section, Table
from reports.models import ScoreRun
from reports.registry import dashboard_panel, indicator, notice_section
from reports.scoring.indicators import Evidence, Indicator, IndicatorResult, evidence_url, not_assessed
from schools.afterschool.models import AfterSchoolDay
from schools.afterschool.selectors import afterschool_figures_by_school
from schools.homework.rules import GRADE_NAMES, over_cap_q, written_cap
from schools.homework.selectors import homework_counts_by_school, homework_rates_by_grade
from schools.models import HomeworkDay, Semester
from schools.selfchecks.crosscheck import selfcheck_gap_counts


def _days(semester: Semester) -> Any:
    return HomeworkDay.objects.filter(date__gte=semester.start_date, date__lte=semester.end_date)


@indicator
class HomeworkCompliance(Indicator):
    key = "homework_compliance"
    verbose_name = gettext_lazy("Homework within the caps")
    description = gettext_lazy("Share of the semester's recorded class-days whose written homework is within the cap.")
    default_weight = 20

    def available(self, semester: Semester) -> bool:
        return _days(semester).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        counts = homework_counts_by_school(school_ids=ids, date_from=semester.start_date, date_to=semester.end_date)
        out = {}
        week_url = evidence_url("homework_week")
        nothing, label = _("no homework recorded this semester"), _("Homework")
        text = _("%(over)s of %(recorded)s class-days over the cap")
        for school_id in ids:
            recorded, over = counts.get(school_id, (0, 0))
            if not recorded:
                out[school_id] = not_assessed(nothing)
                continue
            value = (recorded - over) / recorded
            evidence = [Evidence(label, week_url(school_id))] if over else []
            out[school_id] = IndicatorResult(value, text % {"over": over, "recorded": recorded}, evidence)
        return out


@indicator
class AfterSchoolCoverage(Indicator):
    key = "afterschool_coverage"
    verbose_name = gettext_lazy("After-school service coverage")
    description = gettext_lazy("Pupils attending the after-school service as a share of those who asked for it.")
    default_weight = 10

    def available(self, semester: Semester) -> bool:
        return AfterSchoolDay.objects.filter(date__gte=semester.start_date, date__lte=semester.end_date).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        figures = afterschool_figures_by_school(schools=ids, semester=semester)
        out = {}
        for school_id in ids:
            f = figures.get(school_id)
            if f is None or f.coverage is None:
                out[school_id] = not_assessed(_("no after-school service recorded this semester"))
                continue
            out[school_id] = IndicatorResult(
                min(1.0, f.coverage),
                _("%(attended)s attended of %(requested)s who asked, on %(days)s days")
                % {"attended": f.attended, "requested": f.requested, "days": f.held_days},
            )
        return out


@indicator
class SelfCheckHonesty(Indicator):
    key = "selfcheck_gap"
    verbose_name = gettext_lazy("Self-checks agree with the supervisors")
    description = gettext_lazy(
        "Share of the compared items where the school did not rate itself better than the latest visit found."
    )
    default_weight = 10

    def available(self, semester: Semester) -> bool:
        return bool(selfcheck_gap_counts(semester=semester))

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        gaps = selfcheck_gap_counts(semester=semester, school_ids=ids)
        out = {}
        for school_id in ids:
            flagged, compared = gaps.get(school_id, (0, 0))
            if not compared:
                out[school_id] = not_assessed(_("nothing to compare"))
                continue
            evidence = (
                [Evidence(_("Cross-check"), reverse("selfcheck_crosscheck_school", args=[school_id]))]
                if flagged
                else []
            )
            out[school_id] = IndicatorResult(
                (compared - flagged) / compared,
                _("rated itself better than the supervisors found on %(flagged)s of %(compared)s items")
                % {"flagged": flagged, "compared": compared},
                evidence,
            )
        return out


def _caps_sentence() -> str:
    # The national rule gives grades 1-2 no written homework at all: a cap
    # of "0 minutes" misstates it. A bureau that set another cap in the
    # settings gets its minutes.
    caps = {"p": written_cap(3), "j": written_cap(7)}
    if written_cap(1) == 0:
        return _("Caps in written homework a day: grades 1-2 none, 3-6 at most %(p)s, 7-9 at most %(j)s.") % caps
    return _("Caps in written homework a day: grades 1-2 %(low)s minutes, 3-6 at most %(p)s, 7-9 at most %(j)s.") % {
        **caps,
        "low": written_cap(1),
    }


@notice_section(40)
def homework_section(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    grades = list(
        _days(semester)
        .values("grade")
        .annotate(recorded=Count("*"), over=Count("grade", filter=over_cap_q()))
        .order_by("grade")
    )
    if not grades:
        return None
    recorded = sum(g["recorded"] for g in grades)
    over = sum(g["over"] for g in grades)
    summary = _("Homework: %(recorded)s class-days recorded, %(rate)s%% within the caps.") % {
        "recorded": recorded,
        "rate": round(100 * (recorded - over) / recorded) if recorded else 0,
    }
    return Section(
        title=_("Homework"),
        summary=summary,
        paragraphs=[
            summary,
            _caps_sentence(),
        ],
        tables=[
            Table(
                headers=[_("Grade"), _("Class-days"), _("Over the cap"), _("Within the caps")],
                rows=[
                    [
                        str(GRADE_NAMES.get(g["grade"], g["grade"])),
                        g["recorded"],
                        g["over"],
                        f"{round(100 * (g['recorded'] - g['over']) / g['recorded'])}%",
                    ]
                    for g in grades
                ],
                numeric={1, 2, 3},
            )
        ],
    )


@dashboard_panel(30)
def homework_panel(user: Any, semester: Semester) -> Panel | None:
    # The compliance report's figures by grade (from the summaries), scoped
    # to what the user may see, without the report's schools and districts.
    rows = [
        {"grade": r.key, "recorded": r.recorded, "over": r.over}
        for r in homework_rates_by_grade(user=user, date_from=semester.start_date, date_to=semester.end_date)
    ]
    if not rows:
        return None
    return Panel(
        key="homework",
        title=_("Homework within the caps, by grade"),
        option=bar_option(
            [str(GRADE_NAMES.get(r["grade"], r["grade"])) for r in rows],
            {_("Within the caps"): [round(100 * (r["recorded"] - r["over"]) / r["recorded"]) for r in rows]},
            percent=True,
        ),
    )
