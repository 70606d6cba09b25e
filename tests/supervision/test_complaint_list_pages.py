"""The bureau's complaint list at city scale: pages of fifty by keyset
(newest first, no COUNT of the whole list, the same queries on any page),
badges counted in one query, a school filter that does not list the
register, and the same scoping as every case page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import School
from supervision.complaints.selectors import COMPLAINT_PAGE_SIZE
from supervision.models import ComplaintCase, ComplaintChannel, ComplaintStatus
from tests.factories import SchoolFactory
from tests.supervision.complaint_factories import category

pytestmark = pytest.mark.django_db

URL = reverse("complaints:staff_list")


def _bulk_cases(n: int, *, school: School, start: int = 0) -> None:
    """``n`` cases an hour apart (and two at the same moment, for the tie)."""
    now = timezone.now().replace(microsecond=0)
    kind = category()
    ComplaintCase.objects.bulk_create(
        ComplaintCase(
            number=f"TS20260901-{i:04d}",
            query_code_hash="x",
            school=school,
            category=kind,
            channel=ComplaintChannel.WEB,
            received_at=now - datetime.timedelta(hours=(i // 2) * 2),
            description="周六上午学校组织全年级集体补课。",
            status=ComplaintStatus.CLOSED if i % 3 else ComplaintStatus.RECEIVED,
            accept_due=timezone.localdate() - datetime.timedelta(days=1 if i % 6 == 0 else -3),
        )
        for i in range(start, start + n)
    )


def _get(client: Client, query: dict[str, str] | None = None) -> tuple[list[int], str, int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, query or {})
    assert response.status_code == 200
    page = response.context["page"]
    return [c.pk for c in page], page.older, len(ctx.captured_queries), len(response.content)


def _bureau(world) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    return client


def test_same_queries_and_size_at_two_data_sizes_and_on_any_page(world) -> None:  # type: ignore[no-untyped-def]
    client = _bureau(world)
    _bulk_cases(60, school=world.school_a)
    first, older, small_queries, small_size = _get(client)
    assert len(first) == COMPLAINT_PAGE_SIZE and older
    _bulk_cases(600, school=world.school_b, start=60)
    SchoolFactory.create_batch(300)
    first, older, large_queries, large_size = _get(client)
    assert large_queries == small_queries
    assert abs(large_size - small_size) < small_size / 10  # no list of schools on the page
    second, _older, deep_queries, _size = _get(client, {"before": older})
    assert deep_queries == small_queries
    assert len(second) == COMPLAINT_PAGE_SIZE and not set(first) & set(second)


def test_keyset_pages_walk_every_case_once_in_order(world) -> None:  # type: ignore[no-untyped-def]
    client = _bureau(world)
    _bulk_cases(2 * COMPLAINT_PAGE_SIZE + 7, school=world.school_a)
    seen: list[int] = []
    cursor = ""
    for _ in range(4):
        pks, cursor, _queries, _size = _get(client, {"before": cursor} if cursor else {})
        seen += pks
        if not cursor:
            break
    expected = list(ComplaintCase.objects.order_by("-received_at", "-pk").values_list("pk", flat=True))
    assert seen == expected and len(seen) == 2 * COMPLAINT_PAGE_SIZE + 7
    # A filter is kept from page to page.
    open_first, open_cursor, _q, _s = _get(client, {"status": "open"})
    assert all(ComplaintCase.objects.get(pk=pk).status == "received" for pk in open_first)
    assert not open_cursor  # 36 open cases: one page


@pytest.mark.parametrize("cursor", ["garbage", "2026-13-01T00:00:00+08:00_5", "2026-09-01T00:00:00_5", "_", "x" * 500])
def test_a_bad_cursor_shows_the_first_page(world, cursor) -> None:  # type: ignore[no-untyped-def]
    client = _bureau(world)
    _bulk_cases(60, school=world.school_a)
    assert _get(client, {"before": cursor})[0] == _get(client)[0]


def test_badges_and_school_text_filter(world) -> None:  # type: ignore[no-untyped-def]
    client = _bureau(world)
    _bulk_cases(12, school=world.school_a)
    _bulk_cases(6, school=world.school_b, start=12)
    response = client.get(URL)
    overdue = ComplaintCase.objects.filter(status="received", accept_due__lt=timezone.localdate()).count()
    assert response.context["overdue_count"] == overdue > 0
    by_name = [c.pk for c in client.get(URL, {"school_q": "乙中"}).context["page"]]
    assert set(by_name) == set(ComplaintCase.objects.filter(school=world.school_b).values_list("pk", flat=True))
    by_code = [c.pk for c in client.get(URL, {"school_q": world.school_a.code}).context["page"]]
    assert len(by_code) == 12
    picked = client.get(URL, {"school": world.school_b.pk})
    assert len(picked.context["page"]) == 6 and world.school_b.name in picked.content.decode()


def test_scoping_is_kept(world) -> None:  # type: ignore[no-untyped-def]
    _bulk_cases(3, school=world.school_a)
    for persona in (world.principal_a, world.supervisor_x):
        client = Client()
        client.force_login(persona)
        response = client.get(URL)
        assert response.status_code in {302, 403, 404}
        assert b"TS20260901-0000" not in response.content
