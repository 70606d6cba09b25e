"""The contents of the semester notice (学期通报) and of the survey report to
the bureau's leadership.

Each feature contributes sections with a function registered by
``reports.registry.notice_section``; a section whose data does not exist returns None and is
left out. Sections hold plain data (text, tables, SVG charts): the two PDF
layouts decide how to show them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports import registry
from reports.dashboard.charts import Series, bar_chart
from reports.models import SchoolScore, ScoreRun
from reports.registry import notice_section
from reports.scoring.selectors import score_rank_order
from schools.models import Semester


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)  # column indexes to align right


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    summary: str = ""  # one sentence for the notice's opening summary


@dataclass
class NoticeData:
    bureau_name: str
    document_number: str
    semester: Semester
    run: ScoreRun
    sections: list[Section]
    ranking: list[SchoolScore]
    commended: list[SchoolScore]
    criticised: list[SchoolScore]


@notice_section(90)
def score_distribution(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    totals = list(run.scores.exclude(score=None).values_list("score", flat=True))
    if not totals:
        return None
    bands: Counter[int] = Counter()
    for score in totals:
        bands[min(int(float(score or 0) / 10), 9)] += 1
    labels = [f"{i * 10}-{i * 10 + 10}%" for i in range(10)]
    chart = bar_chart(labels, [Series(_("Schools"), [bands[i] for i in range(10)])], title=_("Score distribution"))
    excluded = "、".join(run.excluded) if run.excluded else ""
    paragraphs = [
        _("%(n)s schools were scored. Score rates are grouped by tens of percent below.") % {"n": len(totals)}
    ]
    if excluded:
        paragraphs.append(_("Indicators left out for lack of data: %(names)s.") % {"names": excluded})
    return Section(title=_("Scores"), paragraphs=paragraphs, charts=[chart])


def notice_data(*, semester: Semester, run: ScoreRun, params: dict[str, Any]) -> NoticeData:
    # The notice names schools and their scores, never the explanations: not
    # decoding every school's breakdown saves memory and time at city scale.
    scores = list(run.scores.select_related("school").defer("breakdown").order_by(*score_rank_order()))
    commend_n = int(params.get("commend") or 10)
    criticise_n = int(params.get("criticise") or 5)
    # Without any scored indicator every school has 0 of 0: nobody is
    # commended or named for a low score on that basis.
    ranked = [s for s in scores if not s.vetoed and s.score is not None]
    commended = [s for s in ranked[:commend_n] if s.score]
    # Criticised: every vetoed school, then the lowest scores not commended.
    vetoed = [s for s in scores if s.vetoed]
    low = [s for s in reversed(ranked) if s not in commended][:criticise_n]
    sections = [s for make in registry.notice_sections.values() if (s := make(semester, run, params)) is not None]
    return NoticeData(
        bureau_name=settings.BUREAU_NAME,
        document_number=params.get("document_number") or "",
        semester=semester,
        run=run,
        sections=sections,
        ranking=scores,
        commended=commended,
        criticised=vetoed + low,
    )
