"""The institutions' contributions to the reports: a section of the semester
notice and of the leadership report, and a dashboard panel for bureau staff.
Registered through :mod:`reports.registry` (this module is one of its
``REGISTERING_MODULES``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from reports.dashboard.panels import Panel, bar_option
from reports.exports.notice import Section, Table
from reports.models import ScoreRun
from reports.registry import dashboard_panel, notice_section
from schools.models import Semester

from .selectors import institution_figures


@notice_section(50)
def institutions_section(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    figures = institution_figures()
    if not figures.registered:
        return None
    rows: list[list[Any]] = []
    paragraphs: list[str] = []
    summary = ""
    if figures.campaign is not None and figures.reduction is not None:
        r = figures.reduction
        summary = _(
            "The review campaign “%(campaign)s” reviewed %(reviewed)s subject-training institutions and cut "
            "%(cut)s of them, a reduction rate of %(rate)s."
        ) % {"campaign": figures.campaign.name, "reviewed": r.reviewed, "cut": r.cut, "rate": r.rate_text}
        paragraphs.append(summary)
        rows += [
            [_("Institutions reviewed"), r.reviewed],
            [_("Institutions cut (cancelled or converted)"), r.cut],
            [_("Reduction rate"), r.rate_text],
        ]
    rows += [
        [_("Institutions on the black list"), figures.black_listed],
        [_("Institutions on the white list"), figures.white_listed],
        [_("Open complaint cases about institutions"), figures.open_cases],
    ]
    paragraphs.append(
        _("%(black)s institutions are on the public black list; %(open)s complaint cases about institutions are open.")
        % {"black": figures.black_listed, "open": figures.open_cases}
    )
    return Section(
        title=_("Off-campus training institutions"),
        summary=summary,
        paragraphs=paragraphs,
        tables=[Table(headers=[_("Figure"), _("Value")], rows=rows, numeric={1})],
    )


@dashboard_panel(60)
def institutions_panel(user: Any, semester: Semester) -> Panel | None:
    """Bureau staff only: institutions are the bureau's business."""
    if not user.is_bureau:
        return None
    figures = institution_figures()
    if not figures.registered:
        return None
    r = figures.reduction
    labels = [_("Reviewed"), _("Cut"), _("Black-listed"), _("Open cases")]
    values = [r.reviewed if r else 0, r.cut if r else 0, figures.black_listed, figures.open_cases]
    note = (
        _("Reduction rate of “%(campaign)s”: %(rate)s.") % {"campaign": figures.campaign.name, "rate": r.rate_text}
        if figures.campaign is not None and r is not None
        else _("No review campaign yet.")
    )
    return Panel(
        key="institutions",
        title=_("Training institutions: reduction and open cases"),
        option=bar_option([str(x) for x in labels], {_("Institutions"): values}),
        note=note,
        extra={"rate": float(r.rate) if r and r.rate is not None else None, "open_cases": figures.open_cases},
    )
