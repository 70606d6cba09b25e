"""Runs are drafts until published with a document number; published runs
are frozen, corrected by a new run with a reason; principals and supervisors
see only published runs; the notice is archived and each school downloads
the notices that concern it (audited)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jianfu.models import AuditEvent
from reports.models import PublishedNotice, RunStatus, SchemeWeight, ScoreRun
from reports.scoring.engine import scores_compute
from reports.scoring.errors import ScoringError
from reports.scoring.selectors import score_run_compare
from reports.scoring.services import score_run_publish
from tests.factories import BureauUserFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(scheme, world):  # type: ignore[no-untyped-def]
    world.school_b.name = "乙中学"
    world.school_b.save()
    return scores_compute(scheme=scheme)


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_drafts_are_hidden_from_schools_and_supervisors(world, draft, persona) -> None:  # type: ignore[no-untyped-def]
    client = _client(getattr(world, persona))
    semester = draft.scheme.semester.pk
    page = client.get(reverse("reports:scores"), {"semester": semester, "run": draft.pk}).content.decode()
    assert "甲小学" not in page and "尚未发布" in page
    own = draft.scores.get(school=world.school_a)
    assert client.get(reverse("reports:score_detail", args=[own.pk])).status_code == 404


def test_bureau_sees_the_draft_marked_as_such(world, draft) -> None:  # type: ignore[no-untyped-def]
    page = (
        _client(world.bureau)
        .get(reverse("reports:scores"), {"semester": draft.scheme.semester.pk, "view": "ranking"})
        .content
    )
    html = page.decode()
    assert "甲小学" in html and "草稿" in html and 'data-testid="publish-form"' in html


def test_publish_needs_a_document_number_and_the_right(world, draft) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScoringError) as refused:
        score_run_publish(run=draft, document_number=" ", by=world.bureau)
    assert "文号" in " ".join(refused.value.messages)
    for user in (world.principal_a, BureauUserFactory(section="监察室")):
        with pytest.raises(ScoringError):
            score_run_publish(run=draft, document_number="示教督〔2026〕3号", by=user)
    response = _client(world.principal_a).post(
        reverse("reports:score_run_publish", args=[draft.pk]), {"document_number": "示教督〔2026〕3号"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == RunStatus.DRAFT


def test_publication_archives_the_notice_schools_then_see(world, draft, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    principal = _client(world.principal_a)
    assert "示教督" not in principal.get(reverse("reports:notices")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.bureau).post(
            reverse("reports:score_run_publish", args=[draft.pk]), {"document_number": "示教督〔2026〕3号"}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RunStatus.PUBLISHED and draft.published_by == world.bureau
    notice = PublishedNotice.objects.get(run=draft)
    assert notice.document_number == "示教督〔2026〕3号" and notice.file.name.endswith(".pdf")
    assert AuditEvent.objects.filter(object_type="reports.scorerun", action="transition", user=world.bureau).exists()
    listing = principal.get(reverse("reports:notices")).content.decode()
    assert "示教督〔2026〕3号" in listing
    download = principal.get(reverse("reports:notice_download", args=[notice.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_type="reports.publishednotice", action="export", user=world.principal_a)
    page = principal.get(reverse("reports:scores"), {"semester": draft.scheme.semester.pk}).content.decode()
    assert "甲小学" in page and "乙中学" not in page
    assert _client(None).get(reverse("reports:notice_download", args=[notice.pk])).status_code == 302


def test_published_run_is_frozen_and_corrected_with_a_reason(world, draft, scheme) -> None:  # type: ignore[no-untyped-def]
    score_run_publish(run=draft, document_number="示教督〔2026〕3号", by=world.bureau)
    with pytest.raises(ValueError):
        draft.scores.first().save()
    draft.weights = {"test_first": "1"}
    with pytest.raises(ValueError):
        draft.save()
    SchemeWeight.objects.filter(scheme=scheme, indicator="test_first").update(weight=10)
    correction = scores_compute(scheme=scheme)
    with pytest.raises(ScoringError) as refused:
        score_run_publish(run=correction, document_number="示教督〔2026〕4号", by=world.bureau)
    assert "更正" in " ".join(refused.value.messages)
    score_run_publish(run=correction, document_number="示教督〔2026〕4号", reason="权重录入有误", by=world.bureau)
    draft.refresh_from_db()
    correction.refresh_from_db()
    assert draft.status == RunStatus.SUPERSEDED and correction.supersedes == draft
    assert correction.correction_reason == "权重录入有误"
    assert ScoreRun.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED).get() == correction


def test_compare_a_draft_with_the_published_run(world, draft, scheme) -> None:  # type: ignore[no-untyped-def]
    score_run_publish(run=draft, document_number="示教督〔2026〕3号", by=world.bureau)
    SchoolFactory(name="丁小学")
    SchemeWeight.objects.filter(scheme=scheme, indicator="test_second").update(weight=200)
    new = scores_compute(scheme=scheme)
    moves = {m.school.name: m for m in score_run_compare(draft=new, published=draft)}
    assert moves["丁小学"].before is None
    assert any("测试指标二" in r for r in moves["甲小学"].reasons)
    html = _client(world.bureau).get(reverse("reports:score_run_compare", args=[new.pk])).content.decode()
    assert "丁小学" in html and "测试指标二" in html
    # The published run's column says 已发布, the score run's word, not 已公示.
    assert '<th class="text-end">已发布</th>' in html and "已公示" not in html
    assert _client(world.principal_a).get(reverse("reports:score_run_compare", args=[new.pk])).status_code == 404


def test_principal_never_sees_complaint_details_in_the_explanation(world, draft) -> None:  # type: ignore[no-untyped-def]
    from reports.models import SchoolScore

    score = draft.scores.get(school=world.school_a)
    breakdown = [*score.breakdown]
    breakdown[0] = {
        **breakdown[0],
        "evidence": [{"label": "TS2026-0001 有偿补课", "url": "/complaints/staff/1/"}],
        "evidence_private": True,
    }
    SchoolScore.objects.filter(pk=score.pk).update(breakdown=breakdown)
    score_run_publish(run=draft, document_number="示教督〔2026〕3号", by=world.bureau)
    principal = _client(world.principal_a).get(reverse("reports:score_detail", args=[score.pk])).content.decode()
    bureau = _client(world.bureau).get(reverse("reports:score_detail", args=[score.pk])).content.decode()
    assert "TS2026-0001" not in principal and "TS2026-0001" in bureau
    other = draft.scores.get(school=world.school_b)
    assert _client(world.principal_a).get(reverse("reports:score_detail", args=[other.pk])).status_code == 404


def test_sweep_archives_a_notice_whose_task_was_lost(world, draft) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    score_run_publish(run=draft, document_number="示教督〔2026〕3号", by=world.bureau)  # on-commit task never runs here
    assert not PublishedNotice.objects.exists()
    call_command("sweep_notices")
    assert PublishedNotice.objects.get().run == draft
    from reports.scoring.services import notices_sweep

    assert notices_sweep() == 0  # once only
