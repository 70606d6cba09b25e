"""The public lists and pages show only published, current entries and the
institution's public facts (never a draft, an internal note, a complaint or
an inspection); staff pages are for bureau staff only (404 for other
personas); list pages issue a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.institutions import services
from supervision.models import ListKind
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db
PUBLIC = reverse("institutions:public_list")


def _listed(by, name: str, *, kind: str = ListKind.WHITE, publish: bool = True, **kw):  # type: ignore[no-untyped-def]
    institution = make_institution(by, name=name, internal_note="机构内部备注-秘密")
    services.institution_fees_set(
        institution=institution,
        rows=[services.FeeRow("小班数学", "课时", Decimal("55.00"), datetime.date(2026, 9, 1))],
        by=by,
    )
    entry = services.list_entry_add(institution=institution, kind=kind, by=by, internal_note="名单内部备注-秘密", **kw)
    if publish:
        services.list_entry_publish(entry=entry, by=by)
    return institution, entry


def test_public_lists_show_published_entries_only(world) -> None:  # type: ignore[no-untyped-def]
    white, _ = _listed(world.bureau, "公开白名单培训学校", listed_on=datetime.date(2026, 10, 8))
    draft, _ = _listed(world.bureau, "草稿培训学校", publish=False)
    black, _ = _listed(world.bureau, "黑名单培训学校", kind=ListKind.BLACK, reason="无证办学，违规开展学科类培训")
    removed, removed_entry = _listed(world.bureau, "已移出培训学校")
    services.list_entry_remove(entry=removed_entry, by=world.bureau, reason="停办")
    client = Client()

    html = client.get(PUBLIC).content.decode()
    assert "公开白名单培训学校" in html and "2026-10-08" in html and "55.00" in html
    for hidden in ("草稿培训学校", "已移出培训学校", "黑名单培训学校", "秘密"):
        assert hidden not in html

    html = client.get(PUBLIC, {"list": "black"}).content.decode()
    assert "黑名单培训学校" in html and "无证办学，违规开展学科类培训" in html
    assert "公开白名单培训学校" not in html and "秘密" not in html

    # Server-side search by name, code or address.
    assert "公开白名单培训学校" not in client.get(PUBLIC, {"q": "没有这个"}).content.decode()
    assert "公开白名单培训学校" in client.get(PUBLIC, {"q": white.credit_code[-6:]}).content.decode()

    page = client.get(reverse("institutions:public_detail", args=[black.pk])).content.decode()
    assert "无证办学" in page and "秘密" not in page
    assert client.get(reverse("institutions:public_detail", args=[draft.pk])).status_code == 404
    # A removed entry keeps the page (its history is public), still without notes.
    page = client.get(reverse("institutions:public_detail", args=[removed.pk])).content.decode()
    assert "已移出培训学校" in page and "秘密" not in page


def test_public_list_is_paged_with_fixed_queries(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _listed(world.bureau, "培训学校0")

    def queries() -> int:
        client.get(PUBLIC)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PUBLIC).status_code == 200
        return len(ctx)

    few = queries()
    for n in range(1, 25):
        _listed(world.bureau, f"培训学校{n}")
    assert queries() == few
    assert client.get(PUBLIC).context["page"].paginator.num_pages == 2


def test_staff_list_fixed_queries(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    url = reverse("institutions:staff_list")
    _listed(world.bureau, "机构0")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = queries()
    for n in range(1, 8):
        _listed(world.bureau, f"机构{n}")
    assert queries() == few


def test_staff_pages_404_for_other_personas(world) -> None:  # type: ignore[no-untyped-def]
    institution, _entry = _listed(world.bureau, "某培训学校")
    urls = [
        reverse("institutions:staff_list"),
        reverse("institutions:detail", args=[institution.pk]),
        reverse("institutions:edit", args=[institution.pk]),
        reverse("institutions:fees", args=[institution.pk]),
        reverse("institutions:inspection", args=[institution.pk]),
        reverse("institutions:campaigns"),
        reverse("institutions:import"),
        reverse("institutions:export"),
    ]
    for user in (world.principal_a, world.supervisor_x):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        post = client.post(reverse("institutions:transition", args=[institution.pk, "cancel"]), {"cancel-reason": "x"})
        assert post.status_code == 404
    for url in urls:
        assert Client().get(url).status_code == 302  # to the sign-in page
    institution.refresh_from_db()
    assert institution.status == "registered"
    bureau = login(world.bureau)
    for url in urls:
        assert bureau.get(url).status_code == 200, url


def test_staff_transition_page_refuses_a_forbidden_step(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    client = login(world.bureau)
    url = reverse("institutions:transition", args=[institution.pk, "cancel"])
    response = client.post(url, {"cancel-reason": ""}, follow=True)
    assert type(institution).objects.get(pk=institution.pk).status == "registered"
    assert response.context["messages"]
    client.post(url, {"cancel-reason": "不符合设置标准"})
    assert type(institution).objects.get(pk=institution.pk).status == "cancelled"
    response = client.post(
        reverse("institutions:transition", args=[institution.pk, "confirm"]), {"confirm-reason": "x"}, follow=True
    )
    assert type(institution).objects.get(pk=institution.pk).status == "cancelled"
    assert any("cannot" in str(m) or "不能" in str(m) for m in response.context["messages"])


def test_export_is_formula_safe_and_reimports_unchanged(world) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    from supervision.institutions.imports import InstitutionImporter

    _listed(world.bureau, '=HYPERLINK("http://x")培训')
    response = login(world.bureau).get(reverse("institutions:export"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ['\'=HYPERLINK("http://x")培训']
    importer = InstitutionImporter()
    plan = importer.plan(importer.read(io.BytesIO(data)), today=datetime.date.today())
    assert not plan.errors and plan.count("unchanged") == 1
