"""The public complaint form at city scale: the school is found by a
server-side search (JSON, by name or code, at most twenty, rate-limited, no
inactive school), so the page's size and queries do not grow with the
register; without JavaScript a typed code or name is resolved on submit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.models import ComplaintCase
from tests.factories import SchoolFactory
from tests.supervision.complaint_factories import category, public_form_data
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
SEARCH = reverse("complaints:school_search")


def _grow(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        SchoolFactory(name=f"城东第{i:03d}小学", code=f"9{i:09d}")


def _form_get() -> tuple[int, int]:
    client = Client()
    client.get(FORM)  # the session exists from now on, as for a returning visitor
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(FORM)
    assert response.status_code == 200
    return len(response.content), len(ctx.captured_queries)


def test_page_size_and_queries_do_not_grow_with_the_register(world) -> None:  # type: ignore[no-untyped-def]
    category()
    _grow(1)  # three schools with the world's two
    small_size, small_queries = _form_get()
    _grow(297, start=1)
    large_size, large_queries = _form_get()
    assert abs(large_size - small_size) <= small_size / 100
    assert large_queries == small_queries
    assert "城东第000小学" not in Client().get(FORM).content.decode()


def test_search_by_name_or_code_at_most_twenty_active_only(world) -> None:  # type: ignore[no-untyped-def]
    _grow(30)
    SchoolFactory(name="城东第999小学", code="9999999999", active=False)
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        found = client.get(SEARCH, {"q": "城东"}).json()["results"]
    assert len(found) == 20 and found[0] == {"code": "9000000000", "name": "城东第000小学"}
    assert len(ctx.captured_queries) <= 3  # the rate counter's upsert and the search
    assert client.get(SEARCH, {"q": "9000000012"}).json()["results"] == [
        {"code": "9000000012", "name": "城东第012小学"}
    ]
    assert client.get(SEARCH, {"q": "第999"}).json()["results"] == []  # inactive
    assert client.get(SEARCH, {"q": "  "}).json()["results"] == []
    assert client.get(SEARCH, {"q": world.school_a.name}).json()["results"][0]["code"] == world.school_a.code


@override_settings(COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE=3)
def test_search_is_rate_limited_per_address(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(3):
        assert client.get(SEARCH, {"q": "学校"}, REMOTE_ADDR="10.1.1.1").status_code == 200
    refused = client.get(SEARCH, {"q": "学校"}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and refused.json()["results"] == []
    assert client.get(SEARCH, {"q": "学校"}, REMOTE_ADDR="10.1.1.2").status_code == 200


def test_without_javascript_a_typed_code_names_the_school(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM, REMOTE_ADDR="10.0.0.9")
    data = public_form_data(
        world.school_b, captcha=captcha_solve(client), school_code="", school_name=world.school_b.code
    )
    assert client.post(FORM, data, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert ComplaintCase.objects.get().school == world.school_b


def test_sign_page_link_prefills_the_school(world) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(FORM, {"school": world.school_a.code}).content.decode()
    assert f'value="{world.school_a.name}"' in page and f'value="{world.school_a.code}"' in page
    assert 'data-search-url="' + SEARCH + '"' in page and "<script>" not in page
