"""Bureau staff request the semester notice, watch the progress bar reach the
end, and download the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.models import ReportJob, ScoringScheme
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SemesterFactory
from tests.reports.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_notice_watch_progress_and_download(world, worker_if_available, new_page) -> None:  # type: ignore[no-untyped-def]
    from reports.scoring.engine import scores_compute

    run = scores_compute(scheme=ScoringScheme.objects.create(semester=SemesterFactory()))  # the current semester
    publish(run)  # the notice reads the published run by default
    page = new_page()
    sign_in(page, world.bureau.username, PASSWORD)
    page.goto("/reports/")
    form = page.get_by_test_id("request-semester_notice_pdf")
    form.locator("input[name$=document_number]").fill("示教督〔2026〕9号")
    form.get_by_role("button").click()
    page.wait_for_url("**/reports/jobs/*/")
    bar = page.get_by_test_id("progress-bar")
    download_button = page.get_by_test_id("download")
    download_button.wait_for(state="visible", timeout=90_000)
    assert bar.inner_text() == "100%"
    assert page.get_by_test_id("job-status").inner_text() == "已完成"
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("学期通报") and download.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    assert "示教督〔2026〕9号" in text and "减负工作督查情况的通报" in text
    assert ReportJob.objects.get().attempts == 1
