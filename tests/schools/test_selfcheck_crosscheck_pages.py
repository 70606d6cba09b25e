"""The cross-check pages: scoping for every persona (outsiders 404), the
filters, the highlighted gaps with links to the visit and the self-check,
the links from the self-check pages, and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DistrictMembershipFactory, PrincipalFactory, SchoolFactory
from tests.schools.crosscheck_helpers import month_round, self_assess, visit

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH = D(2026, 3, 1)


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def gaps(world):  # type: ignore[no-untyped-def]
    """School A rated 4.1 better than the supervisor found; school B did not."""
    round_ = month_round(MARCH, [world.school_a, world.school_b], ["4.1", "4.2"])
    self_assess(round_, world.principal_a, {"4.1": "compliant", "4.2": "mostly"}, day=D(2026, 3, 20))
    self_assess(round_, world.principal_b, {"4.1": "compliant", "4.2": "compliant"}, day=D(2026, 3, 20))
    a_visit = visit(world.school_a, D(2026, 3, 10), {"4.1": "non_compliant", "4.2": "mostly"})
    visit(world.school_b, D(2026, 3, 10), {"4.1": "compliant"})
    return round_, a_visit


LIST = [("bureau", 200), ("supervisor_x", 200), ("supervisor_y", 200), ("principal_a", 404), ("principal_b", 404)]
SCHOOL_A = [("bureau", 200), ("supervisor_x", 200), ("supervisor_y", 404), ("principal_a", 404), ("principal_b", 404)]


@pytest.mark.parametrize(("persona", "status"), [*LIST, (None, 302)])
def test_crosscheck_list_scoped(world, gaps, persona, status) -> None:  # type: ignore[no-untyped-def]
    client = login(getattr(world, persona)) if persona else Client()
    response = client.get(reverse("selfcheck_crosscheck"))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]
    if status == 200:
        codes = {c.school.code for c in response.context["overview"].schools}
        expected = {
            "bureau": {world.school_a.code, world.school_b.code},
            "supervisor_x": {world.school_a.code},
            "supervisor_y": {world.school_b.code},
        }[persona]
        assert codes == expected


@pytest.mark.parametrize(("persona", "status"), [*SCHOOL_A, (None, 302)])
def test_crosscheck_school_page_scoped(world, gaps, persona, status) -> None:  # type: ignore[no-untyped-def]
    round_, _visit = gaps
    client = login(getattr(world, persona)) if persona else Client()
    for url in (
        reverse("selfcheck_crosscheck_school", args=[world.school_a.pk]),
        reverse("selfcheck_crosscheck_school", args=[world.school_a.pk]) + f"?round={round_.pk}",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/accounts/login/" in response["Location"]


def test_school_page_of_a_school_not_in_the_round_is_not_found(world, gaps) -> None:  # type: ignore[no-untyped-def]
    other = month_round(D(2026, 4, 1), [world.school_b], ["4.1"])
    url = reverse("selfcheck_crosscheck_school", args=[world.school_a.pk]) + f"?round={other.pk}"
    assert login(world.bureau).get(url).status_code == 404
    missing = reverse("selfcheck_crosscheck_school", args=[999999])
    assert login(world.bureau).get(missing).status_code == 404


def item_block(html: str, code: str) -> str:
    """The markup of one item of the school page, from its opening tag to
    the next item's."""
    start = html.rindex("<div", 0, html.index(f'data-item="{code}"'))
    following = html.find("data-item=", html.index(f'data-item="{code}"') + 10)
    return html[start : following if following > 0 else len(html)]


def test_school_page_highlights_gaps_with_links(world, gaps) -> None:  # type: ignore[no-untyped-def]
    round_, a_visit = gaps
    url = reverse("selfcheck_crosscheck_school", args=[world.school_a.pk])
    html = login(world.bureau).get(url).content.decode()
    row_41 = item_block(html, "4.1")
    assert 'data-comparison="higher"' in row_41 and "crosscheck-gap" in row_41 and 'data-testid="gap"' in row_41
    assert reverse("visit_detail", args=[a_visit.pk]) in row_41
    assert reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]) in row_41
    row_42 = item_block(html, "4.2")
    assert 'data-comparison="same"' in row_42 and "crosscheck-gap" not in row_42 and 'data-testid="gap"' not in row_42
    # A supervisor gets the visit link but not the self-check page (a 404 for them).
    html = login(world.supervisor_x).get(url).content.decode()
    assert reverse("visit_detail", args=[a_visit.pk]) in html
    assert reverse("selfcheck_page", args=[world.school_a.pk, round_.pk]) not in html


