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
