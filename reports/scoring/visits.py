"""What visits and rectifications bring to scores, vetoes, the notice, the
ranking workbook and the dashboard."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianfu.scoping import districts_visible_to
from jianfu.xlsx import Column, Sheet
from reports.dashboard.charts import Series, bar_chart
from reports.dashboard.panels import Panel, bar_option
from reports.exports.notice import Section, Table
from reports.models import ScoreRun
from reports.registry import dashboard_panel, indicator, notice_section, ranking_sheet, veto_kind
from reports.scoring.indicators import Evidence, Indicator, IndicatorResult, evidence_url, not_assessed
from reports.scoring.models import VetoDecisionState
from schools.models import Semester
from supervision.models import ItemResult
from supervision.rectifications.models import Rectification, RectificationStatus
from supervision.visits.coverage import coverage_by_district
from supervision.visits.models import Visit, VisitItemResult

RESULT_VALUE = {ItemResult.COMPLIANT: 1.0, ItemResult.MOSTLY: 0.5, ItemResult.NON_COMPLIANT: 0.0}


def _until(semester: Semester) -> datetime.date:
    return min(semester.end_date, timezone.localdate())


def _results(semester: Semester, school_ids: Iterable[int] | None = None) -> Any:
    """Rated item results (not "not applicable") of the semester's visits,
    of the given schools or of all."""
    qs = VisitItemResult.objects.filter(
        visit__date__gte=semester.start_date, visit__date__lte=semester.end_date
    ).exclude(result=ItemResult.NOT_APPLICABLE)
    return qs if school_ids is None else qs.filter(visit__school_id__in=list(school_ids))


@indicator
class VisitResults(Indicator):
    key = "visit_results"
    verbose_name = gettext_lazy("Visit results")
    description = gettext_lazy(
        "Share of checklist items rated compliant on the semester's visits (mostly compliant counts half)."
    )
    default_weight = 40

    def available(self, semester: Semester) -> bool:
        return Visit.objects.filter(date__gte=semester.start_date, date__lte=semester.end_date).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        rows = (
            _results(semester, ids)
            .values("visit__school_id")
            .annotate(
                good=Count("pk", filter=Q(result=ItemResult.COMPLIANT)),
                mostly=Count("pk", filter=Q(result=ItemResult.MOSTLY)),
                bad=Count("pk", filter=Q(result=ItemResult.NON_COMPLIANT)),
                visits=Count("visit", distinct=True),
            )
        )
        bad_items: dict[int, list[str]] = defaultdict(list)
        for school_id, code, title, visit_id, date in (
            _results(semester, ids)
            .filter(result=ItemResult.NON_COMPLIANT)
            .order_by("visit__date")
            .values_list("visit__school_id", "item_code", "item_title", "visit_id", "visit__date")
        ):
            bad_items[school_id].append(f"{date:%m-%d} {code} {title}|{visit_id}")
        out: dict[int, IndicatorResult] = {}
        visit_url = evidence_url("visit_detail")
        text = _(
            "%(visits)s visits, %(rated)s items rated: %(good)s compliant, %(mostly)s mostly, %(bad)s non-compliant"
        )
        for row in rows:
            rated = row["good"] + row["mostly"] + row["bad"]
            if not rated:
                continue
            value = (row["good"] + 0.5 * row["mostly"]) / rated
            detail = text % {**row, "rated": rated}
            evidence = []
            for entry in bad_items.get(row["visit__school_id"], []):
                label, visit_id = entry.rsplit("|", 1)
                evidence.append(Evidence(label, visit_url(int(visit_id))))
            out[row["visit__school_id"]] = IndicatorResult(value, detail, evidence)
        not_visited = _("not visited this semester")
        for school_id in ids:
            if school_id not in out:
                out[school_id] = not_assessed(not_visited)
        return out


@indicator
class RectificationsOnTime(Indicator):
    key = "rectifications_on_time"
    verbose_name = gettext_lazy("Rectifications closed on time")
    description = gettext_lazy("Share of the demands due this semester that were accepted by their deadline.")
    default_weight = 20

    def available(self, semester: Semester) -> bool:
        return Visit.objects.filter(date__gte=semester.start_date, date__lte=semester.end_date).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        until = _until(semester)
        due = Rectification.objects.filter(school_id__in=ids, deadline__gte=semester.start_date, deadline__lte=until)
        out: dict[int, IndicatorResult] = {}
        late: dict[int, list[Rectification]] = defaultdict(list)
        totals: Counter[int] = Counter()
        on_time: Counter[int] = Counter()
        for r in due.only("pk", "school_id", "title", "deadline", "status", "closed_at"):
            if r.school_id is None:  # filtered on school_id__in: never, but the column is nullable
                continue
            totals[r.school_id] += 1
            # The bureau's day, not UTC's: a demand closed at 07:30 in Beijing
            # is closed on that Beijing day.
            closed = timezone.localdate(r.closed_at) if r.closed_at else None
            # rule: see supervision.rectifications.models (overdue / closed by the deadline)
            if r.status == RectificationStatus.ACCEPTED and closed is not None and closed <= r.deadline:
                on_time[r.school_id] += 1
            else:
                late[r.school_id].append(r)
        rectification_url = evidence_url("rectification_detail")
        none_due = _("no rectification was due")
        text = _("%(ok)s of %(n)s demands closed by their deadline")
        for school_id in ids:
            if not totals[school_id]:
                out[school_id] = not_assessed(none_due)
                continue
            out[school_id] = IndicatorResult(
                on_time[school_id] / totals[school_id],
                text % {"ok": on_time[school_id], "n": totals[school_id]},
                [Evidence(f"{r.deadline:%m-%d} {r.title}", rectification_url(r.pk)) for r in late[school_id]],
            )
        return out


def _listed_findings(semester: Semester, school_ids: Iterable[int], params: dict[str, Any]) -> Any:
    """Non-compliant results of the listed items (params {"items": ["5.1",
    "2.2"]}) on the semester's visits."""
    codes = [str(c) for c in params.get("items", [])]
    return (
        _results(semester, school_ids)
        .filter(result=ItemResult.NON_COMPLIANT, item_code__in=codes)
        .order_by("visit__date", "pk")
    )


