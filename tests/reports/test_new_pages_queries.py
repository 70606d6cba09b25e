"""The pages of publication, vetoes and notices issue a fixed number of
queries whatever the number of findings or notices."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import PublishedNotice, ScoreRun, VetoRule
from reports.scoring.engine import scores_compute
from supervision.models import ItemResult
from tests.reports.conftest import publish
from tests.supervision.factories import VisitFactory, VisitItemResultFactory, item

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str, params: dict[str, object] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_veto_page_queries_do_not_grow_with_findings(world, scheme) -> None:  # type: ignore[no-untyped-def]
    VetoRule.objects.create(name="分设重点班", kind="visit_item_non_compliant", params={"items": ["2.2"]})
    client = Client()
    client.force_login(world.bureau)
    url, params = reverse("reports:veto_decisions"), {"semester": scheme.semester.pk}

    def finding() -> None:
        visit = VisitFactory(school=world.school_a, date=timezone.localdate())
        VisitItemResultFactory(visit=visit, item=item("2.2"), result=ItemResult.NON_COMPLIANT)

    finding()
    few = _count(client, url, params)
    for _ in range(5):
        finding()
    assert _count(client, url, params) == few


def test_notice_list_queries_do_not_grow_with_notices(world, scheme) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)

    def notice(n: int) -> None:
        run = publish(scores_compute(scheme=scheme), f"示教督〔2026〕{n}号")
        record = PublishedNotice(run=run, document_number=run.document_number, title="通报")
        record.file.save("n.pdf", ContentFile(b"%PDF-1.4"), save=True)
        ScoreRun.objects.filter(pk=run.pk).update(status="superseded")  # room for the next published run

    notice(1)
    few = _count(client, reverse("reports:notices"))
    for n in range(2, 6):
        notice(n)
    html = client.get(reverse("reports:notices")).content.decode()
    assert "示教督〔2026〕5号" in html
    assert _count(client, reverse("reports:notices")) == few
