"""Indicators: each is one small class that scores every school of a semester
from 0 (worst) to 1 (best) and says why, with the records behind the score.

An indicator computes all schools at once with a fixed number of aggregate
queries. One whose data does not exist for the semester (no visits logged
yet, say) reports itself unavailable: the scheme leaves it out of the total
visibly, and its weight is not redistributed silently but shown as excluded.

No data is not good data: for a school without the records an indicator
reads, the result is ``assessed=False`` ("not assessed"), and the weight
leaves that school's maximum, unless the scheme states a default value for
the indicator (``no_data_value`` in the weight's parameters).
New indicators register with ``reports.registry.indicator``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.urls import reverse
from django.utils.functional import Promise

from schools.models import Semester


@dataclass
class Evidence:
    """One record behind a score: what it is, and where to find it."""

    label: str
    url: str = ""


@dataclass
class IndicatorResult:
    value: float  # 0..1, 1 is best
    detail: str  # one line in Chinese: how the value came about
    evidence: list[Evidence] = field(default_factory=list)
    assessed: bool = True  # False: no records for this school; the weight leaves its maximum


def not_assessed(detail: str) -> IndicatorResult:
    """The result for a school without the records an indicator reads."""
    return IndicatorResult(0.0, detail, assessed=False)


class Indicator:
    key: ClassVar[str]
    verbose_name: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    default_weight: ClassVar[float] = 10.0
    # Evidence a school's own account may see in its explanation; False for
    # indicators whose records are complaint details.
    evidence_for_schools: ClassVar[bool] = True

    def available(self, semester: Semester) -> bool:
        """Whether the data this indicator reads exists for the semester."""
        return True

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        raise NotImplementedError


_PLACEHOLDERS = ("9000000001", "9000000002", "9000000003")


def evidence_url(name: str, arity: int = 1) -> Callable[..., str]:
    """``reverse(name, args=...)`` for many records: the URL is reversed once
    with placeholder ids, which each call replaces with the record's own
    (reversing per record was about a third of a province's scoring time).
    For URL patterns whose ``arity`` arguments are integer ids."""
    template = reverse(name, args=[int(p) for p in _PLACEHOLDERS[:arity]])

    def make(*args: int) -> str:
        url = template
        for placeholder, value in zip(_PLACEHOLDERS[:arity], args, strict=True):
            url = url.replace(placeholder, str(int(value)))
        return url

    return make