def _finding_text(date: datetime.date, code: str, title: str) -> str:
    return _("visit of %(date)s: %(code)s %(title)s non-compliant") % {
        "date": f"{date:%Y-%m-%d}",
        "code": code,
        "title": title,
    }


def pending_visit_items(semester: Semester, school_ids: Iterable[int], params: dict[str, Any]) -> dict[int, str]:
    """Listed items found non-compliant that bureau staff have not decided
    on yet: a pending veto, shown in drafts and never applied."""
    found: dict[int, str] = {}
    for school_id, code, title, date in (
        _listed_findings(semester, school_ids, params)
        .filter(veto_confirmation=None)
        .values_list("visit__school_id", "item_code", "item_title", "visit__date")
    ):
        found.setdefault(school_id, _finding_text(date, code, title))
    return found


@veto_kind(
    "visit_item_non_compliant",
    gettext_lazy("A visit found a listed item non-compliant (after the bureau confirms it)"),
    pending=pending_visit_items,
)
def veto_visit_items(semester: Semester, school_ids: Iterable[int], params: dict[str, Any]) -> dict[int, str]:
    """A listed item found non-compliant on a visit of the semester vetoes
    the school once bureau staff confirmed it (with reason and date); a
    supervisor's mark alone does not, and a withdrawn confirmation no longer
    does."""
    found: dict[int, str] = {}
    for school_id, code, title, date, reason, day in (
        _listed_findings(semester, school_ids, params)
        .filter(veto_confirmation__state=VetoDecisionState.CONFIRMED)
        .values_list(
            "visit__school_id",
            "item_code",
            "item_title",
            "visit__date",
            "veto_confirmation__reason",
            "veto_confirmation__decided_on",
        )
    ):
        found.setdefault(
            school_id,
            _("%(finding)s; confirmed by the bureau on %(day)s: %(reason)s")
            % {"finding": _finding_text(date, code, title), "day": f"{day:%Y-%m-%d}", "reason": reason},
        )
    return found


