"""Error pages speak the portal's language, and a NUL character in an
address is a 400 with a message, not a server error."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from schools.models import School

pytestmark = pytest.mark.django_db

# Each reached a database look-up with the NUL in a text (PostgreSQL refuses
# one: "A string literal cannot contain NUL"), a 500 before.
NUL_ADDRESSES = [
    "/schools/x%00/",
    "/schools/x%00/homework/",
    "/schools/x%00/poster/",
    "/complain/?school=%00",
    "/complain/?institution=1%00",
    "/complain/schools/?q=%00",
    "/complain/institutions/?q=%00",
    "/institutions/?q=%00",
    "/complain/?%00=1",
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_character_in_the_address_is_refused_in_chinese(world, address: str) -> None:  # type: ignore[no-untyped-def]
    schools = School.objects.count()
    response = Client(raise_request_exception=False).get(address, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="zh-hans"' in page and "无法识别这次请求" in page and "没有做任何改动" in page
    assert School.objects.count() == schools


def test_the_same_address_without_the_nul_is_served(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(f"/schools/{world.school_a.code}/").status_code == 200
    assert Client().get("/complain/schools/?q=%E5%AE%9E").status_code == 200


def test_an_unknown_address_answers_a_chinese_404(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "Not Found" not in page
    assert Client().get("/schools/NO-SUCH-CODE/").status_code == 404


def test_a_page_a_role_may_not_open_answers_a_chinese_403(world) -> None:  # type: ignore[no-untyped-def]
    from tests.supervision.helpers import login

    response = login(world.principal_a).get("/bureau/accounts/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (403, 404)
    assert "Forbidden" not in response.content.decode() and "Not Found" not in response.content.decode()


def test_the_server_error_page_needs_no_database_and_reads_in_chinese() -> None:
    """Rendered as Django renders it after an unhandled error (no request
    context): this test has no database access, so a template that queried
    it would fail here."""
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "出错了" in page and "Server Error" not in page
