from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from jianfu.models import User
from jianfu.roles import Role
from schools.models import School, Semester
from supervision.models import DistrictMembership, Supervisor, SupervisorAssignment, SupervisoryDistrict

pytestmark = pytest.mark.django_db


def test_demo_district_matches_seed_000_and_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    call_command("demo_data")  # twice: nothing doubles
    out = capsys.readouterr().out
    assert "bureau" in out and "school01" in out

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
