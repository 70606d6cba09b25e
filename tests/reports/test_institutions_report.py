"""The institutions' figures in the semester notice, the leadership report
and the dashboard (bureau staff only)."""

from __future__ import annotations

import datetime

import pytest

from reports.dashboard.panels import panels_for
from reports.exports.base import get_exporter
from supervision.institutions import services
from supervision.models import ListKind, ReviewOutcomeKind
from tests.reports.test_notice import pdf_text
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):  # type: ignore[no-untyped-def]
    institutions = [make_institution(world.bureau) for _ in range(32)]
    campaign = services.review_campaign_create(
        name="学科类机构重新审核", started_on=datetime.date(2026, 3, 1), by=world.bureau
    )
    services.review_campaign_enrol(campaign=campaign, institutions=institutions, by=world.bureau)
    outcomes = [ReviewOutcomeKind.CANCEL] * 21 + [ReviewOutcomeKind.KEEP] * 11
    for institution, outcome in zip(institutions, outcomes, strict=True):
        services.review_outcome_record(campaign=campaign, institution=institution, outcome=outcome, by=world.bureau)
    black = services.list_entry_add(
        institution=institutions[0], kind=ListKind.BLACK, by=world.bureau, reason="注销后仍违规培训"
    )
    services.list_entry_publish(entry=black, by=world.bureau)
    return campaign


def test_notice_and_leadership_report_carry_the_figures(scheme, campaign) -> None:  # type: ignore[no-untyped-def]
    from reports.scoring.engine import scores_compute
    from tests.reports.conftest import publish

    publish(scores_compute(scheme=scheme))  # reports read the published run
    for kind in ("semester_notice_pdf", "leadership_report_pdf"):
        _, _, data = get_exporter(kind).render({"semester": scheme.semester.pk}, user=None)
        text = pdf_text(data)
        assert "校外培训机构" in text, kind
        assert "审核学科类培训机构32家，压减21家，压减率66%" in text, kind
        assert "公示黑名单机构1家" in text, kind


def test_dashboard_panel_for_bureau_staff_only(world, scheme, campaign) -> None:  # type: ignore[no-untyped-def]
    panels = {p.key: p for p in panels_for(world.bureau, scheme.semester)}
    panel = panels["institutions"]
    assert panel.extra == {"rate": 66.0, "open_cases": 0}
    assert panel.option["series"][0]["data"] == [32, 21, 1, 0]
    for user in (world.principal_a, world.supervisor_x):
        assert "institutions" not in {p.key for p in panels_for(user, scheme.semester)}
