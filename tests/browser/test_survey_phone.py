"""A parent on a phone opens the school's survey link, answers, and cannot
answer twice; the bureau closes the round; results show only for the school
past the threshold; the PDF report and the Excel figures come out of report
jobs."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.conftest import PHONE, sign_in
from tests.factories import PASSWORD, SemesterFactory
from tests.supervision.surveys.helpers import entry, make_junior, open_round, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_everything(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("select[name=grade]", "4")
    form = page.get_by_test_id("survey-form")
    for fieldset in form.locator("fieldset").all():
        number = fieldset.locator("input[type=number]")
        if number.count():
            number.fill("75" if fieldset.locator("legend").inner_text().find("作业") >= 0 else "8.5")
            continue
        choice = fieldset.locator("input[type=radio], input[type=checkbox]")
        if choice.count():
            choice.first.check()


def _download(page, identifier: str, round_pk: int, field: str = "round") -> bytes:  # type: ignore[no-untyped-def]
    page.goto("/reports/")
    form = page.get_by_test_id(f"request-{identifier}")
    form.locator(f"select[name$={field}]").select_option(str(round_pk))
    form.get_by_role("button").click()
    page.wait_for_url("**/reports/jobs/*/")
    button = page.get_by_test_id("download")
    button.wait_for(state="visible", timeout=90_000)
    with page.expect_download() as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_parent_answers_once_bureau_closes_results_and_reports(world, worker_if_available, new_page) -> None:  # type: ignore[no-untyped-def]
    make_junior(world.school_b)  # its parents answer for grade 8
    survey_round = open_round(world)
    for _ in range(9):
        submit(survey_round, world.school_a, minutes=80)
    for _ in range(3):
        submit(survey_round, world.school_b, grade=8, minutes=100)
    link = f"/s/{entry(survey_round, world.school_a).token}/"

    parent = new_page(PHONE)
    parent.goto(link)
    assert parent.get_by_test_id("survey-school").inner_text() == world.school_a.name
    # Nothing answered: a clear message, nothing stored.
    parent.get_by_test_id("submit").click()
    assert "请" in parent.get_by_test_id("refusal").inner_text()
    assert survey_round.responses.count() == 12
    _answer_everything(parent)
    parent.get_by_test_id("submit").click()
    assert parent.get_by_test_id("survey-message").get_attribute("data-kind") == "done"
    assert survey_round.responses.count() == 13
    # The same phone, again: refused.
    parent.goto(link)
    assert "已经填写过" in parent.get_by_test_id("survey-message").inner_text()
    assert parent.get_by_test_id("survey-form").count() == 0
    assert survey_round.responses.count() == 13

    bureau = new_page()
    sign_in(bureau, world.bureau.username, PASSWORD)
    bureau.goto(f"/surveys/{survey_round.pk}/")
    bureau.get_by_test_id("close-round").click()
    assert bureau.get_by_test_id("round-state").inner_text() == "已结束"
    table = bureau.get_by_test_id("school-results")
    row_a = table.locator(f"tr[data-school='{world.school_a.code}']")
    row_b = table.locator(f"tr[data-school='{world.school_b.code}']")
    assert row_a.get_attribute("data-enough") == "1" and "10" in row_a.inner_text()
    assert row_b.get_attribute("data-enough") == "0" and "答卷过少" in row_b.inner_text()
    # The districts' table drills down to one district's schools.
    bureau.get_by_test_id("district-results").get_by_role("link", name=world.district_x.name).click()
    rows = bureau.get_by_test_id("school-results").locator("tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-school") == world.school_a.code
    # The closed link refuses the next parent.
    late = new_page(PHONE)
    late.goto(link)
    assert "已结束" in late.get_by_test_id("survey-message").inner_text()

    pdf = _download(bureau, "survey_report_pdf", survey_round.pk)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert world.school_a.name in text and world.school_b.name not in text
    workbook = load_workbook(io.BytesIO(_download(bureau, "survey_aggregates_xlsx", survey_round.pk)), read_only=True)
    rows = {r[0]: r for r in workbook["学校"].iter_rows(values_only=True) if r and r[0]}
    assert rows[world.school_a.code][3] == 10 and rows[world.school_b.code][4] == "答卷过少"

    # The semester's report covers the closed round.
    semester = SemesterFactory(
        start_date=survey_round.opens_on - datetime.timedelta(days=30),
        end_date=survey_round.closes_on + datetime.timedelta(days=30),
    )
    pdf = _download(bureau, "survey_semester_pdf", semester.pk, field="semester")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert survey_round.name in text and world.school_a.name in text and world.school_b.name not in text
    workbook = load_workbook(
        io.BytesIO(_download(bureau, "survey_semester_xlsx", semester.pk, field="semester")), read_only=True
    )
    assert [
        r[4] for r in workbook["轮次"].iter_rows(values_only=True) if r and r[0] and survey_round.name in str(r[0])
    ] == [10]
