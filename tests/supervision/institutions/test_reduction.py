"""Review campaigns and the reduction figures on seed 002's numbers: 32
subject institutions reviewed, 21 cut, 压减率 66 % (21 / 32 = 65.625 %,
rounded half up to a whole percent)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from supervision.institutions import services
from supervision.institutions.selectors import campaign_figures, institution_figures
from supervision.models import InstitutionStatus, ReviewOutcomeKind
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db
K = ReviewOutcomeKind


def test_rate_rounding() -> None:
    assert services.reduction_figures(counts={K.CANCEL: 15, K.CONVERT: 6, K.KEEP: 11}).rate == Decimal("66")
    assert services.reduction_figures(counts={K.CANCEL: 1, K.KEEP: 1}).rate == Decimal("50")
    assert services.reduction_figures(counts={K.CANCEL: 1, K.KEEP: 7}).rate == Decimal("13")  # 12.5 → 13, half up
    assert services.reduction_figures(counts={"": 4}).rate is None  # nothing decided yet
    assert services.reduction_figures(counts={"": 4}).rate_text == "—"


def test_seed_campaign_32_reviewed_21_cut_66_percent(world) -> None:  # type: ignore[no-untyped-def]
    institutions = [make_institution(world.bureau) for _ in range(32)]
    campaign = services.review_campaign_create(
        name="重新审核", started_on=__import__("datetime").date(2026, 3, 1), by=world.bureau
    )
    assert services.review_campaign_enrol(campaign=campaign, institutions=institutions, by=world.bureau) == 32
    assert all(i.status == InstitutionStatus.UNDER_REVIEW for i in institutions)
    assert campaign_figures(campaign=campaign).reviewed == 0  # enrolled is not reviewed

    outcomes = [K.CANCEL] * 15 + [K.CONVERT] * 6 + [K.KEEP] * 8 + [K.RECTIFY] * 3
    for i, outcome in zip(institutions, outcomes, strict=True):
        services.review_outcome_record(
            campaign=campaign,
            institution=i,
            outcome=outcome,
            new_kind="arts" if outcome == K.CONVERT else "",
            by=world.bureau,
        )
    figures = campaign_figures(campaign=campaign)
    assert (figures.reviewed, figures.cut, figures.rate, figures.rate_text) == (32, 21, Decimal("66"), "66%")
    statuses = sorted(i.status for i in institutions)
    assert statuses.count(InstitutionStatus.CANCELLED) == 15
    assert statuses.count(InstitutionStatus.CONVERTED) == 6
    assert statuses.count(InstitutionStatus.RECTIFYING) == 3

    # An outcome is decided once; a closed campaign takes no more.
    with pytest.raises(services.InstitutionError):
        services.review_outcome_record(campaign=campaign, institution=institutions[0], outcome=K.KEEP, by=world.bureau)
    services.review_campaign_close(campaign=campaign, by=world.bureau)
    with pytest.raises(services.InstitutionError):
        services.review_campaign_enrol(
            campaign=campaign, institutions=[make_institution(world.bureau)], by=world.bureau
        )
    assert institution_figures().reduction == figures

    page = login(world.bureau).get(reverse("institutions:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="rate">66%' in html and 'data-testid="cut">21' in html


def test_campaign_cannot_close_with_pending_outcomes(world) -> None:  # type: ignore[no-untyped-def]
    import datetime

    i = make_institution(world.bureau)
    campaign = services.review_campaign_create(name="抽查", started_on=datetime.date(2026, 3, 1), by=world.bureau)
    services.review_campaign_enrol(campaign=campaign, institutions=[i], by=world.bureau)
    with pytest.raises(services.InstitutionError):
        services.review_campaign_close(campaign=campaign, by=world.bureau)
    assert campaign.closed_on is None


def test_campaign_through_its_pages(world) -> None:  # type: ignore[no-untyped-def]
    """Bureau staff create a campaign, enrol every subject institution that
    may operate (not the non-subject or cancelled ones), record an outcome
    per institution and close it; the figures follow."""
    import datetime

    from supervision.models import ReviewCampaign, ReviewOutcome

    subject = [make_institution(world.bureau) for _ in range(3)]
    sports = make_institution(world.bureau, kind="sports")
    gone = make_institution(world.bureau)
    services.institution_cancel(institution=gone, by=world.bureau, reason="已停办")
    staff = login(world.bureau)
    response = staff.post(reverse("institutions:campaigns"), {"name": "学科类机构重新审核", "started_on": "2026-03-01"})
    campaign = ReviewCampaign.objects.get()
    assert response.status_code == 302 and campaign.started_on == datetime.date(2026, 3, 1)

    staff.post(reverse("institutions:campaign_enrol", args=[campaign.pk]))
    rows = {o.institution_id: o for o in ReviewOutcome.objects.filter(campaign=campaign)}
    assert set(rows) == {i.pk for i in subject}
    assert sports.pk not in rows and gone.pk not in rows

    def record(i, **data):  # type: ignore[no-untyped-def]
        url = reverse("institutions:campaign_outcome", args=[campaign.pk, rows[i.pk].pk])
        return staff.post(url, data, follow=True)

    # A conversion needs the kind it converts to: refused with a message, nothing changes.
    response = record(subject[0], outcome=K.CONVERT, new_kind="", reason="转型")
    assert response.context["messages"] and ReviewOutcome.objects.get(pk=rows[subject[0].pk].pk).outcome == ""
    record(subject[0], outcome=K.CONVERT, new_kind="science", reason="转型科技类")
    record(subject[1], outcome=K.CANCEL, reason="不符合设置标准")
    # Not closed while one is pending.
    staff.post(reverse("institutions:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.closed_on is None
    record(subject[2], outcome=K.KEEP)
    staff.post(reverse("institutions:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.closed_on is not None
    statuses = dict(type(sports).objects.filter(pk__in=[i.pk for i in subject]).values_list("pk", "status"))
    assert [statuses[i.pk] for i in subject] == [
        InstitutionStatus.CONVERTED,
        InstitutionStatus.CANCELLED,
        InstitutionStatus.REGISTERED,
    ]
    html = staff.get(reverse("institutions:campaigns")).content.decode()
    assert "学科类机构重新审核" in html
    figures = campaign_figures(campaign=campaign)
    assert (figures.reviewed, figures.cut, figures.rate_text) == (3, 2, "67%")
