"""Bureau staff publish the semester's scores with the notice's number; the
principal sees the score and the notice then, and only then."""

from __future__ import annotations

import pytest

from reports.models import PublishedNotice, RunStatus, SchemeWeight, ScoreRun, ScoringScheme
from reports.scoring.engine import scores_compute
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SemesterFactory
from tests.supervision.complaint_factories import S, case_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_publishes_and_only_then_the_principal_sees(world, worker_if_available, new_page) -> None:  # type: ignore[no-untyped-def]
    scheme = ScoringScheme.objects.create(semester=SemesterFactory())  # the current semester
    SchemeWeight.objects.create(scheme=scheme, indicator="complaints_substantiated", weight=20)
    case_in_status(S.REPLIED, school=world.school_a, by=world.bureau)
    run = scores_compute(scheme=scheme, by=world.bureau)

    principal = new_page()
    sign_in(principal, world.principal_a.username, PASSWORD)
    principal.goto("/reports/scores/")
    assert "本学期的得分尚未发布" in principal.content()
    assert not principal.get_by_test_id("scores").count()
    principal.get_by_test_id("nav-notices").click()
    assert "尚无通报" in principal.get_by_test_id("notices").inner_text()

    bureau = new_page()
    sign_in(bureau, world.bureau.username, PASSWORD)
    bureau.goto("/reports/scores/")
    assert "草稿" in bureau.get_by_test_id("run-status").inner_text()
    form = bureau.get_by_test_id("publish-form")
    form.locator("input[name=document_number]").fill("示教督〔2026〕15号")
    form.get_by_test_id("publish").click()
    bureau.wait_for_load_state("networkidle")
    assert "已发布" in bureau.get_by_test_id("run-status").inner_text()
    assert ScoreRun.objects.get(pk=run.pk).status == RunStatus.PUBLISHED

    # The notice is archived by a task after the publication's commit.
    for _ in range(120):
        if PublishedNotice.objects.filter(run=run).exclude(file="").exists():
            break
        principal.wait_for_timeout(500)
    principal.goto("/reports/scores/")
    table = principal.get_by_test_id("scores")
    assert "甲小学" in table.inner_text() and "乙中学" not in table.inner_text()
    assert table.get_by_test_id("score").inner_text() == "100.00"
    principal.get_by_test_id("nav-notices").click()
    assert "示教督〔2026〕15号" in principal.get_by_test_id("notices").inner_text()
    with principal.expect_download() as info:
        principal.get_by_test_id("notice-download").click()
    assert info.value.suggested_filename == "示教督〔2026〕15号.pdf"
