"""The register's Excel gives each date as the bureau's day (Beijing), the
day the public page shows, never the UTC date of a stored time."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from supervision.institutions.exports import InstitutionRegisterExcel
from supervision.models import TrainingInstitution
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_status_since_is_the_beijing_day_of_a_change_at_0730(world) -> None:
    institution = make_institution(world.bureau)
    # 07:30 on 4 November in Beijing is 23:30 on 3 November in UTC.
    TrainingInstitution.objects.filter(pk=institution.pk).update(
        status_since=datetime.datetime(2026, 11, 4, 7, 30, tzinfo=BEIJING)
    )
    sheets = InstitutionRegisterExcel().sheets({}, user=world.bureau, progress=lambda *a: None)
    status_rows = [row for row in sheets[1].rows if row[0] == institution.credit_code]
    assert len(status_rows) == 1
    assert status_rows[0][3] == datetime.date(2026, 11, 4)
