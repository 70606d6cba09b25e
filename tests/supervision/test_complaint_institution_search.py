"""The public complaint form at city scale, training institutions: they are
found by a server-side search like the schools (JSON, by name, only those on
a public list now, at most twenty, rate-limited), so the form page carries
neither register and its size and queries stay the same at 30 and at 3,000
schools and institutions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import Ownership, School, SchoolType
from supervision.models import InstitutionKind, ListEntry, ListKind, TrainingInstitution
from tests.supervision.complaint_factories import category
from tests.supervision.institutions.factories import credit_code, make_institution

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
SEARCH = reverse("complaints:institution_search")


def _grow(n: int, start: int) -> None:
    """``n`` more active schools and ``n`` more institutions on the white list."""
    School.objects.bulk_create(
        School(
            code=f"8{i:09d}",
            name=f"城西第{i:04d}小学",
            school_type=SchoolType.PRIMARY,
            ownership=Ownership.PUBLIC,
            town="当湖街道",
        )
        for i in range(start, start + n)
    )
    institutions = TrainingInstitution.objects.bulk_create(
        TrainingInstitution(
            name=f"城西第{i:04d}培训学校", credit_code=credit_code(500_000 + i), kind=InstitutionKind.SUBJECT
        )
        for i in range(start, start + n)
    )
    now = timezone.now()
    ListEntry.objects.bulk_create(
        ListEntry(institution=institution, kind=ListKind.WHITE, published=True, published_at=now)
        for institution in institutions
    )


def _form_get() -> tuple[int, int]:
    client = Client()
    client.get(FORM)  # the session exists from now on, as for a returning visitor
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(FORM)
    assert response.status_code == 200
    return len(response.content), len(ctx.captured_queries)


def test_form_size_and_queries_are_the_same_at_30_and_3000(world) -> None:  # type: ignore[no-untyped-def]
    category()
    _grow(30, start=0)
    small_size, small_queries = _form_get()
    _grow(2970, start=30)
    assert TrainingInstitution.objects.count() >= 3000 and School.objects.count() >= 3000
    large_size, large_queries = _form_get()
    # The CSRF token and the CAPTCHA's session differ a few bytes from page to page.
    assert abs(large_size - small_size) <= 64
    assert large_queries == small_queries
    page = Client().get(FORM).content.decode()
    assert "城西第0000培训学校" not in page and "城西第0000小学" not in page
    assert f'data-search-url="{SEARCH}"' in page


def test_search_finds_only_institutions_on_a_public_list_at_most_twenty(world) -> None:  # type: ignore[no-untyped-def]
    _grow(30, start=0)
    make_institution(world.bureau, name="城西第9999培训学校")  # on no list
    unpublished = make_institution(world.bureau, name="城西第9998培训学校")
    ListEntry.objects.create(institution=unpublished, kind=ListKind.WHITE)
    removed = make_institution(world.bureau, name="城西第9997培训学校")
    ListEntry.objects.create(
        institution=removed,
        kind=ListKind.WHITE,
        published=True,
        published_at=timezone.now(),
        removed_on=timezone.localdate(),
    )
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        found = client.get(SEARCH, {"q": "城西"}).json()["results"]
    assert len(ctx.captured_queries) <= 2  # the rate counter's upsert and the search
    first = TrainingInstitution.objects.get(name="城西第0000培训学校")
    assert len(found) == 20 and found[0] == {"id": first.pk, "name": "城西第0000培训学校"}
    assert client.get(SEARCH, {"q": "第0012"}).json()["results"] == [
        {"id": TrainingInstitution.objects.get(name="城西第0012培训学校").pk, "name": "城西第0012培训学校"}
    ]
    for hidden in ("第9999", "第9998", "第9997"):
        assert client.get(SEARCH, {"q": hidden}).json()["results"] == []
    # Schools are not institutions, and a school's name finds nothing here.
    assert client.get(SEARCH, {"q": "城西第0001小学"}).json()["results"] == []


def test_bad_input_gives_an_empty_result(world) -> None:  # type: ignore[no-untyped-def]
    _grow(3, start=0)
    client = Client()
    for q in ("", "   ", "%", "_", "x" * 5000, "'; DROP TABLE supervision_traininginstitution; --"):
        response = client.get(SEARCH, {"q": q})
        assert response.status_code == 200 and response.json()["results"] == []
    assert client.get(SEARCH).json()["results"] == []
    assert client.post(SEARCH, {"q": "城西"}).status_code == 405
    assert TrainingInstitution.objects.count() == 3


@override_settings(COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE=3)
def test_search_is_rate_limited_per_address_with_a_chinese_message(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(3):
        assert client.get(SEARCH, {"q": "培训"}, REMOTE_ADDR="10.2.1.1").status_code == 200
    refused = client.get(SEARCH, {"q": "培训"}, REMOTE_ADDR="10.2.1.1")
    assert refused.status_code == 429 and refused.json()["results"] == []
    assert "请" in refused.json()["error"]
    assert client.get(SEARCH, {"q": "培训"}, REMOTE_ADDR="10.2.1.2").status_code == 200
