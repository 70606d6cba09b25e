"""Self-check pages: scoping of every page and file (outsiders get 404), a
fixed number of queries on every list, and the school's form and the
bureau's review through HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import SelfCheck, SelfCheckEvidence, SelfCheckRound, SelfCheckStatus
from schools.selfchecks.services import (
    selfcheck_add_evidence,
    selfcheck_save_draft,
    selfcheck_start,
    selfcheck_submit,
)
from supervision.models import SupervisionItem
from tests.factories import PrincipalFactory, SchoolFactory
from tests.schools.filing_factories import SelfCheckRoundFactory, checklist_items, jpeg_upload, pdf_upload

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def round_(world) -> SelfCheckRound:  # type: ignore[no-untyped-def]
    return SelfCheckRoundFactory(schools=[world.school_a, world.school_b])


def filled(round_, principal, *, submit: bool = False, evidence: int = 1) -> SelfCheck:  # type: ignore[no-untyped-def]
    selfcheck = selfcheck_start(round=round_, school=principal.school, by=principal)
    items = list(round_.items.all())
    selfcheck_save_draft(selfcheck=selfcheck, answers={i.pk: ("compliant", "") for i in items}, by=principal)
    for _ in range(evidence):
        selfcheck_add_evidence(selfcheck=selfcheck, item=items[0], upload=jpeg_upload(), by=principal)
    if submit:
        selfcheck_submit(selfcheck=selfcheck, by=principal)
    return selfcheck


SCHOOL_A = [
    ("bureau", 200),
    ("principal_a", 200),
    ("principal_b", 404),
    ("supervisor_x", 404),
    ("supervisor_y", 404),
]


@pytest.mark.parametrize("name", ["selfcheck_rounds", "selfcheck_round_new", "selfcheck_round_detail"])
@pytest.mark.parametrize(
    ("persona", "status"), [("bureau", 200), ("principal_a", 404), ("supervisor_x", 404), (None, 302)]
)
def test_bureau_selfcheck_pages_scoped(world, round_, name, persona, status) -> None:  # type: ignore[no-untyped-def]
    args = [round_.pk] if name == "selfcheck_round_detail" else []
    client = login(getattr(world, persona)) if persona else Client()
    response = client.get(reverse(name, args=args))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("persona", "status"), [*SCHOOL_A, (None, 302)])
def test_school_selfcheck_pages_scoped(world, round_, persona, status) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a)
    evidence = SelfCheckEvidence.objects.get(item_result__selfcheck=selfcheck)
    client = login(getattr(world, persona)) if persona else Client()
    urls = [
        reverse("school_selfchecks", args=[world.school_a.pk]),
        reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]),
        reverse("selfcheck_evidence", args=[world.school_a.pk, round_.pk, evidence.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/accounts/login/" in response["Location"]


def test_evidence_headers(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a, evidence=0)
    item = round_.items.first()
    image = selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=jpeg_upload(), by=world.principal_a)
    pdf = selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=pdf_upload(), by=world.principal_a)
    client = login(world.bureau)
    response = client.get(reverse("selfcheck_evidence", args=[world.school_a.pk, round_.pk, image.pk]))
    assert response["Content-Type"] == "image/jpeg" and response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(reverse("selfcheck_evidence", args=[world.school_a.pk, round_.pk, pdf.pk]))
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")


def test_evidence_not_reachable_through_another_school_or_round(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a)
    evidence = SelfCheckEvidence.objects.get(item_result__selfcheck=selfcheck)
    other_round = SelfCheckRoundFactory(schools=[world.school_a, world.school_b])
    assert (
        login(world.principal_b)
        .get(reverse("selfcheck_evidence", args=[world.school_b.pk, round_.pk, evidence.pk]))
        .status_code
        == 404
    )
    assert (
        login(world.principal_a)
        .get(reverse("selfcheck_evidence", args=[world.school_a.pk, other_round.pk, evidence.pk]))
        .status_code
        == 404
    )


def test_round_of_other_schools_is_not_found_for_a_school(world) -> None:  # type: ignore[no-untyped-def]
    only_b = SelfCheckRoundFactory(schools=[world.school_b])
    response = login(world.principal_a).get(reverse("selfcheck_page", args=[world.school_a.pk, only_b.pk]))
    assert response.status_code == 404
    listed = login(world.principal_a).get(reverse("school_selfchecks", args=[world.school_a.pk])).context["rows"]
    assert listed == []


@pytest.mark.parametrize("persona", ["principal_a", "principal_b", "supervisor_x"])
def test_only_bureau_may_review(world, round_, persona) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a, submit=True)
    response = login(getattr(world, persona)).post(
        reverse("selfcheck_review", args=[world.school_a.pk, round_.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    selfcheck.refresh_from_db()
    assert selfcheck.status == SelfCheckStatus.SUBMITTED


def test_bureau_cannot_fill_a_school_selfcheck(world, round_) -> None:  # type: ignore[no-untyped-def]
    item = round_.items.first()
    response = login(world.bureau).post(
        reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]),
        {f"item-{item.pk}-result": "compliant", "action": "save"},
    )
    assert response.status_code == 404
    assert not SelfCheck.objects.exists()


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm the session and template caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_rounds_list_query_count_is_fixed(world, round_) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    filled(round_, world.principal_a, submit=True)
    url = reverse("selfcheck_rounds")
    before = count_queries(client, url)
    for _ in range(4):
        extra = SelfCheckRoundFactory(schools=[world.school_a, world.school_b, SchoolFactory()])
        filled(extra, world.principal_a, submit=True)
        filled(extra, world.principal_b, submit=True)
    assert count_queries(client, url) == before


def test_round_detail_query_count_is_fixed(world, round_) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    filled(round_, world.principal_a, submit=True)
    url = reverse("selfcheck_round_detail", args=[round_.pk])
    before = count_queries(client, url)
    for _ in range(5):
        school = SchoolFactory()
        round_.schools.add(school)
        filled(round_, PrincipalFactory(school=school), submit=True)
    assert count_queries(client, url) == before
    assert len(client.get(url).context["rows"]) == 7


def test_school_rounds_query_count_is_fixed(world, round_) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    filled(round_, world.principal_a)
    url = reverse("school_selfchecks", args=[world.school_a.pk])
    before = count_queries(client, url)
    for _ in range(4):
        filled(SelfCheckRoundFactory(schools=[world.school_a]), world.principal_a, submit=True)
    assert count_queries(client, url) == before


@pytest.mark.parametrize("persona", ["principal_a", "bureau"])
def test_selfcheck_page_query_count_is_fixed(world, persona) -> None:  # type: ignore[no-untyped-def]
    round_ = SelfCheckRoundFactory(schools=[world.school_a], items=checklist_items(2))
    filled(round_, world.principal_a, evidence=1, submit=persona == "bureau")
    client = login(getattr(world, persona))
    url = reverse("selfcheck_page", args=[world.school_a.pk, round_.pk])
    before = count_queries(client, url)
    # More items, more answers, more evidence on several items.
    bigger = SelfCheckRoundFactory(schools=[world.school_a], items=checklist_items(12))
    selfcheck = filled(bigger, world.principal_a, evidence=3, submit=False)
    for item in list(bigger.items.all())[1:4]:
        selfcheck_add_evidence(selfcheck=selfcheck, item=item, upload=pdf_upload(), by=world.principal_a)
    if persona == "bureau":
        selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    assert count_queries(client, reverse("selfcheck_page", args=[world.school_a.pk, bigger.pk])) == before


def test_principal_fills_saves_and_submits_through_the_form(world, round_) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    url = reverse("selfcheck_page", args=[world.school_a.pk, round_.pk])
    items = list(round_.items.order_by("order", "code"))
    page = client.get(url)
    assert page.context["can_edit"] is True
    first = items[0]
    response = client.post(
        url,
        {
            f"item-{first.pk}-result": "mostly",
            f"item-{first.pk}-explanation": "个别班级作业时长偏长，已调整",
            f"evidence-{first.pk}": [jpeg_upload("作业公示.jpg"), pdf_upload("作业登记表.pdf")],
            "action": "submit",
        },
        follow=True,
    )
    selfcheck = SelfCheck.objects.get(round=round_, school=world.school_a)
    assert selfcheck.status == SelfCheckStatus.DRAFT  # other items unanswered
    assert selfcheck.results.get(item=first).evidence.count() == 2
    texts = [str(m) for m in response.context["messages"]]
    assert any(items[1].code in t for t in texts)
    data = {"action": "submit"}
    for item in items[1:]:
        data[f"item-{item.pk}-result"] = "compliant"
    data[f"item-{first.pk}-result"] = "mostly"
    data[f"item-{first.pk}-explanation"] = "个别班级作业时长偏长，已调整"
    client.post(url, data)
    selfcheck.refresh_from_db()
    assert selfcheck.status == SelfCheckStatus.SUBMITTED
    assert selfcheck.first_submitted_on == timezone.localdate()
    # A submitted self-check is shown, not offered for editing, and refuses posts.
    assert client.get(url).context["can_edit"] is False
    response = client.post(url, {f"item-{first.pk}-result": "compliant", "action": "save"}, follow=True)
    assert selfcheck.results.get(item=first).result == "mostly"


def test_principal_removes_an_evidence_file(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a, evidence=2)
    evidence = SelfCheckEvidence.objects.filter(item_result__selfcheck=selfcheck).first()
    client = login(world.principal_a)
    client.post(reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]), {"remove_evidence": evidence.pk})
    assert not SelfCheckEvidence.objects.filter(pk=evidence.pk).exists()
    assert SelfCheckEvidence.objects.filter(item_result__selfcheck=selfcheck).count() == 1


def test_bad_evidence_file_is_reported_and_answers_still_saved(world, round_) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = round_.items.order_by("order").first()
    response = login(world.principal_a).post(
        reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]),
        {
            f"item-{item.pk}-result": "compliant",
            f"evidence-{item.pk}": SimpleUploadedFile("宏.docm", b"PK\x03\x04 macro"),
            "action": "save",
        },
        follow=True,
    )
    assert response.status_code == 200
    selfcheck = SelfCheck.objects.get()
    assert selfcheck.results.get(item=item).result == "compliant"
    assert not SelfCheckEvidence.objects.exists()
    assert any("宏.docm" in str(m) for m in response.context["messages"])


def test_bureau_returns_with_comment_then_accepts(world, round_) -> None:  # type: ignore[no-untyped-def]
    selfcheck = filled(round_, world.principal_a, submit=True)
    client = login(world.bureau)
    review = reverse("selfcheck_review", args=[world.school_a.pk, round_.pk])
    page = client.get(reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]))
    assert page.context["can_review"] is True and page.context["can_edit"] is False
    client.post(review, {"decision": "return", "comment": ""})
    selfcheck.refresh_from_db()
    assert selfcheck.status == SelfCheckStatus.SUBMITTED  # a return needs comments
    client.post(review, {"decision": "return", "comment": "请补充课后服务佐证"})
    selfcheck.refresh_from_db()
    assert selfcheck.status == SelfCheckStatus.RETURNED
    page = login(world.principal_a).get(reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]))
    assert "请补充课后服务佐证" in page.content.decode() and page.context["can_edit"] is True
    # The state reads in the self-check machine's own label, on both pages.
    assert "<strong>已退回修改</strong>" in page.content.decode()
    assert "<th>已退回修改</th><th>审核通过</th>" in client.get(reverse("selfcheck_rounds")).content.decode()


def test_bureau_opens_a_round_for_all_active_schools(world) -> None:  # type: ignore[no-untyped-def]
    SchoolFactory(active=False)
    items = checklist_items(3)
    today = timezone.localdate()
    response = login(world.bureau).post(
        reverse("selfcheck_round_new"),
        {
            "period_kind": "month",
            "month": f"{today.year}-{today.month:02d}",
            "title": "",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "items": [i.pk for i in items],
            "all_schools": "on",
        },
    )
    assert response.status_code == 302
    round_ = SelfCheckRound.objects.get()
    assert set(round_.schools.all()) == {world.school_a, world.school_b}
    assert set(round_.items.all()) == set(items)
    assert round_.month == today.replace(day=1) and str(today.year) in round_.title
    assert round_.created_by == world.bureau


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"period_kind": "semester", "month": ""}, "semester"),
        ({"all_schools": ""}, "schools"),
        ({"items": []}, "items"),
    ],
)
def test_round_form_errors(world, changes, field) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {
        "period_kind": "month",
        "month": f"{today.year}-{today.month:02d}",
        "opens_on": today.isoformat(),
        "closes_on": today.isoformat(),
        "items": [i.pk for i in checklist_items(2)],
        "all_schools": "on",
        **changes,
    }
    response = login(world.bureau).post(reverse("selfcheck_round_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SelfCheckRound.objects.exists()


def test_inactive_items_are_not_offered_for_a_round(world) -> None:  # type: ignore[no-untyped-def]
    retired = SupervisionItem.objects.filter(parent__isnull=False).first()
    retired.active = False
    retired.save()
    form = login(world.bureau).get(reverse("selfcheck_round_new")).context["form"]
    assert retired not in form.fields["items"].queryset
