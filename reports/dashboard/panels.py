"""Dashboard panels: charts people would rather look at than read.

A panel is a title and an Apache ECharts option built on the server from
scoped data; the page hands it to the vendored ECharts as JSON. Features add
panels with ``reports.registry.dashboard_panel``; each panel sees only what the user may see
(bureau: the area; supervisor: their districts; principal: their school
against the area's average)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, IntegerField, Value
from django.db.models.functions import Floor, Least
from django.utils.translation import gettext as _

from reports import registry
from reports.dashboard.charts import palette
from reports.registry import dashboard_panel
from reports.scoring.selectors import score_run_for_page, scores_visible_in_run
from schools.models import Semester


@dataclass
class Panel:
    key: str
    title: str
    option: dict[str, Any]
    note: str = ""
    height: int = 320
    extra: dict[str, Any] = field(default_factory=dict)


def bar_option(
    categories: list[str], series: dict[str, list[Any]], *, percent: bool = False, horizontal: bool = False
) -> dict[str, Any]:
    value_axis: dict[str, Any] = {"type": "value"}
    if percent:
        value_axis.update({"max": 100, "axisLabel": {"formatter": "{value}%"}})
    category_axis = {
        "type": "category",
        "data": categories,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30},
    }
    many = len(series) > 1
    return {
        # One distinct colour per series, each readable on white.
        "color": palette(len(series)),
        "textStyle": {"color": "#212529"},
        "tooltip": {"trigger": "axis"},
        # A scrolling legend stays on one line above the grid, which starts
        # below it: the legend never overlaps the bars however many series.
        "legend": {"show": many, "type": "scroll", "top": 0, "left": 8, "right": 8, "textStyle": {"color": "#212529"}},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 44 if many else 16, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [{"name": name, "type": "bar", "data": values} for name, values in series.items()],
    }


@dashboard_panel(80)
def scores_panel(user: Any, semester: Semester) -> Panel | None:
    run = score_run_for_page(user=user, semester=semester)
    if run is None:
        return None
    if user.is_principal:
        own = run.scores.filter(school_id=user.school_id).exclude(score=None).values_list("score", "rank").first()
        if own is None:
            return None
        average = run.scores.aggregate(avg=Avg("score"))["avg"] or 0
        return Panel(
            key="scores",
            title=_("My school's score against the area's average"),
            option=bar_option(
                [_("My school"), _("Area average")], {_("score"): [float(own[0] or 0), round(float(average), 2)]}
            ),
            note=_("Rank %(rank)s of %(n)s.") % {"rank": own[1], "n": run.scores.exclude(rank=None).count()},
        )
    rows = list(
        scores_visible_in_run(run=run, user=user)
        .exclude(score=None)
        .order_by("rank")
        .values_list("school__name", "score")[:20]
    )
    if not rows:
        return None
    rows.reverse()
    return Panel(
        key="scores",
        title=_("Scores of the first 20 schools"),
        option=bar_option([r[0] for r in rows], {_("score"): [float(r[1] or 0) for r in rows]}, horizontal=True),
        height=max(320, 22 * len(rows) + 60),
    )


def panels_for(user: Any, semester: Semester) -> list[Panel]:
    return [p for make in registry.dashboard_panels.values() if (p := make(user, semester)) is not None]


@dashboard_panel(85)
def score_distribution_panel(user: Any, semester: Semester) -> Panel | None:
    if user.is_principal:
        return None
    run = score_run_for_page(user=user, semester=semester)
    if run is None:
        return None
    # Counted per band by the database: the page never reads every score.
    band = Least(Floor(F("score") / Value(10)), Value(9), output_field=IntegerField())
    counted = (
        scores_visible_in_run(run=run, user=user)
        .exclude(score=None)
        .annotate(band=band)
        .order_by()
        .values("band")
        .annotate(n=Count("pk"))
        .values_list("band", "n")
    )
    bands = [0] * 10
    for index, n in counted:
        bands[max(0, min(int(index), 9))] += n
    total = sum(bands)
    if not total:
        return None
    labels = [f"{i * 10}-{i * 10 + 10}%" for i in range(10)]
    return Panel(
        key="score_distribution",
        title=_("Score distribution"),
        option=bar_option(labels, {_("Schools"): bands}),
        note=_("Score as a share of the possible score; %(n)s schools.") % {"n": total},
    )
