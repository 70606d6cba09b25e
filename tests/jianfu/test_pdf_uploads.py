"""PDF uploads are written anew without active content (scripts, automatic
actions, launching programs, embedded files, rich media, XFA forms) at every
upload point: the stored bytes hold none of it, and the pages survive."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from jianfu.uploads import _walk, pdf_without_active_content
from tests.jianfu.hostile_files import ACTIVE_PDFS, MARKER, pdf_everything, pdf_with_every_active_content

pytestmark = pytest.mark.django_db


def assert_clean(stored: bytes) -> None:
    assert MARKER.encode() not in stored
    assert MARKER not in pdf_everything(stored)
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 2
    assert not _walk(reader.trailer, strip=False)
    for name in (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA", b"/AA"):
        assert name not in stored


@pytest.mark.parametrize("case", list(ACTIVE_PDFS))
def test_active_content_is_removed_and_the_pages_kept(case) -> None:  # type: ignore[no-untyped-def]
    hostile = ACTIVE_PDFS[case]()
    assert MARKER in pdf_everything(hostile)  # the test file does carry it
    assert_clean(pdf_without_active_content(hostile))


def test_a_pdf_too_tangled_to_walk_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    from jianfu import uploads

    monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS", 2)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        pdf_without_active_content(ACTIVE_PDFS["reached-from-a-page"]())
    assert exc.value.code == "pdf_active" and "脚本" in exc.value.messages[0]


def _hostile_upload(name: str = "扫描件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_with_every_active_content(), content_type="application/pdf")


def test_pledge_scan(world) -> None:  # type: ignore[no-untyped-def]
    from schools.pledges.services import pledge_attach_scan
    from tests.schools.test_pledges import publish, sign

    pledge = sign(world, publish(world))
    pledge_attach_scan(pledge=pledge, upload=_hostile_upload(), by=world.principal_a)
    pledge.refresh_from_db()
    assert_clean(pledge.scan.read())


def test_selfcheck_evidence(world) -> None:  # type: ignore[no-untyped-def]
    from schools.selfchecks.services import selfcheck_add_evidence, selfcheck_start
    from tests.schools.filing_factories import SelfCheckRoundFactory

    round_ = SelfCheckRoundFactory(schools=[world.school_a])
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    evidence = selfcheck_add_evidence(
        selfcheck=selfcheck, item=round_.items.first(), upload=_hostile_upload(), by=world.principal_a
    )
    assert_clean(evidence.file.read())


def test_complaint_attachment(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.complaints.files import prepare_upload

    prepared = prepare_upload(_hostile_upload("收据.pdf"))
    assert_clean(prepared.content.read())


def test_rectification_evidence(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.rectifications.services import rectification_answer
    from tests.supervision.test_rectification_states import demand

    answer = rectification_answer(
        rectification=demand(world), by=world.principal_a, plan="已整改", evidence=[_hostile_upload()]
    )
    assert_clean(answer.evidence.get().file.read())


def test_rectification_evidence_that_is_not_a_pdf_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    """Evidence was checked by its signature alone; a file that only starts
    like a PDF is now refused."""
    from supervision.errors import SupervisionError
    from supervision.rectifications.services import rectification_answer
    from tests.supervision.test_rectification_states import demand

    junk = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(SupervisionError):
        rectification_answer(rectification=demand(world), by=world.principal_a, plan="已整改", evidence=[junk])
