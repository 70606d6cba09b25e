"""The case lists run a fixed number of queries however many cases they
show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.complaints import services
from tests.supervision.complaint_factories import case_in_status, file_case

pytestmark = pytest.mark.django_db


def _make_cases(world, n: int) -> None:  # type: ignore[no-untyped-def]
    sup = world.supervisor_x.supervisor_profile
    for i in range(n):
        school = world.school_a if i % 3 else world.school_b
        kind = ["received", "assigned", "investigating"][i % 3]
        first = file_case(school=school, by=world.bureau).case if i % 4 == 3 else None
        case = case_in_status(
            kind,
            school=school,
            by=world.bureau,
            assign_to="school" if i % 2 else "supervisor",
            supervisor=None if i % 2 else sup,
        )
        if first is not None:
            services.complaint_link_duplicate(case=case, original=first, by=world.bureau)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?due=overdue", "?status=open", "?due=soon"])
def test_staff_list_query_count_is_constant(world, query) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    url = reverse("complaints:staff_list") + query
    _make_cases(world, 3)
    first = _count(client, url)
    _make_cases(world, 9)
    assert _count(client, url) == first


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_assigned_list_query_count_is_constant(world, persona) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(getattr(world, persona))
    url = reverse("complaints:assigned_list")
    _make_cases(world, 4)
    first = _count(client, url)
    _make_cases(world, 8)
    response = client.get(url)
    assert len(response.context["cases"]) > 2
    assert _count(client, url) == first


def test_staff_detail_query_count_does_not_grow_with_history(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    case = case_in_status("closed", school=world.school_a, by=world.bureau)
    url = reverse("complaints:staff_detail", args=[case.pk])
    first = _count(client, url)
    for _ in range(3):
        services.complaint_reopen(case=case, by=world.bureau, reason="异议")
        services.complaint_assign(case=case, by=world.bureau, kind="school", school_summary="请复查")
        services.complaint_start_investigation(case=case, by=world.bureau)
        services.complaint_conclude(
            case=case, by=world.bureau, outcome="not_substantiated", liability="none", conclusion="未查实"
        )
        services.complaint_reply(case=case, by=world.bureau, reply="未查实")
        services.complaint_close(case=case, by=world.bureau)
    for _ in range(3):
        services.complaint_link_duplicate(
            case=file_case(school=world.school_a, by=world.bureau).case, original=case, by=world.bureau
        )
    assert _count(client, url) == first
