"""The scoring engine on small hand-computed cases. The indicators here are
defined by the test (scores read from the school's name) so that the sums are
easy to check by hand; the real indicators have their own tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports import registry
from reports.models import SchemeWeight, ScoringScheme, VetoRule
from reports.scoring.engine import scores_compute
from reports.scoring.indicators import Indicator, IndicatorResult, not_assessed
from tests.factories import DistrictMembershipFactory, SchoolFactory, SemesterFactory

pytestmark = pytest.mark.django_db


def test_totals_ranks_and_excluded_indicator(scheme) -> None:  # type: ignore[no-untyped-def]
    a = SchoolFactory(name="甲小学")
    b = SchoolFactory(name="乙小学")
    c = SchoolFactory(name="丙中学", school_type="junior")
    d = SchoolFactory(name="丁小学")
    DistrictMembershipFactory(school=a)
    run = scores_compute(scheme=scheme)
    scores = {s.school_id: s for s in run.scores.all()}
    # 甲: 60×1 + 40×0.5 = 80; 乙: 30 + 40 = 70; 丙: 0; 丁 ties with 甲.
    assert scores[a.pk].total == Decimal("80.00") and scores[d.pk].total == Decimal("80.00")
    assert scores[b.pk].total == Decimal("70.00") and scores[c.pk].total == Decimal("0.00")
    assert scores[a.pk].max_total == Decimal("100")  # the no-data indicator's 25 points are not counted
    assert (scores[a.pk].rank, scores[d.pk].rank, scores[b.pk].rank, scores[c.pk].rank) == (1, 1, 3, 4)
    assert scores[c.pk].rank_in_type == 1  # the only junior school
    assert scores[b.pk].rank_in_type == 3
    assert run.excluded == {"test_nodata": "本学期无数据"}
    assert scores[a.pk].rank_in_district == 1 and scores[b.pk].rank_in_district is None


def test_score_explains_itself(scheme) -> None:  # type: ignore[no-untyped-def]
    b = SchoolFactory(name="乙小学")
    score = scores_compute(scheme=scheme).scores.get(school=b)
    first, second, nodata = score.breakdown
    assert (first["indicator"], first["points"], first["lost"], first["detail"]) == (
        "test_first",
        "30.00",
        "30.00",
        "乙小学 一",
    )
    assert (second["points"], second["lost"]) == ("40.00", "0.00")
    assert nodata == {"indicator": "test_nodata", "name": "无数据指标", "excluded": "本学期无数据"}


def test_vetoed_school_ranks_after_all_others_with_reason(scheme) -> None:  # type: ignore[no-untyped-def]
    a = SchoolFactory(name="甲小学")
    c = SchoolFactory(name="丙中学")
    VetoRule.objects.create(name="有偿家教", kind="test_veto", params={"school": a.pk})
    run = scores_compute(scheme=scheme)
    scores = {s.school_id: s for s in run.scores.all()}
    assert scores[a.pk].vetoed and scores[a.pk].rank == 2
    assert scores[c.pk].rank == 1
    assert scores[a.pk].veto_reason == "有偿家教：有偿家教查实"
    assert scores[a.pk].total == Decimal("80.00")  # the score itself stays visible


def test_run_keeps_the_weights_it_used(scheme) -> None:  # type: ignore[no-untyped-def]
    SchoolFactory(name="甲小学")
    run = scores_compute(scheme=scheme)
    SchemeWeight.objects.filter(indicator="test_first").update(weight=Decimal("10"))
    assert run.weights == {"test_first": "60.00", "test_second": "40.00"}


def test_query_count_does_not_grow_with_schools(scheme, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in "甲乙":
        SchoolFactory(name=f"{name}小学{name}")
    with CaptureQueriesContext(connection) as few:
        scores_compute(scheme=scheme)
    for i in range(30):
        SchoolFactory(name=f"丙{i}")
    with CaptureQueriesContext(connection) as many:
        scores_compute(scheme=scheme)
    assert len(many) == len(few)


class SparseTest(Indicator):
    """Assesses two schools in three: the others have nothing assessed, so
    their score is empty and they rank after the assessed ones."""

    key = "test_sparse"
    verbose_name = "部分指标"

    def compute(self, semester, school_ids, params):  # type: ignore[no-untyped-def]
        return {pk: IndicatorResult((pk % 5) / 4, f"{pk}") if pk % 3 else not_assessed("无记录") for pk in school_ids}


def _stored(run) -> list[tuple]:  # type: ignore[no-untyped-def]
    fields = (
        "school_id",
        "total",
        "max_total",
        "score",
        "rank",
        "rank_in_type",
        "rank_in_district",
        "district_name",
        "vetoed",
        "veto_reason",
        "pending_veto",
        "breakdown",
    )
    return list(run.scores.order_by("school_id").values_list(*fields))


def _reference_ranks(run) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Competition ranks computed here, in Python, from the stored scores:
    vetoed after all, best score first; nothing assessed, no rank."""
    from schools.models import School

    types = dict(School.objects.values_list("pk", "school_type"))
    rows = [(r[0], r[8], r[3], r[7]) for r in _stored(run)]  # school, vetoed, score, district

    def key(row):  # type: ignore[no-untyped-def]
        return (row[1], -row[2])

    def rank(row, among):  # type: ignore[no-untyped-def]
        if row[2] is None:
            return None
        return 1 + sum(1 for other in among if other[2] is not None and key(other) < key(row))

    return [
        (
            row[0],
            rank(row, rows),
            rank(row, [o for o in rows if types[o[0]] == types[row[0]]]),
            rank(row, [o for o in rows if o[3] == row[3]]) if row[3] else None,
        )
        for row in rows
    ]


