"""The demo district (``manage.py demo_data``) as the README's quick start
builds it on today's date: the district of seed 000, the pledges and
self-checks, the institutions of seed 002, the score runs, the register
upload left to confirm, and nothing doubled by a second run.

The demo is built (twice) once for this module, inside a transaction rolled
back after its last test, and each test reads it inside its own savepoint:
building it is ten seconds, and six modules each built it twice. The
demo on a fixed day is read in ``test_demo_on_a_fixed_day.py``."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from jianfu.demo import build_demo
from jianfu.models import User
from jianfu.roles import Role
from reports.models import ModelSchoolRound, RoundStatus, RunStatus, SchoolScore, ScoreRun
from schools.models import ImportBatch, ImportStatus, School, SchoolPledge, SelfCheck, Semester
from schools.register.demo import DEMO_FILE_NAME
from schools.register.services import import_batch_apply
from schools.selfchecks.selectors import selfcheck_rounds_with_rates
from supervision.institutions.selectors import institution_figures
from supervision.models import (
    DistrictMembership,
    InstitutionKind,
    ListEntry,
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
    TrainingInstitution,
)
from tests.demo_built import BuiltTwice, demo_built_twice

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Built]:
    out = io.StringIO()
    with django_db_blocker.unblock(), demo_built_twice(lambda: call_command("demo_data", stdout=out)) as built:
        yield Built(output=out.getvalue(), first=built.first, second=built.second)


@dataclass(frozen=True)
class Built(BuiltTwice):
    output: str = ""


def test_a_second_run_adds_nothing_anywhere(demo: Built) -> None:
    assert demo.second == demo.first
    assert demo.first[School._meta.label] == 31 and demo.first[SelfCheck._meta.label] > 0


def test_demo_district_matches_seed_000(demo: Built) -> None:
    assert "bureau" in demo.output and "school01" in demo.output
    assert School.objects.count() == 31
    assert SupervisoryDistrict.objects.count() == 10
    assert Supervisor.objects.count() == 46
    assert Counter(Supervisor.objects.values_list("kind", flat=True)) == {
        "full_time": 3,
        "part_time": 40,
        "special": 3,
    }
    assert len({s.school_type for s in School.objects.all()}) == 4
    today = datetime.date.today()
    for district in SupervisoryDistrict.objects.all():
        schools = DistrictMembership.objects.active_on(today).filter(district=district).count()
        sups = SupervisorAssignment.objects.active_on(today).filter(district=district).count()
        assert 3 <= schools <= 10, district
        assert 2 <= sups <= 4, district
    assert User.objects.filter(role=Role.PRINCIPAL).count() == 31
    assert set(User.objects.filter(role=Role.PRINCIPAL).values_list("school", flat=True)) == set(
        School.objects.values_list("pk", flat=True)
    )
    assert User.objects.filter(role=Role.BUREAU, username="bureau", is_staff=True).exists()
    admin = User.objects.get(username="admin01")
    assert admin.has_perm("jianfu.create_account") and admin.has_perm("jianfu.reset_account")
    assert Semester.objects.current() is not None


def test_demo_has_pledges_and_selfchecks(demo: Built) -> None:
    assert SchoolPledge.objects.filter(signed_on__isnull=True).exists()  # something to remind
    rates = selfcheck_rounds_with_rates()
    assert len(rates) == 3  # two monthly rounds and the cross-check demo's semester round
    assert all(r.reported <= r.expected for r in rates)
    for selfcheck in SelfCheck.objects.exclude(status="draft"):
        selfcheck.full_clean()


def test_nothing_in_the_demo_happened_after_now(demo: Built) -> None:
    """Every recorded moment of the demo (events, submissions, reviews,
    receipts) lies before the moment it was built: a self-check returned
    "in four days" showed a date ahead of today. And a return comment about
    the "mostly" items is only given where some item is "mostly"."""
    from django.db import models
    from django.utils import timezone

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


def test_demo_institutions_follow_seed_002(demo: Built) -> None:
    """32 subject institutions re-reviewed, 21 cut (66 %), a few non-subject
    ones, one black-listed."""
    figures = institution_figures()
    assert figures.reduction is not None
    assert (figures.reduction.reviewed, figures.reduction.cut, figures.reduction.rate_text) == (32, 21, "66%")
    assert figures.black_listed == 1
    assert TrainingInstitution.objects.count() == 36
    assert (
        TrainingInstitution.objects.exclude(kind=InstitutionKind.SUBJECT).filter(review_outcomes__isnull=True).count()
        == 4
    )
    assert ListEntry.objects.filter(published=False).count() == 1  # one draft, never public


def test_demo_scores_runs_and_model_schools(demo: Built) -> None:
    """One published run for the last semester, a draft for the current
    one, and a model-school selection in its public notice."""
    today = datetime.date.today()
    current = Semester.objects.current(today)
    last = Semester.objects.filter(end_date__lt=current.start_date).order_by("-start_date").first()
    assert ScoreRun.objects.get(scheme__semester=current).status == RunStatus.DRAFT
    published = ScoreRun.objects.get(scheme__semester=last)
    assert published.status == RunStatus.PUBLISHED and published.document_number
    round = ModelSchoolRound.objects.get()
    assert round.status == RoundStatus.PUBLICITY and round.publicity_start <= today <= round.publicity_end
    assert round.candidates.filter(included=True).exists()
    # The seed-001 policy: visit findings wait for confirmation, so few schools are vetoed.
    draft_scores = SchoolScore.objects.filter(run__scheme__semester=current)
    assert draft_scores.filter(vetoed=True).count() < 7


def test_demo_has_a_pending_register_import_that_a_rebuild_leaves_alone(demo: Built) -> None:
    """The demo leaves a register upload for the demo bureau account to
    confirm; once confirmed, building the demo again (inside this test's
    savepoint) uploads nothing more and still builds."""
    batch = ImportBatch.objects.get(file_name=DEMO_FILE_NAME)
    assert batch.status == ImportStatus.PENDING
    assert (batch.count("create"), batch.count("update")) == (1, 2)

    import_batch_apply(batch=batch, by=batch.created_by)
    assert School.objects.get(code="3133000099").name == "示范区新城小学"

    build_demo()  # the fixture's day: today
    assert ImportBatch.objects.filter(file_name=DEMO_FILE_NAME).count() == 1
