"""A text area of the self-check page carries no ``maxlength``: a browser
would cut a longer pasted text without a word. The server refuses a too-long
explanation (2000 characters) or review comment (4000) with the count in
Chinese, saves nothing of the refused answer, and the page gives the whole
text back, as written, to be shortened."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import SelfCheck, SelfCheckEvent, SelfCheckItemResult, SelfCheckRound, SelfCheckStatus
from schools.selfchecks.services import selfcheck_accept, selfcheck_save_draft, selfcheck_start, selfcheck_submit
from tests.schools.filing_factories import SelfCheckRoundFactory, jpeg_upload

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def long_text(n: int) -> str:
    """``n`` characters, with markup-like characters and a line break, which
    must come back as they were written."""
    head = "第一段 A&B <注意>\n"
    return head + "作" * (n - len(head))


def textareas(page: str) -> dict[str, str]:
    """The text in each named text area, as the browser shows it (an HTML
    parser drops one line feed right after the opening tag)."""
    found = {}
    for attrs, body in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", page, flags=re.S):
        name = re.search(r'name="([^"]+)"', attrs)
        text = html.unescape(body)
        found[name.group(1) if name else attrs] = text[1:] if text.startswith("\n") else text
    return found


def readonly_texts(page: str) -> list[str]:
    return [
        html.unescape(body).removeprefix("\n")
        for attrs, body in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", page, flags=re.S)
        if "readonly" in attrs
    ]


def no_maxlength_on_textareas(page: str) -> bool:
    tags = re.findall(r"<textarea[^>]*>", page)
    return bool(tags) and not any("maxlength" in tag for tag in tags)


@pytest.fixture
def round_(world) -> SelfCheckRound:
    round_: SelfCheckRound = SelfCheckRoundFactory.create(schools=[world.school_a, world.school_b])
    return round_


def page_url(world, round_) -> str:
    return reverse("selfcheck_page", args=[world.school_a.pk, round_.pk])


def test_the_form_has_no_maxlength(world, round_) -> None:
    page = login(world.principal_a).get(page_url(world, round_)).content.decode()
    items = list(round_.items.all())
    assert set(textareas(page)) == {f"item-{i.pk}-explanation" for i in items}
    assert no_maxlength_on_textareas(page)


@pytest.mark.parametrize("action", ["save", "submit"])
def test_too_long_explanation_is_refused_and_given_back(world, round_, action) -> None:
    first, second, third = round_.items.order_by("order", "code")
    text = long_text(2003)
    client = login(world.principal_a)
    response = client.post(
        page_url(world, round_),
        {
            f"item-{first.pk}-result": "mostly",
            f"item-{first.pk}-explanation": text,
            f"item-{second.pk}-result": "compliant",
            f"item-{second.pk}-explanation": "按规定执行",
            f"item-{third.pk}-result": "compliant",
            f"evidence-{second.pk}": jpeg_upload("公示.jpg"),
            "action": action,
        },
    )
    assert response.status_code == 200  # the page itself, not a redirect to the stored answers
    page = response.content.decode()
    error = "最多能填写 2000 个字（现在是 2003 个），请删减。"
    assert error in page
    assert f"{first.code}: {error}" in [str(m) for m in response.context["messages"]]
    assert "下方标出的答复没有保存" in page
    shown = textareas(page)
    assert shown[f"item-{first.pk}-explanation"] == text
    assert shown[f"item-{second.pk}-explanation"] == "按规定执行"
    # The result chosen beside the refused text is kept too.
    assert re.search(rf'name="item-{first.pk}-result"[^>]*value="mostly"[^>]*checked', page)
    assert no_maxlength_on_textareas(page)
    # Nothing of the refused answer is saved; the valid answers and the file are.
    selfcheck = SelfCheck.objects.get(round=round_, school=world.school_a)
    assert selfcheck.status == SelfCheckStatus.DRAFT
    assert not SelfCheckItemResult.objects.filter(selfcheck=selfcheck, item=first).exists()
    assert selfcheck.results.get(item=second).explanation == "按规定执行"
    assert selfcheck.results.get(item=second).evidence.count() == 1
    if action == "submit":
        assert "自查尚未提交。" in page
        assert not SelfCheckEvent.objects.exists()


def test_the_page_shows_the_posted_text_not_the_stored_one(world, round_) -> None:
    first = round_.items.order_by("order", "code").first()
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    selfcheck_save_draft(selfcheck=selfcheck, answers={first.pk: ("mostly", "旧的说明")}, by=world.principal_a)
    text = long_text(2500)
    response = login(world.principal_a).post(
        page_url(world, round_),
        {f"item-{first.pk}-result": "non_compliant", f"item-{first.pk}-explanation": text, "action": "save"},
    )
    page = response.content.decode()
    assert "最多能填写 2000 个字（现在是 2500 个），请删减。" in page
    assert textareas(page)[f"item-{first.pk}-explanation"] == text
    assert "旧的说明" not in page
    stored = selfcheck.results.get(item=first)
    assert (stored.result, stored.explanation) == ("mostly", "旧的说明")


def test_an_explanation_of_the_limit_is_saved(world, round_) -> None:
    first = round_.items.order_by("order", "code").first()
    text = long_text(2000)
    response = login(world.principal_a).post(
        page_url(world, round_),
        {f"item-{first.pk}-result": "mostly", f"item-{first.pk}-explanation": text, "action": "save"},
    )
    assert response.status_code == 302
    assert SelfCheckItemResult.objects.get(item=first).explanation == text


def test_a_post_from_a_stale_page_gives_the_text_back(world, round_) -> None:
    """The self-check was submitted from another tab: the post is refused and
    the explanation it carried is shown, read-only, to be copied."""
    items = list(round_.items.order_by("order", "code"))
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    selfcheck_save_draft(selfcheck=selfcheck, answers={i.pk: ("compliant", "") for i in items}, by=world.principal_a)
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    text = "补充说明：" + "作" * 100
    response = login(world.principal_a).post(
        page_url(world, round_),
        {f"item-{items[0].pk}-result": "mostly", f"item-{items[0].pk}-explanation": text, "action": "save"},
    )
    page = response.content.decode()
    assert "该自查目前不能修改。" in page
    assert readonly_texts(page) == [text]
    assert selfcheck.results.get(item=items[0]).explanation == ""


@pytest.fixture
def submitted(world, round_) -> SelfCheck:
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    answers = {i.pk: ("compliant", "") for i in round_.items.all()}
    selfcheck_save_draft(selfcheck=selfcheck, answers=answers, by=world.principal_a)
    return selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)


def test_review_form_has_no_maxlength(world, round_, submitted) -> None:
    page = login(world.bureau).get(page_url(world, round_)).content.decode()
    assert "comment" in textareas(page)
    assert no_maxlength_on_textareas(page)


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_too_long_review_comment_is_refused_and_given_back(world, round_, submitted, decision) -> None:
    text = long_text(4001)
    response = login(world.bureau).post(
        reverse("selfcheck_review", args=[world.school_a.pk, round_.pk]), {"decision": decision, "comment": text}
    )
    assert response.status_code == 200
    page = response.content.decode()
    error = "最多能填写 4000 个字（现在是 4001 个），请删减。"
    assert f"审核意见: {error}" in [str(m) for m in response.context["messages"]]
    assert page.count(error) == 2  # at the top and beside the text area
    assert textareas(page)["comment"] == text
    assert no_maxlength_on_textareas(page)
    # Neither accepted nor returned: the comments are not dropped for a decision without them.
    submitted.refresh_from_db()
    assert submitted.status == SelfCheckStatus.SUBMITTED
    assert submitted.review_comment == "" and submitted.reviewed_at is None
    assert not SelfCheckEvent.objects.exclude(action="submitted").exists()


def test_a_refused_return_keeps_the_comment(world, round_, submitted) -> None:
    """Another reviewer accepted it meanwhile: the return is refused and the
    comments written for it are shown to be copied."""
    selfcheck_accept(selfcheck=submitted, by=world.bureau)
    response = login(world.bureau).post(
        reverse("selfcheck_review", args=[world.school_a.pk, round_.pk]),
        {"decision": "return", "comment": "请补充作业公示的照片"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "以下文字没有保存" in page
    assert readonly_texts(page) == ["请补充作业公示的照片"]
    submitted.refresh_from_db()
    assert submitted.status == SelfCheckStatus.ACCEPTED and submitted.review_comment == ""
