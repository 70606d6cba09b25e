"""A scoring scheme with indicators defined by the tests: a school's values
are read from the first character of its name, so totals are easy to check
by hand. The real indicators have tests of their own."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest

from reports import registry
from reports.models import SchemeWeight, ScoringScheme
from reports.registry import VetoKind
from reports.scoring.indicators import Indicator, IndicatorResult
from tests.factories import SemesterFactory

VALUES = {"甲": (1.0, 0.5), "乙": (0.5, 1.0), "丙": (0.0, 0.0), "丁": (1.0, 0.5)}


class FirstTest(Indicator):
    key = "test_first"
    verbose_name = "测试指标一"

    def compute(self, semester, school_ids, params):  # type: ignore[no-untyped-def]
        from schools.models import School

        return {
            s.pk: IndicatorResult(VALUES[s.name[0]][0], f"{s.name} 一")
            for s in School.objects.filter(pk__in=school_ids)
        }


class SecondTest(Indicator):
    key = "test_second"
    verbose_name = "测试指标二"

    def compute(self, semester, school_ids, params):  # type: ignore[no-untyped-def]
        from schools.models import School

        return {
            s.pk: IndicatorResult(VALUES[s.name[0]][1], f"{s.name} 二")
            for s in School.objects.filter(pk__in=school_ids)
        }


class NoData(Indicator):
    key = "test_nodata"
    verbose_name = "无数据指标"

    def available(self, semester):  # type: ignore[no-untyped-def]
        return False


@pytest.fixture
def test_registrations():  # type: ignore[no-untyped-def]
    """The test indicators and veto kind, registered for one test only."""
    with contextlib.ExitStack() as stack:
        for cls in (FirstTest, SecondTest, NoData):
            stack.enter_context(registry.indicators.temporarily(cls.key, cls()))
        check = lambda sem, ids, p: {p["school"]: "有偿家教查实"}  # noqa: E731
        stack.enter_context(registry.veto_kinds.temporarily("test_veto", VetoKind("test_veto", "测试否决", check)))
        yield


@pytest.fixture
def scheme(test_registrations):  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    scheme = ScoringScheme.objects.create(semester=semester)
    SchemeWeight.objects.create(scheme=scheme, indicator="test_first", weight=Decimal("60"))
    SchemeWeight.objects.create(scheme=scheme, indicator="test_second", weight=Decimal("40"))
    SchemeWeight.objects.create(scheme=scheme, indicator="test_nodata", weight=Decimal("25"))
    return scheme


def publish(run, number: str = "示教督〔2026〕1号"):  # type: ignore[no-untyped-def]
    """Mark a run published, as bureau staff's publication does (without the
    notice archive, which tests/reports/test_publication.py covers)."""
    from reports.models import RunStatus, ScoreRun

    ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.PUBLISHED, document_number=number)
    run.refresh_from_db()
    return run
