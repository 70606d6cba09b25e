"""The admin pages of pledges and self-checks open for bureau staff, and a
pledge text added there is published as the next version, never edited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import PledgeText
from schools.pledges.services import pledge_text_publish
from schools.selfchecks.services import selfcheck_save_draft, selfcheck_start, selfcheck_submit
from tests.schools.filing_factories import SelfCheckRoundFactory, current_year

pytestmark = pytest.mark.django_db

MODELS = ["pledgetext", "schoolpledge", "pledgereminder", "selfcheckround", "selfcheck"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_and_change_page_open(world, model) -> None:  # type: ignore[no-untyped-def]
    text = pledge_text_publish(school_year=current_year(), title="责任书", body="正文", by=world.bureau)
    round_ = SelfCheckRoundFactory(schools=[world.school_a])
    selfcheck = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    selfcheck_save_draft(
        selfcheck=selfcheck, answers={i.pk: ("compliant", "") for i in round_.items.all()}, by=world.principal_a
    )
    selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    client = Client()
    client.force_login(world.bureau)
    assert client.get(reverse(f"admin:schools_{model}_changelist")).status_code == 200
    obj = {"pledgetext": text, "selfcheckround": round_, "selfcheck": selfcheck}.get(model)
    if obj is not None:
        assert client.get(reverse(f"admin:schools_{model}_change", args=[obj.pk])).status_code == 200


def test_pledge_text_added_in_admin_becomes_the_next_version(world) -> None:  # type: ignore[no-untyped-def]
    year = current_year()
    pledge_text_publish(school_year=year, title="第一版", body="正文", by=world.bureau)
    client = Client()
    client.force_login(world.bureau)
    response = client.post(
        reverse("admin:schools_pledgetext_add"),
        {"school_year": year.pk, "title": "第二版", "body": "修订正文", "bureau_signatory": ""},
    )
    assert response.status_code == 302
    assert list(PledgeText.objects.order_by("version").values_list("version", "title")) == [
        (1, "第一版"),
        (2, "第二版"),
    ]
    first = PledgeText.objects.get(version=1)
    client.post(
        reverse("admin:schools_pledgetext_change", args=[first.pk]),
        {"school_year": year.pk, "title": "改过", "body": "改过", "bureau_signatory": ""},
    )
    first.refresh_from_db()
    assert first.title == "第一版"
