"""The bureau's clerks can list the records in the admin; class-days are
read only there (their totals come from the items)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import SemesterFactory
from tests.schools.factories import MONDAY, AfterSchoolPlanFactory, SchoolClassFactory, record_day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["schoolclass", "homeworkday", "afterschoolplan", "afterschoolday", "fivemanagementrecord"]
)
def test_bureau_lists_the_records_in_the_admin(world, model) -> None:  # type: ignore[no-untyped-def]
    day = record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    AfterSchoolPlanFactory(school=world.school_a, semester=SemesterFactory())
    client = Client()
    client.force_login(world.bureau)
    assert client.get(reverse(f"admin:schools_{model}_changelist")).status_code == 200
    if model == "homeworkday":
        assert client.get(reverse("admin:schools_homeworkday_add")).status_code == 403
        assert client.get(reverse("admin:schools_homeworkday_change", args=[day.pk])).status_code == 200
