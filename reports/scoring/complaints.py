"""What complaint cases bring to scores, vetoes, the notice, the ranking
workbook and the dashboard."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from jianfu.xlsx import Column, Sheet
from reports.dashboard.panels import Panel, bar_option
from reports.exports.notice import Section, Table
from reports.models import ScoreRun
from reports.registry import dashboard_panel, indicator, notice_section, ranking_sheet, veto_kind
from reports.scoring.indicators import Evidence, Indicator, IndicatorResult, evidence_url, not_assessed
from schools.models import Semester
from supervision.complaints.models import SUBSTANTIATED_OUTCOMES, ComplaintCase, ComplaintOutcome
from supervision.complaints.selectors import complaints_visible_to
from supervision.models import Liability


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of ``day`` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _cases(semester: Semester, cases: Any = None) -> Any:
    # School cases only: cases about training institutions have their own
    # section (supervision.institutions.report_sections).
    # The semester's local days as a range of instants: the same cases as
    # received_at__date between the two days, but a range the planner can
    # estimate and an index can read (the date of each case, computed in the
    # local time zone, is neither: a semester of a city's 34,000 cases was
    # estimated at 125 and sorted instead of hashed).
    return (ComplaintCase.objects.all() if cases is None else cases).filter(
        school__isnull=False,
        received_at__gte=_day_start(semester.start_date),
        received_at__lt=_day_start(semester.end_date + datetime.timedelta(days=1)),
    )


@indicator
class SubstantiatedComplaints(Indicator):
    key = "complaints_substantiated"
    verbose_name = gettext_lazy("No substantiated complaints")
    description = gettext_lazy(
        "Each substantiated complaint with school liability costs its category's weight (a partly substantiated "
        "one half of it), as a share of the parameter 'limit' (default 3). A case of an individual's liability "
        "counts for that person's accountability and costs the school only the share 'individual_weight' "
        "(default 0). A school without complaints in the semester is not assessed."
    )
    default_weight = 20
    evidence_for_schools = False  # case numbers and categories are complaint details

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        limit = Decimal(str(params.get("limit", 3)))
        individual_weight = Decimal(str(params.get("individual_weight", 0)))
        received = set(_cases(semester).filter(school_id__in=ids).values_list("school_id", flat=True).distinct())
        lost: dict[int, Decimal] = defaultdict(Decimal)
        counts: dict[int, dict[str, int]] = defaultdict(lambda: {"school": 0, "individual": 0})
        cases: dict[int, list[Evidence]] = defaultdict(list)
        case_url = evidence_url("complaints:staff_detail")
        for pk, school_id, number, category, weight, outcome, liability in (
            ComplaintCase.objects.filter(
                outcome__in=SUBSTANTIATED_OUTCOMES,
                concluded_at__date__gte=semester.start_date,
                concluded_at__date__lte=semester.end_date,
                school_id__in=ids,
            )
            .order_by("concluded_at")
            .values_list("pk", "school_id", "number", "category__name", "category__weight", "outcome", "liability")
        ):
            received.add(school_id)
            share = Decimal(1) if outcome == ComplaintOutcome.SUBSTANTIATED else Decimal("0.5")
            if liability == Liability.INDIVIDUAL:
                counts[school_id]["individual"] += 1
                lost[school_id] += Decimal(weight) * share * individual_weight
                label = _("%(case)s (individual liability)") % {"case": f"{number} {category}"}
            elif liability == Liability.NONE:
                continue
            else:
                counts[school_id]["school"] += 1
                lost[school_id] += Decimal(weight) * share
                label = f"{number} {category}"
            cases[school_id].append(Evidence(label, case_url(pk)))
        out = {}
        no_complaint = _("no complaint this semester")
        text = _(
            "substantiated with school liability: %(school)s; with an individual's liability "
            "(for accountability): %(individual)s"
        )
        for school_id in ids:
            if school_id not in received:
                out[school_id] = not_assessed(no_complaint)
                continue
            value = max(Decimal(0), 1 - lost[school_id] / limit) if limit > 0 else Decimal(0)
            out[school_id] = IndicatorResult(float(value), text % counts[school_id], cases[school_id])
        return out


@veto_kind(
    "complaint_category_substantiated",
    gettext_lazy("A substantiated complaint of a listed category, with school liability"),
)
def veto_complaints(semester: Semester, school_ids: Iterable[int], params: dict[str, Any]) -> dict[int, str]:
    """params: {"categories": ["教师有偿补课", ...]} — category names whose
    (fully) substantiated case in the semester vetoes the school, when the
    school is liable (学校责任). An individual's act (个人行为) makes that
    person accountable, never vetoes the school."""
    names = [str(n) for n in params.get("categories", [])]
    if not names:
        return {}
    found: dict[int, str] = {}
    for school_id, category, concluded in (
        ComplaintCase.objects.filter(
            outcome=ComplaintOutcome.SUBSTANTIATED,
            liability=Liability.WHOLE_SCHOOL,
            category__name__in=names,
            concluded_at__date__gte=semester.start_date,
            concluded_at__date__lte=semester.end_date,
            school_id__in=list(school_ids),
        )
        .order_by("concluded_at")
        .values_list("school_id", "category__name", "concluded_at")
    ):
        # The reason is read by the school in its explanation and by every
        # school in the notice: no case number (a complaint detail). Bureau
        # staff find the case among the complaints indicator's records.
        found.setdefault(
            school_id,
            _("a complaint about %(category)s substantiated, school liable (concluded %(day)s)")
            % {"category": category, "day": f"{timezone.localdate(concluded):%Y-%m-%d}"},
        )
    return found


def _by_category(semester: Semester) -> list[dict[str, Any]]:
    return list(
        _cases(semester)
        .values("category__name")
        .annotate(n=Count("pk"), substantiated=Count("pk", filter=Q(outcome__in=SUBSTANTIATED_OUTCOMES)))
        .order_by("-n", "category__name")
    )


@notice_section(20)
def complaints_section(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    rows = _by_category(semester)
    if not rows:
        return None
    received = sum(r["n"] for r in rows)
    substantiated = sum(r["substantiated"] for r in rows)
    summary = _("%(received)s complaints were received, %(substantiated)s of them (partly) substantiated.") % {
        "received": received,
        "substantiated": substantiated,
    }
    if rows:
        summary += " " + _("Most frequent: %(category)s (%(n)s).") % {
            "category": rows[0]["category__name"],
            "n": rows[0]["n"],
        }
    return Section(
        title=_("Complaints"),
        summary=summary,
        paragraphs=[summary],
        tables=[
            Table(
                headers=[_("Category"), pgettext("complaint count", "Received"), _("Substantiated")],
                rows=[[r["category__name"], r["n"], r["substantiated"]] for r in rows],
                numeric={1, 2},
            )
        ],
    )


@ranking_sheet(20)
def complaints_sheet(params: dict[str, Any], run: ScoreRun) -> Sheet:
    semester = run.scheme.semester
    per_school = (
        _cases(semester)
        .values("school__code", "school__name")
        .annotate(
            n=Count("pk"),
            substantiated=Count("pk", filter=Q(outcome=ComplaintOutcome.SUBSTANTIATED)),
            partly=Count("pk", filter=Q(outcome=ComplaintOutcome.PARTLY)),
        )
        .order_by("-n", "school__code")
    )
    return Sheet(
        title=_("Complaints summary"),
        columns=[
            Column(_("national school code"), 13),
            Column(_("School"), 26),
            Column(pgettext("complaint count", "Received"), 10),
            Column(_("Substantiated"), 10),
            Column(_("Partly substantiated"), 10),
        ],
        rows=[[r["school__code"], r["school__name"], r["n"], r["substantiated"], r["partly"]] for r in per_school],
    )


@dashboard_panel(20)
def complaints_panel(user: Any, semester: Semester) -> Panel | None:
    if user.is_principal:
        return None  # a school never sees complaint statistics (they would point at complainants)
    # The cases the user may see (the one rule: complaints_visible_to): all
    # of them for bureau staff, a supervisor's own assigned cases.
    qs = _cases(semester, complaints_visible_to(user=user))
    rows = list(qs.annotate(month=TruncMonth("received_at")).values("month", "category__name").annotate(n=Count("pk")))
    if not rows:
        return None
    months = sorted({r["month"].strftime("%Y-%m") for r in rows})
    categories = sorted({r["category__name"] for r in rows})
    grid = {(r["month"].strftime("%Y-%m"), r["category__name"]): r["n"] for r in rows}
    option = bar_option(months, {c: [grid.get((m, c), 0) for m in months] for c in categories})
    for series in option["series"]:
        series["stack"] = "total"
    return Panel(key="complaints", title=_("Complaints by category and month"), option=option, height=360)