def test_list_filters(world, gaps) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    url = reverse("selfcheck_crosscheck")

    def shown(**params):  # type: ignore[no-untyped-def]
        response = client.get(url, params)
        assert response.status_code == 200
        return [c.school for c in response.context["overview"].schools]

    assert shown() == [world.school_a, world.school_b]
    assert shown(gaps="1") == [world.school_a]
    assert shown(district=world.district_y.pk) == [world.school_b]
    assert shown(district=world.district_y.pk, gaps="1") == []
    # A bad value is shown as an error and left out; the other filters apply.
    response = client.get(url, {"district": "999999", "gaps": "1"})
    assert response.context["form"].errors and [c.school for c in response.context["overview"].schools] == [
        world.school_a
    ]
    html = client.get(url, {"gaps": "1"}).content.decode()
    assert f'data-school="{world.school_a.code}" data-flagged="1"' in html
    assert html.count("crosscheck-gap") == 1
    assert world.school_b.code not in html


def test_supervisor_cannot_filter_by_a_round_of_other_schools(world, gaps) -> None:  # type: ignore[no-untyped-def]
    only_b = month_round(D(2026, 4, 1), [world.school_b], ["4.1"])
    response = login(world.supervisor_x).get(reverse("selfcheck_crosscheck"), {"round": only_b.pk})
    assert response.status_code == 200 and "round" in response.context["form"].errors
    assert [c.school for c in response.context["overview"].schools] == [world.school_a]


def test_links_from_rounds_and_round_pages(world, gaps) -> None:  # type: ignore[no-untyped-def]
    round_, _visit = gaps
    client = login(world.bureau)
    assert reverse("selfcheck_crosscheck") in client.get(reverse("selfcheck_rounds")).content.decode()
    detail = client.get(reverse("selfcheck_round_detail", args=[round_.pk])).content.decode()
    assert f"{reverse('selfcheck_crosscheck')}?round={round_.pk}" in detail
    restricted = client.get(reverse("selfcheck_crosscheck"), {"round": round_.pk}).content.decode()
    assert reverse("selfcheck_crosscheck_school", args=[world.school_a.pk]) + f"?round={round_.pk}" in restricted


def test_pages_render_in_chinese(world, gaps) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    html = client.get(reverse("selfcheck_crosscheck"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "自查比对" in html and "自评高于督导结果" in html
    html = client.get(
        reverse("selfcheck_crosscheck_school", args=[world.school_a.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "自评高于督导结果" in html and "不符合" in html


def test_list_and_school_page_take_a_fixed_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    def grow(n: int) -> list:  # type: ignore[type-arg]
        schools = []
        for _ in range(n):
            school = SchoolFactory()
            DistrictMembershipFactory(school=school, district=world.district_x, start_date=D(2024, 9, 1))
            schools.append((school, PrincipalFactory(school=school)))
        round_ = month_round(MARCH, [s for s, _ in schools], ["3", "4.1", "4.2"])
        for school, principal in schools:
            self_assess(round_, principal, {"3": "compliant", "4.1": "compliant", "4.2": "mostly"}, day=D(2026, 3, 20))
            visit(school, D(2026, 3, 10), {"3.1": "mostly", "4": "non_compliant", "4.1": "compliant"})
        return [s for s, _ in schools]

    def queries(user, url: str, **params: str) -> int:  # type: ignore[no-untyped-def]
        client = login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    first = grow(2)[0]
    list_url = reverse("selfcheck_crosscheck")
    school_url = reverse("selfcheck_crosscheck_school", args=[first.pk])
    counts = [
        queries(world.bureau, list_url),
        queries(world.bureau, list_url, gaps="1", district=str(world.district_x.pk)),
        queries(world.supervisor_x, list_url),
        queries(world.bureau, school_url),
    ]
    grow(6)
    # The first school gets more visits and a second round with more items.
    visit(first, D(2026, 4, 2), {"3.2": "non_compliant", "4.3": "mostly"})
    april = month_round(D(2026, 4, 1), [first], ["4.3", "4.4"])
    self_assess(april, first.accounts.get(), {"4.3": "compliant", "4.4": "compliant"}, day=D(2026, 4, 20))
    assert [
        queries(world.bureau, list_url),
        queries(world.bureau, list_url, gaps="1", district=str(world.district_x.pk)),
        queries(world.supervisor_x, list_url),
        queries(world.bureau, school_url),
    ] == counts
