"""The demo's pledges and self-checks: present, consistent, and the same
after a second run."""

from __future__ import annotations

import pytest

from jianfu.demo import build_demo
from schools.models import PledgeText, SchoolPledge, SelfCheck, SelfCheckEvent, SelfCheckEvidence, SelfCheckRound
from schools.selfchecks.selectors import selfcheck_rounds_with_rates

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (PledgeText, SchoolPledge, SelfCheckRound, SelfCheck, SelfCheckEvent, SelfCheckEvidence)
    )


def test_demo_has_pledges_and_selfchecks_and_is_idempotent() -> None:
    build_demo()
    first = counts()
    assert all(first)
    assert SchoolPledge.objects.filter(signed_on__isnull=True).exists()  # something to remind
    rates = selfcheck_rounds_with_rates()
    assert len(rates) == 3  # two monthly rounds and the cross-check demo's semester round
    assert all(r.reported <= r.expected for r in rates)
    for selfcheck in SelfCheck.objects.exclude(status="draft"):
        selfcheck.full_clean()
    build_demo()
    assert counts() == first


def test_nothing_in_the_demo_happened_after_now() -> None:
    """Every recorded moment of the demo (events, submissions, reviews,
    receipts) lies before the moment it was built: a self-check returned
    "in four days" showed a date ahead of today. And a return comment about
    the "mostly" items is only given where some item is "mostly"."""
    from django.apps import apps
    from django.db import models
    from django.utils import timezone

    build_demo()
    now = timezone.now()
    future: list[str] = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField) and not field.name.endswith(("expires_at", "until", "due")):
                later = model.objects.filter(**{f"{field.name}__gt": now}).count()
                if later:
                    future.append(f"{model._meta.label}.{field.name}: {later}")
    assert future == [], "; ".join(future)
    for selfcheck in SelfCheck.objects.filter(review_comment__contains="基本符合"):
        assert selfcheck.results.filter(result="mostly").exists(), selfcheck.pk