@notice_section(10)
def visits_section(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    visits = Visit.objects.filter(date__gte=semester.start_date, date__lte=semester.end_date)
    count = visits.count()
    if not count:
        return None
    coverage = coverage_by_district(start=semester.start_date, end=semester.end_date, unvisited_of=())
    schools_visited = visits.values("school_id").distinct().count()
    months = [f"{m:%Y-%m}" for m in coverage.months]
    rates = [c.share or 0 for c in coverage.totals]
    problems = (
        _results(semester)
        .filter(result=ItemResult.NON_COMPLIANT)
        .values("item_code", "item_title")
        .annotate(n=Count("pk"), schools=Count("visit__school", distinct=True))
        .order_by("-n", "item_code")[:8]
    )
    open_demands = Rectification.objects.not_closed().count()
    overdue = Rectification.objects.overdue().count()
    top = list(problems)
    summary = _("%(visits)s visits were made to %(schools)s schools; monthly coverage averaged %(rate)s%%.") % {
        "visits": count,
        "schools": schools_visited,
        "rate": round(100 * sum(rates) / len(rates)) if rates else 0,
    }
    # Every item at the top count is named: naming one of several tied items
    # (by its code's order) told the bureau it stood out when it did not.
    tied = [p["item_title"] for p in top if p["n"] == top[0]["n"]] if top else []
    if len(tied) == 1:
        summary += " " + _("The most frequent problem: %(item)s (%(n)s times).") % {"item": tied[0], "n": top[0]["n"]}
    elif tied:
        summary += " " + _("The most frequent problems, %(n)s times each: %(items)s.") % {
            "items": "、".join(tied),
            "n": top[0]["n"],
        }
    return Section(
        title=_("Inspection visits"),
        summary=summary,
        paragraphs=[
            summary,
            _("Rectification demands still open: %(open)s, of which overdue: %(overdue)s.")
            % {"open": open_demands, "overdue": overdue},
        ],
        charts=[
            bar_chart(
                months,
                [Series(_("Schools visited"), rates)],
                title=_("Monthly visit coverage"),
                percent=True,
                max_value=1,
            )
        ],
        tables=[
            Table(
                headers=[_("District"), *months],
                rows=[
                    [r.district.name] + [f"{c.percent}%" if c.percent is not None else "—" for c in r.cells]
                    for r in coverage.rows
                ],
            ),
            Table(
                headers=[_("code"), _("Problem"), _("Times found"), _("Schools")],
                rows=[[p["item_code"], p["item_title"], p["n"], p["schools"]] for p in top],
                numeric={2, 3},
            ),
        ],
    )


@ranking_sheet(10)
def coverage_sheet(params: dict[str, Any], run: ScoreRun) -> Sheet:
    semester = run.scheme.semester
    coverage = coverage_by_district(start=semester.start_date, end=semester.end_date, unvisited_of=())
    return Sheet(
        title=_("District visit coverage"),
        columns=[Column(_("District"), 16)] + [Column(f"{m:%Y-%m}", 10, "0%") for m in coverage.months],
        rows=[[r.district.name] + [c.share for c in r.cells] for r in coverage.rows]
        + [[_("All districts")] + [c.share for c in coverage.totals]],
    )


@ranking_sheet(30)
def open_rectifications_sheet(params: dict[str, Any], run: ScoreRun) -> Sheet:
    today = timezone.localdate()
    rows = (
        Rectification.objects.not_closed()
        .select_related("school")
        .order_by("deadline", "school__code")
        .values_list("school__code", "school__name", "title", "deadline", "status")
    )
    labels = dict(RectificationStatus.choices)
    return Sheet(
        title=_("Open rectifications"),
        columns=[
            Column(_("national school code"), 13),
            Column(_("School"), 26),
            Column(_("Demand"), 40),
            Column(_("deadline"), 12),
            Column(_("status"), 16),
            Column(_("Days overdue"), 10),
        ],
        rows=(
            [code, name, title, deadline, str(labels.get(status, status)), max(0, (today - deadline).days)]
            for code, name, title, deadline, status in rows.iterator()
        ),
    )


@dashboard_panel(10)
def coverage_panel(user: Any, semester: Semester) -> Panel | None:
    if user.is_principal:
        return None
    # A supervisor's districts are chosen before counting: the city's other
    # districts are never read for their panel.
    district_ids = None if user.is_bureau else list(districts_visible_to(user).values_list("pk", flat=True))
    if district_ids == []:
        return None
    coverage = coverage_by_district(
        start=semester.start_date, end=semester.end_date, district_ids=district_ids, unvisited_of=()
    )
    rows = coverage.rows
    if not rows:
        return None
    months = [f"{m:%Y-%m}" for m in coverage.months]
    return Panel(
        key="coverage",
        title=_("Visit coverage by district and month"),
        option=bar_option(
            [r.district.name for r in rows],
            {month: [r.cells[i].percent or 0 for r in rows] for i, month in enumerate(months)},
            percent=True,
        ),
    )
