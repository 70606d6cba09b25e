"""Every URL of the portal, tried by every persona with the other school's
and the other district's objects: nothing leaks.

``FOREIGN`` builds, for each named URL with arguments, an address that points
at objects of school B (district Y). Principal A and supervisor X must get a
404 for each (the object does not exist for them), anonymous users a redirect
to sign-in or a 404, and no response may carry school B's name. A URL added
to the portal without an entry here fails ``test_every_url_is_swept``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from reports.models import ModelSchoolRound, PublishedNotice, ReportJob, SchoolScore, ScoreRun, ScoringScheme
from reports.scoring.engine import scores_compute
from schools.models import ImportBatch, ImportKind, SchoolClass, SchoolPledge
from schools.selfchecks.models import SelfCheck, SelfCheckEvidence, SelfCheckItemResult
from supervision.complaints.models import AssigneeKind, ComplaintAttachment
from supervision.complaints.models import ComplaintStatus as S
from supervision.models import ItemResult
from supervision.rectifications.models import RectificationAnswer, RectificationEvidence
from supervision.visits.models import VisitPhoto
from tests.factories import SemesterFactory
from tests.schools.filing_factories import PledgeTextFactory, SelfCheckRoundFactory, checklist_items
from tests.supervision.complaint_factories import case_in_status
from tests.supervision.factories import RectificationFactory, VisitFactory, VisitItemResultFactory, item
from tests.supervision.institutions.factories import make_institution
from tests.supervision.surveys.helpers import open_round as open_survey_round
from tests.supervision.surveys.helpers import submit as survey_submit


def survey_text_answer(survey_round: Any, school: Any) -> Any:
    from supervision.surveys.models import SurveyTextAnswer

    survey_submit(survey_round, school, text="作业太多")
    return SurveyTextAnswer.objects.get(round=survey_round)


pytestmark = pytest.mark.django_db

# URLs that take no object of a school, or are public by design.
PUBLIC = {
    "public_sign",
    "public_sign_poster",  # the same sign, printable with a QR code to the complaint form
    "supervisor_photo",
    "healthz",
    "login",
    "set_language",
    "service_worker",
    "homework_public",  # the published homework of a week (作业公示), no pupil data
    # The public complaint form: the form, its CAPTCHA, the receipt and the
    # status look-up (which takes the case number and query code by POST).
    "complaints:public_form",
    "complaints:captcha",
    "complaints:public_done",
    "complaints:public_status",
    # JSON of at most 20 active schools' names and codes, what the public sign pages show anyway.
    "complaints:school_search",
    # JSON of at most 20 names and ids of institutions on a public list, what the public lists show anyway.
    "complaints:institution_search",
    # The public white and black lists of training institutions and their
    # pages: published entries only (tests/supervision/institutions).
    "institutions:public_list",
    "institutions:public_detail",
    # Setting a password from a one-time link: the token is the permission.
    "accounts:link",
    "accounts:link_done",
    # The public survey form of a school's link (the token is the capability).
    "surveys:public_form",
    "surveys:public_done",
    "surveys:public_captcha",
}
NO_OBJECT = {
    "home",
    "logout",
    "twofactor_manage",
    "twofactor_verify",
    "twofactor_setup",
    "password_change",
    "password_change_done",
    "bureau_overview",
    "register_index",
    "pledge_overview",
    "pledge_remind",
    "pledge_texts",
    "selfcheck_rounds",
    "selfcheck_round_new",
    "supervisor_home",
    "reports:list",
    "reports:dashboard",
    "visit_list",
    "rectification_list",
    "bureau_coverage",
    "homework_compliance",
    "records_overview",
    "complaints:staff_list",
    "reports:scores",
    "reports:score_run_compute",
    "reports:veto_decisions",
    "reports:notices",
    "reports:modelschool_rounds",
    "reports:modelschool_round_create",
    "selfcheck_crosscheck",
    "complaints:staff_intake",
    "complaints:assigned_list",
    "institutions:staff_list",
    "institutions:new",
    "institutions:export",
    "institutions:template",
    "institutions:import",
    "institutions:import_confirm",
    "institutions:campaigns",
    "accounts:list",
    "accounts:create_staff",
    "accounts:create_principal",
    "accounts:create_missing_principals",
    "accounts:create_supervisor",
    "accounts:handover",
    "accounts:password_required",
    "surveys:rounds",
    "surveys:round_new",
}
BUREAU_ONLY_KINDS = {"register_template", "register_export", "register_import", "reports:request"}


def _named_urls() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[Any], prefix: str = "", ns: str | None = None) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/") or str(p.pattern).startswith("i18n/"):
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{ns}:{p.name}" if ns else p.name), prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns)


def foreign_objects(world: Any) -> dict[str, str]:
    """For each URL with arguments: an address of school B's object."""
    b = world.school_b
    today = timezone.localdate()
    visit = VisitFactory(school=b, submitted_by=world.supervisor_y, date=today)
    result = VisitItemResultFactory(visit=visit, item=item("4.1"), result=ItemResult.NON_COMPLIANT)
    photo = VisitPhoto.objects.create(visit=visit, image=ContentFile(b"\xff\xd8\xff", name="b.jpg"))
    rect = RectificationFactory(school=b, visit=visit, raised_by=world.supervisor_y)
    answer = RectificationAnswer.objects.create(rectification=rect, plan="整改方案", by=world.principal_b)
    evidence = RectificationEvidence.objects.create(
        answer=answer, file=ContentFile(b"%PDF-1.4", name="b.pdf"), kind="pdf"
    )
    text = PledgeTextFactory()
    pledge = SchoolPledge.objects.create(school=b, school_year=text.school_year, text=text, signed_on=today)
    pledge.scan.save("scan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    round_ = SelfCheckRoundFactory(schools=[b], closes_on=today + datetime.timedelta(days=3))
    selfcheck = SelfCheck.objects.create(round=round_, school=b)
    first_item = checklist_items(1)[0]
    item_result = SelfCheckItemResult.objects.create(
        selfcheck=selfcheck, item=first_item, item_code=first_item.code, item_title=first_item.title
    )
    sc_evidence = SelfCheckEvidence.objects.create(
        item_result=item_result, file=ContentFile(b"%PDF-1.4", name="e.pdf"), content_type="application/pdf"
    )
    job = ReportJob.objects.create(kind="district_roster_xlsx", requested_by=world.bureau)
    batch = ImportBatch.objects.create(kind=ImportKind.SCHOOLS, created_by=world.bureau)
    school_class = SchoolClass.objects.create(school=b, grade=1, number=1)
    score = scores_compute(scheme=ScoringScheme.objects.create(semester=SemesterFactory())).scores.get(school=b)
    # A published run that scored school B alone, with its archived notice.
    run_b = ScoreRun.objects.create(scheme=score.run.scheme)
    SchoolScore.objects.create(run=run_b, school=b, total=0, max_total=0, rank=1, rank_in_type=1)
    ScoreRun.objects.filter(pk=run_b.pk).update(status="published", document_number="示教督〔2026〕9号")
    notice = PublishedNotice(run=run_b, document_number="示教督〔2026〕9号", title="通报")
    notice.file.save("n.pdf", ContentFile(b"%PDF-1.4"), save=True)
    round_ = ModelSchoolRound.objects.create(school_year=score.run.scheme.semester.school_year, created_by=world.bureau)
    # A case about school B, assigned to school B for self-investigation, with a file.
    case = case_in_status(S.ASSIGNED, school=b, by=world.bureau, assign_to=AssigneeKind.SCHOOL)
    attachment = ComplaintAttachment.objects.create(
        case=case, kind="pdf", file=ContentFile(b"%PDF-1.4", name="c.pdf"), content_type="application/pdf", size=8
    )
    # Institutions are the bureau's: every staff page of one is a 404 for
    # the other personas.
    from supervision.institutions import services as inst

    institution = make_institution(world.bureau)
    entry = inst.list_entry_add(institution=institution, kind="white", by=world.bureau)
    campaign = inst.review_campaign_create(name="重新审核", started_on=today, by=world.bureau)
    inst.review_campaign_enrol(campaign=campaign, institutions=[institution], by=world.bureau)
    outcome = campaign.outcomes.get()
    survey = open_survey_round(world, schools=[b])
    survey_text = survey_text_answer(survey, b)
    builders: dict[str, Callable[[], str]] = {
        "institutions:detail": lambda: reverse("institutions:detail", args=[institution.pk]),
        "institutions:edit": lambda: reverse("institutions:edit", args=[institution.pk]),
        "institutions:fees": lambda: reverse("institutions:fees", args=[institution.pk]),
        "institutions:inspection": lambda: reverse("institutions:inspection", args=[institution.pk]),
        "institutions:transition": lambda: reverse("institutions:transition", args=[institution.pk, "cancel"]),
        "institutions:entry_add": lambda: reverse("institutions:entry_add", args=[institution.pk]),
        "institutions:entry_publish": lambda: reverse("institutions:entry_publish", args=[institution.pk, entry.pk]),
        "institutions:entry_remove": lambda: reverse("institutions:entry_remove", args=[institution.pk, entry.pk]),
        "institutions:campaign": lambda: reverse("institutions:campaign", args=[campaign.pk]),
        "institutions:campaign_enrol": lambda: reverse("institutions:campaign_enrol", args=[campaign.pk]),
        "institutions:campaign_close": lambda: reverse("institutions:campaign_close", args=[campaign.pk]),
        "institutions:campaign_outcome": lambda: reverse(
            "institutions:campaign_outcome", args=[campaign.pk, outcome.pk]
        ),
        "complaints:staff_detail": lambda: reverse("complaints:staff_detail", args=[case.pk]),
        "complaints:staff_reveal": lambda: reverse("complaints:staff_reveal", args=[case.pk]),
        "complaints:staff_action": lambda: reverse("complaints:staff_action", args=[case.pk, "accept"]),
        "complaints:assigned_detail": lambda: reverse("complaints:assigned_detail", args=[case.pk]),
        "complaints:assigned_action": lambda: reverse("complaints:assigned_action", args=[case.pk, "findings"]),
        "complaints:attachment": lambda: reverse("complaints:attachment", args=[attachment.pk]),
        "selfcheck_crosscheck_school": lambda: reverse("selfcheck_crosscheck_school", args=[b.pk]),
        "reports:score_detail": lambda: reverse("reports:score_detail", args=[score.pk]),
        "reports:score_run_publish": lambda: reverse("reports:score_run_publish", args=[score.run_id]),
        "reports:score_run_compare": lambda: reverse("reports:score_run_compare", args=[score.run_id]),
        "reports:veto_decide": lambda: reverse("reports:veto_decide", args=[result.pk]),
        "reports:notice_download": lambda: reverse("reports:notice_download", args=[notice.pk]),
        "reports:modelschool_round": lambda: reverse("reports:modelschool_round", args=[round_.pk]),
        "reports:modelschool_round_action": lambda: reverse(
            "reports:modelschool_round_action", args=[round_.pk, "decide"]
        ),
        "homework_week": lambda: reverse("homework_week", args=[b.pk]),
        "homework_day": lambda: reverse("homework_day", args=[b.pk, school_class.pk, today.isoformat()]),
        "homework_upload": lambda: reverse("homework_upload", args=[b.pk]),
        "homework_template": lambda: reverse("homework_template", args=[b.pk]),
        "homework_publish": lambda: reverse("homework_publish", args=[b.pk]),
        "afterschool_page": lambda: reverse("afterschool_page", args=[b.pk]),
        "afterschool_week": lambda: reverse("afterschool_week", args=[b.pk, today.isoformat()]),
        "five_management_page": lambda: reverse("five_management_page", args=[b.pk]),
        "school_detail": lambda: reverse("school_detail", args=[b.pk]),
        "school_pledge": lambda: reverse("school_pledge", args=[b.pk]),
        "pledge_scan": lambda: reverse("pledge_scan", args=[b.pk, pledge.pk]),
        "selfcheck_round_detail": lambda: reverse("selfcheck_round_detail", args=[round_.pk]),
        "school_selfchecks": lambda: reverse("school_selfchecks", args=[b.pk]),
        "selfcheck_page": lambda: reverse("selfcheck_page", args=[b.pk, round_.pk]),
        "selfcheck_review": lambda: reverse("selfcheck_review", args=[b.pk, round_.pk]),
        "selfcheck_evidence": lambda: reverse("selfcheck_evidence", args=[b.pk, round_.pk, sc_evidence.pk]),
        "visit_new": lambda: reverse("visit_new", args=[b.pk]),
        "visit_detail": lambda: reverse("visit_detail", args=[visit.pk]),
        "visit_amend": lambda: reverse("visit_amend", args=[visit.pk]),
        "visit_raise_demand": lambda: reverse("visit_raise_demand", args=[visit.pk, result.pk]),
        "visit_photo": lambda: reverse("visit_photo", args=[visit.pk, photo.pk]),
        "rectification_detail": lambda: reverse("rectification_detail", args=[rect.pk]),
        "rectification_answer": lambda: reverse("rectification_answer", args=[rect.pk]),
        "rectification_review": lambda: reverse("rectification_review", args=[rect.pk]),
        "rectification_evidence": lambda: reverse("rectification_evidence", args=[rect.pk, evidence.pk]),
        "reports:job": lambda: reverse("reports:job", args=[job.pk]),
        "reports:job_status": lambda: reverse("reports:job_status", args=[job.pk]),
        "reports:job_download": lambda: reverse("reports:job_download", args=[job.pk]),
        "register_import_batch": lambda: reverse("register_import_batch", args=[batch.pk]),
        "register_import_confirm": lambda: reverse("register_import_confirm", args=[batch.pk]),
        "register_import_cancel": lambda: reverse("register_import_cancel", args=[batch.pk]),
        "register_template": lambda: reverse("register_template", args=["schools"]),
        "register_export": lambda: reverse("register_export", args=["schools"]),
        "register_import": lambda: reverse("register_import", args=["schools"]),
        "reports:request": lambda: reverse("reports:request", args=["district_roster_xlsx"]),
        # School B's principal account.
        "accounts:detail": lambda: reverse("accounts:detail", args=[world.principal_b.pk]),
        "accounts:deactivate": lambda: reverse("accounts:deactivate", args=[world.principal_b.pk]),
        "accounts:activate": lambda: reverse("accounts:activate", args=[world.principal_b.pk]),
        "accounts:reset": lambda: reverse("accounts:reset", args=[world.principal_b.pk]),
        "surveys:questionnaire": lambda: reverse("surveys:questionnaire", args=[survey.questionnaire_id]),
        "surveys:round": lambda: reverse("surveys:round", args=[survey.pk]),
        "surveys:round_close": lambda: reverse("surveys:round_close", args=[survey.pk]),
        "surveys:links": lambda: reverse("surveys:links", args=[survey.pk]),
        "surveys:texts": lambda: reverse("surveys:texts", args=[survey.pk]),
        "surveys:text_redact": lambda: reverse("surveys:text_redact", args=[survey.pk, survey_text.pk]),
        "surveys:paper_import": lambda: reverse("surveys:paper_import", args=[survey.pk]),
        "surveys:paper_template": lambda: reverse("surveys:paper_template", args=[survey.pk]),
        "surveys:school": lambda: reverse("surveys:school", args=[survey.pk, b.pk]),
        "surveys:notice": lambda: reverse("surveys:notice", args=[survey.pk, b.pk]),
        "surveys:notice_pdf": lambda: reverse("surveys:notice_pdf", args=[survey.pk, b.pk]),
    }
    return {name: build() for name, build in builders.items()}


def test_every_url_is_swept(world) -> None:  # type: ignore[no-untyped-def]
    known = set(foreign_objects(world)) | PUBLIC | NO_OBJECT
    missing = sorted(name for name, _ in _named_urls() if name not in known)
    assert missing == [], f"add these URLs to the security sweep: {missing}"


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x", "anonymous"])
def test_outsiders_get_nothing_of_school_b(world, persona) -> None:  # type: ignore[no-untyped-def]
    client = _client(None if persona == "anonymous" else getattr(world, persona))
    leaks = []
    for name, url in foreign_objects(world).items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace") if not response.streaming else ""
            ok = (
                response.status_code == 404
                or (
                    persona == "anonymous"
                    and response.status_code == 302
                    and "/accounts/login/" in response["Location"]
                )
                or response.status_code == 405
            )
            if not ok or world.school_b.name in body:
                leaks.append((name, method, response.status_code))
    assert leaks == []


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_own_lists_never_name_school_b(world, persona) -> None:  # type: ignore[no-untyped-def]
    foreign_objects(world)
    client = _client(getattr(world, persona))
    for name in sorted(NO_OBJECT - {"logout", "pledge_remind"}):
        response = client.get(reverse(name))
        if response.status_code == 200 and not response.streaming:
            assert world.school_b.name not in response.content.decode(), name
