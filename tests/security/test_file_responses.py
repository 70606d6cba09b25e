"""Every view of the portal that serves a file: ``nosniff`` always; a file
that is not an image downloads (``Content-Disposition: attachment``), an
image shown in pages may be inline. And no upload is reachable at a static
or media URL: uploads live only under MEDIA_ROOT, which is outside every
static directory and routed nowhere.

A new file-serving view belongs in ``file_urls``: the sweep in
``test_every_file_view_is_listed`` finds views that return files by name."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.jobs import services as report_services
from reports.models import ReportJob
from schools.models import SchoolPledge
from schools.selfchecks.models import SelfCheck, SelfCheckEvidence, SelfCheckItemResult
from supervision.complaints.models import ComplaintAttachment
from supervision.rectifications.models import RectificationAnswer, RectificationEvidence
from supervision.visits.models import VisitPhoto
from tests.schools.filing_factories import PledgeTextFactory, SelfCheckRoundFactory, checklist_items
from tests.supervision.complaint_factories import MP3_BYTES, file_case, pdf_bytes
from tests.supervision.factories import RectificationFactory, VisitFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

# Names of the views that answer with a file (the url names below cover each).
FILE_VIEWS = {
    "visit_photo",
    "rectification_evidence",
    "pledge_scan",
    "selfcheck_evidence",
    "complaints:attachment",
    "complaints:captcha",
    "reports:job_download",
    "reports:notice_download",
    "homework_template",
    "register_template",
    "register_export",
    "supervisor_photo",
    "institutions:export",
    "institutions:template",
    "surveys:public_captcha",
    "surveys:notice_pdf",
    "surveys:paper_template",
}


@dataclass
class FileUrl:
    name: str
    url: str
    who: str  # persona of ``world`` who may fetch it, or "anonymous"
    image: bool  # an image shown in pages (may be inline)


@pytest.fixture
def media(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT  # type: ignore[no-any-return]


def _jpeg() -> ContentFile[bytes]:
    return ContentFile(jpeg_bytes(gps=False), name="x.jpg")


def _pdf() -> ContentFile[bytes]:
    return ContentFile(pdf_bytes(), name="x.pdf")


def file_urls(world: Any, capture: Callable[..., Any]) -> list[FileUrl]:
    """One URL per kind of file each view serves, with who may fetch it."""
    a = world.school_a
    today = timezone.localdate()
    urls: list[FileUrl] = []

    visit = VisitFactory(school=a, submitted_by=world.supervisor_x, date=today)
    photo = VisitPhoto.objects.create(visit=visit, image=_jpeg(), thumbnail=_jpeg())
    for query, label in (("", "full"), ("?thumb=1", "thumb")):
        url = reverse("visit_photo", args=[visit.pk, photo.pk]) + query
        urls.append(FileUrl(f"visit_photo {label}", url, "bureau", True))

    rect = RectificationFactory(school=a, visit=visit, raised_by=world.supervisor_x)
    answer = RectificationAnswer.objects.create(rectification=rect, plan="整改方案", by=world.principal_a)
    for kind, content, image in (("image", _jpeg(), True), ("pdf", _pdf(), False)):
        evidence = RectificationEvidence.objects.create(answer=answer, file=content, kind=kind)
        url = reverse("rectification_evidence", args=[rect.pk, evidence.pk])
        urls.append(FileUrl(f"rectification_evidence {kind}", url, "principal_a", image))

    text = PledgeTextFactory()
    for content, content_type, image in ((_pdf(), "application/pdf", False), (_jpeg(), "image/jpeg", True)):
        SchoolPledge.objects.filter(school=a).delete()
        pledge = SchoolPledge.objects.create(
            school=a, school_year=text.school_year, text=text, signed_on=today, scan_content_type=content_type
        )
        pledge.scan.save(content.name, content, save=True)
        url = reverse("pledge_scan", args=[a.pk, pledge.pk])
        # The URL stays valid for the last pledge only: fetch it now.
        urls.append(FileUrl(f"pledge_scan {content_type}", url, "principal_a", image))
        capture(urls[-1])

    round_ = SelfCheckRoundFactory(schools=[a], closes_on=today + datetime.timedelta(days=3))
    selfcheck = SelfCheck.objects.create(round=round_, school=a)
    first_item = checklist_items(1)[0]
    item_result = SelfCheckItemResult.objects.create(
        selfcheck=selfcheck, item=first_item, item_code=first_item.code, item_title=first_item.title
    )
    for content, content_type, image in ((_pdf(), "application/pdf", False), (_jpeg(), "image/jpeg", True)):
        evidence = SelfCheckEvidence.objects.create(item_result=item_result, file=content, content_type=content_type)
        url = reverse("selfcheck_evidence", args=[a.pk, round_.pk, evidence.pk])
        urls.append(FileUrl(f"selfcheck_evidence {content_type}", url, "bureau", image))

    case = file_case(school=a, by=world.bureau).case
    for kind, content, content_type, recording, image in (
        ("image", _jpeg(), "image/jpeg", False, True),
        ("pdf", _pdf(), "application/pdf", False, False),
        ("audio", ContentFile(MP3_BYTES, name="x.mp3"), "audio/mpeg", True, False),
    ):
        attachment = ComplaintAttachment.objects.create(
            case=case, kind=kind, file=content, content_type=content_type, size=content.size, is_recording=recording
        )
        url = reverse("complaints:attachment", args=[attachment.pk])
        urls.append(FileUrl(f"complaints:attachment {kind}", url, "bureau", image))
    urls.append(FileUrl("complaints:captcha", reverse("complaints:captcha"), "anonymous", True))

    for kind in ("district_roster_xlsx", "supervisor_sign_roster_pdf"):
        job = ReportJob.objects.create(kind=kind, params={}, requested_by=world.bureau)
        assert report_services.job_run(job_id=job.pk)
        urls.append(
            FileUrl(f"reports:job_download {kind}", reverse("reports:job_download", args=[job.pk]), "bureau", False)
        )

    # An archived notice (通报) of a published run that scored school A.
    from reports.models import PublishedNotice, SchoolScore, ScoreRun, ScoringScheme
    from tests.factories import SemesterFactory

    run = ScoreRun.objects.create(scheme=ScoringScheme.objects.create(semester=SemesterFactory()))
    SchoolScore.objects.create(run=run, school=a, total=0, max_total=0, rank=1, rank_in_type=1)
    ScoreRun.objects.filter(pk=run.pk).update(status="published", document_number="示教督〔2026〕1号")
    notice = PublishedNotice(run=run, document_number="示教督〔2026〕1号", title="通报")
    notice.file.save("n.pdf", _pdf(), save=True)
    urls.append(
        FileUrl("reports:notice_download", reverse("reports:notice_download", args=[notice.pk]), "principal_a", False)
    )

    urls.append(FileUrl("homework_template", reverse("homework_template", args=[a.pk]), "principal_a", False))
    urls.append(FileUrl("register_template", reverse("register_template", args=["schools"]), "bureau", False))
    urls.append(FileUrl("register_export", reverse("register_export", args=["schools"]), "bureau", False))

    from tests.supervision.surveys.helpers import entry as survey_entry
    from tests.supervision.surveys.helpers import open_round as open_survey_round

    survey = open_survey_round(world, schools=[a])
    token = survey_entry(survey, a).token
    urls.append(FileUrl("surveys:public_captcha", reverse("surveys:public_captcha", args=[token]), "anonymous", True))
    urls.append(FileUrl("surveys:notice_pdf", reverse("surveys:notice_pdf", args=[survey.pk, a.pk]), "bureau", False))
    urls.append(FileUrl("surveys:paper_template", reverse("surveys:paper_template", args=[survey.pk]), "bureau", False))

    supervisor = world.supervisor_x.supervisor_profile
    supervisor.photo.save("p.jpg", _jpeg(), save=True)
    urls.append(FileUrl("supervisor_photo", reverse("supervisor_photo", args=[supervisor.pk]), "anonymous", True))
    urls.append(FileUrl("institutions:export", reverse("institutions:export"), "bureau", False))
    urls.append(FileUrl("institutions:template", reverse("institutions:template"), "bureau", False))
    return urls


def _client(world: Any, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


def _check(world: Any, entry: FileUrl) -> list[str]:
    response = _client(world, entry.who).get(entry.url)
    problems = []
    if response.status_code != 200:
        return [f"{entry.name}: status {response.status_code}"]
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{entry.name}: no nosniff")
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "")
    if entry.image:
        if not content_type.startswith("image/"):
            problems.append(f"{entry.name}: an image served as {content_type}")
        if disposition and not disposition.startswith(("inline", "attachment")):
            problems.append(f"{entry.name}: Content-Disposition {disposition!r}")
    elif not disposition.startswith("attachment"):
        problems.append(f"{entry.name}: {content_type} served with Content-Disposition {disposition!r}")
    if content_type.startswith(("text/html", "image/svg")):
        problems.append(f"{entry.name}: served as {content_type}")
    return problems


def test_every_file_view_sends_nosniff_and_downloads_what_is_not_an_image(world, media) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    seen: list[str] = []

    def capture(entry: FileUrl) -> None:
        seen.append(entry.name)
        problems.extend(_check(world, entry))

    for entry in file_urls(world, capture):
        if entry.name not in seen:
            seen.append(entry.name)
            problems.extend(_check(world, entry))
    assert problems == []
    assert {name.split(" ")[0] for name in seen} == FILE_VIEWS
    # Both kinds were tried wherever a view serves both.
    assert len(seen) == 24


def test_every_file_view_is_listed() -> None:
    """A view module that builds a FileResponse, or sets a download header,
    belongs to a URL name in FILE_VIEWS: count them so a new one is noticed."""
    root = Path(__file__).resolve().parents[2]
    serving = []
    for app in ("jianfu", "schools", "supervision", "reports"):
        for path in sorted((root / app).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            calls = text.count("FileResponse(") + text.count('response["Content-Disposition"]')
            calls += text.count('content_type="image/png"')
            if calls:
                serving.append((str(path.relative_to(root)), calls))
    # visit_photo, rectification evidence (2 branches), document_response
    # (pledge scans, self-check evidence), complaint attachments, the CAPTCHA,
    # report downloads, the homework template, register template and export
    # (one helper), supervisor photos, the institutions' export and template
    # (one helper).
    assert sorted(serving) == [
        ("jianfu/documents.py", 1),
        ("reports/jobs/views.py", 1),
        ("reports/scoring/views.py", 1),
        ("schools/homework/views.py", 1),
        ("schools/register/views.py", 2),
        ("supervision/complaints/captcha.py", 1),  # the picture of both CAPTCHA views
        ("supervision/complaints/views_assigned.py", 1),
        ("supervision/institutions/views.py", 1),
        ("supervision/rectifications/views.py", 3),
        ("supervision/surveys/views.py", 2),
        ("supervision/visits/views.py", 2),
    ], "a new file-serving view: add it to FILE_VIEWS and file_urls, then update this list"


def test_no_upload_is_reachable_under_static_or_media_urls(world, media, settings) -> None:  # type: ignore[no-untyped-def]
    file_urls(world, lambda entry: None)
    stored = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert len(stored) >= 12, stored  # every kind of upload is on disk
    # MEDIA_ROOT is no static directory, nor inside or around one.
    static_dirs = [Path(d).resolve() for d in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]
    root = Path(media).resolve()
    for static in static_dirs:
        assert not root.is_relative_to(static) and not static.is_relative_to(root), static
    clients = [Client(), _client(world, "bureau")]
    for name in stored:
        # collectstatic (what the proxy serves) could never pick it up.
        assert finders.find(name) is None, name
        for prefix in ("/static/", "/media/", settings.MEDIA_URL, "/uploads/", "/static/../media/"):
            for client in clients:
                response = client.get(prefix + name)
                assert response.status_code == 404, (prefix + name, response.status_code)


def test_static_files_are_not_served_with_debug_on_either(world, media, settings) -> None:  # type: ignore[no-untyped-def]
    # The development server serves /static/ from the static directories only
    # (django.contrib.staticfiles): a media file is not among them.
    from django.contrib.staticfiles.views import serve
    from django.http import Http404
    from django.test import RequestFactory

    settings.DEBUG = True
    file_urls(world, lambda entry: None)
    for path in media.rglob("*"):
        if path.is_file():
            name = path.relative_to(media).as_posix()
            with pytest.raises(Http404):
                serve(RequestFactory().get("/static/" + name), name)
