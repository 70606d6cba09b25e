"""The dashboard draws its charts with the vendored ECharts under the strict
Content Security Policy (no inline script, no eval)."""

from __future__ import annotations

import pytest

from reports.models import SchemeWeight, ScoringScheme
from reports.scoring.engine import scores_compute
from tests.browser.conftest import TABLET, sign_in
from tests.factories import PASSWORD, SemesterFactory
from tests.supervision.complaint_factories import S, case_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_render_without_csp_violations(world, new_page) -> None:  # type: ignore[no-untyped-def]
    scheme = ScoringScheme.objects.create(semester=SemesterFactory())
    SchemeWeight.objects.create(scheme=scheme, indicator="complaints_substantiated", weight=20)
    case_in_status(S.REPLIED, school=world.school_a, by=world.bureau)  # something to score
    scores_compute(scheme=scheme)
    page = new_page(viewport=TABLET)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, world.bureau.username, PASSWORD)
    page.goto("/reports/dashboard/")
    chart = page.get_by_test_id("chart-scores")
    chart.locator("svg").first.wait_for()
    assert chart.get_attribute("data-rendered") == "1"
    assert errors == []