def _run_summary(run) -> tuple:  # type: ignore[no-untyped-def]
    return (run.weights, run.excluded, run.vetoes, run.inputs)


def test_chunked_scores_equal_unchunked(scheme) -> None:  # type: ignore[no-untyped-def]
    schools = [
        SchoolFactory(name=f"{'甲乙丙丁'[i % 4]}{i}", school_type="junior" if i % 3 == 0 else "primary")
        for i in range(13)
    ]
    first, second = DistrictMembershipFactory(school=schools[0]), DistrictMembershipFactory(school=schools[1])
    for i, school in enumerate(schools[2:9]):
        DistrictMembershipFactory(school=school, district=(first if i % 2 else second).district)
    VetoRule.objects.create(name="有偿家教", kind="test_veto", params={"school": schools[4].pk})
    sparse = ScoringScheme.objects.create(semester=SemesterFactory(term=2))
    SchemeWeight.objects.create(scheme=sparse, indicator="test_sparse", weight=Decimal("30"))
    with registry.indicators.temporarily(SparseTest.key, SparseTest()):
        for each in (scheme, sparse):
            whole = scores_compute(scheme=each)
            for size in (1, 2, 5):
                chunked = scores_compute(scheme=each, chunk_size=size)
                assert _stored(chunked) == _stored(whole), size
                assert _run_summary(chunked) == _run_summary(whole)
            assert [(r[0], r[4], r[5], r[6]) for r in _stored(whole)] == _reference_ranks(whole)
    # The case is not trivial: ties, vetoes, empty scores and district ranks occur.
    stored = _stored(whole)
    assert any(row[3] is None for row in stored) and any(row[3] is not None for row in stored)
    ranks = [row[4] for row in _stored(scores_compute(scheme=scheme, chunk_size=1))]
    assert len(set(ranks)) < len(ranks)
    assert any(row[8] for row in _stored(scores_compute(scheme=scheme, chunk_size=3)))


def test_queries_grow_by_a_fixed_number_per_chunk(scheme) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for i in range(3):
        SchoolFactory(name=f"甲{i}")
        SchoolFactory(name=f"乙{i}")
        with CaptureQueriesContext(connection) as queries:
            scores_compute(scheme=scheme, chunk_size=2)
        counts.append(len(queries))
    assert counts[2] - counts[1] == counts[1] - counts[0] > 0
