"""Fixtures shared by the whole suite: the role personas of ENGINEERING.md.

Two schools in two districts, each with its principal and supervisor, so that
every scoping test has an outsider at hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection

from tests.factories import (
    BureauUserFactory,
    DistrictMembershipFactory,
    PrincipalFactory,
    SchoolFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    SupervisoryDistrictFactory,
)


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"jianfu: database {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']}), "
        f"celery {'broker ' + settings.CELERY_BROKER_URL.split('@')[-1] if settings.REDIS_URL else 'eager'}"
    ]


@dataclass
class World:
    school_a: object
    school_b: object
    district_x: object
    district_y: object
    bureau: object
    principal_a: object
    principal_b: object
    supervisor_x: object
    supervisor_y: object


@pytest.fixture
def world(db: None) -> World:
    start = datetime.date(2024, 9, 1)
    school_a = SchoolFactory(name="甲小学")
    school_b = SchoolFactory(name="乙中学")
    district_x = SupervisoryDistrictFactory(name="第一责任区")
    district_y = SupervisoryDistrictFactory(name="第二责任区")
    DistrictMembershipFactory(school=school_a, district=district_x, start_date=start)
    DistrictMembershipFactory(school=school_b, district=district_y, start_date=start)
    sup_x = SupervisorFactory(name="督学甲")
    sup_y = SupervisorFactory(name="督学乙")
    SupervisorAssignmentFactory(supervisor=sup_x, district=district_x, start_date=start)
    SupervisorAssignmentFactory(supervisor=sup_y, district=district_y, start_date=start)
    return World(
        school_a=school_a,
        school_b=school_b,
        district_x=district_x,
        district_y=district_y,
        bureau=BureauUserFactory(),
        principal_a=PrincipalFactory(school=school_a),
        principal_b=PrincipalFactory(school=school_b),
        supervisor_x=sup_x.user,
        supervisor_y=sup_y.user,
    )


@pytest.fixture
def database_vendor() -> str:
    return connection.vendor
