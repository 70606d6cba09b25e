"""Issue 5's real-browser test: a principal fills and submits a self-check
with an evidence file, bureau staff return it, the principal revises and
resubmits, bureau staff accept it and it is locked."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from schools.models import SelfCheck, SelfCheckAction, SelfCheckEvidence, SelfCheckStatus
from tests.browser.conftest import TABLET, sign_in
from tests.factories import PASSWORD
from tests.schools.filing_factories import SelfCheckRoundFactory, checklist_items, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_principal_submits_bureau_returns_principal_revises_bureau_accepts(world, new_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    items = checklist_items(2)
    round_ = SelfCheckRoundFactory(title="十一月减负自查", schools=[world.school_a], items=items)
    photo = tmp_path / "作业公示栏.jpg"
    photo.write_bytes(jpeg_bytes(with_gps=True, size=(640, 480)))
    page_path = f"/school/{world.school_a.pk}/selfchecks/{round_.pk}/"

    # The principal, on a tablet, finds the round and fills it in.
    principal = new_page(viewport=TABLET)
    sign_in(principal, world.principal_a.username, PASSWORD)
    principal.goto(f"/school/{world.school_a.pk}/selfchecks/")
    principal.get_by_test_id("school-rounds").get_by_text("十一月减负自查").click()
    principal.wait_for_load_state("networkidle")
    assert principal.url.endswith(page_path)
    first, second = items
    principal.click(f"label[for='item-{first.pk}-mostly']")
    principal.fill(f"#item-{first.pk}-explanation", "三年级个别班级书面作业超时，已约谈年级组")
    principal.set_input_files(f"#evidence-{first.pk}", str(photo))
    principal.click(f"label[for='item-{second.pk}-compliant']")
    principal.get_by_test_id("submit").click()
    principal.wait_for_load_state("networkidle")
    assert principal.get_by_test_id("status-badge").get_attribute("data-status") == "submitted"
    assert principal.get_by_test_id("selfcheck-form").count() == 0

    # Bureau staff return it with comments.
    bureau = new_page()
    sign_in(bureau, world.bureau.username, PASSWORD)
    bureau.goto("/bureau/selfchecks/")
    bureau.get_by_test_id("awaiting-review").get_by_text(world.school_a.name).click()
    bureau.wait_for_load_state("networkidle")
    evidence_img = bureau.get_by_test_id("evidence-list").locator("img")
    assert evidence_img.count() == 1
    assert evidence_img.evaluate("img => img.naturalWidth") > 0  # the image is served to the reviewer
    bureau.fill("#id_comment", "请补充课后作业时长统计表")
    bureau.get_by_test_id("return").click()
    bureau.wait_for_load_state("networkidle")
    assert bureau.get_by_test_id("status-badge").get_attribute("data-status") == "returned"

    # The principal sees the comments, revises and resubmits.
    principal.reload()
    assert "请补充课后作业时长统计表" in principal.get_by_test_id("return-comment").inner_text()
    principal.fill(f"#item-{first.pk}-explanation", "三年级个别班级书面作业超时，已约谈年级组，附作业时长统计")
    principal.get_by_test_id("submit").click()
    principal.wait_for_load_state("networkidle")
    assert principal.get_by_test_id("status-badge").get_attribute("data-status") == "submitted"

    # Bureau staff accept; the self-check is locked for the school.
    bureau.reload()
    bureau.get_by_test_id("accept").click()
    bureau.wait_for_load_state("networkidle")
    assert bureau.get_by_test_id("status-badge").get_attribute("data-status") == "accepted"
    principal.reload()
    assert principal.get_by_test_id("accepted-note").is_visible()
    assert principal.get_by_test_id("selfcheck-form").count() == 0

    selfcheck = SelfCheck.objects.get(round=round_, school=world.school_a)
    assert selfcheck.status == SelfCheckStatus.ACCEPTED
    assert list(selfcheck.events.order_by("at", "pk").values_list("action", flat=True)) == [
        SelfCheckAction.SUBMITTED,
        SelfCheckAction.RETURNED,
        SelfCheckAction.RESUBMITTED,
        SelfCheckAction.ACCEPTED,
    ]
    assert "附作业时长统计" in selfcheck.results.get(item=first).explanation
    evidence = SelfCheckEvidence.objects.get(item_result__selfcheck=selfcheck)
    assert evidence.original_name == "作业公示栏.jpg"
    with Image.open(io.BytesIO(evidence.file.read())) as stored:
        assert not stored.getexif().get_ifd(0x8825)  # no GPS left
