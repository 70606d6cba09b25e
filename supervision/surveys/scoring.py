"""The survey indicator of the scoring scheme (optional: it counts only
where the scheme gives it a weight)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.registry import indicator
from reports.scoring.indicators import Evidence, Indicator, IndicatorResult
from schools.models import Semester

from .models import SurveyRound, SurveyTally
from .selectors import min_responses


def _rounds(semester: Semester) -> Any:
    """Rounds that closed within the semester (and by today)."""
    today = timezone.localdate()
    end = min(semester.end_date, today)
    return SurveyRound.objects.filter(
        Q(closes_on__gte=semester.start_date, closes_on__lte=end)
        | Q(closed_at__date__gte=semester.start_date, closed_at__date__lte=end)
    )


@indicator
class SurveyBurden(Indicator):
    key = "survey_burden"
    verbose_name = gettext_lazy("Burden reported by families")
    description = gettext_lazy(
        "Survey rounds closed this semester: 1 minus the average of the shares over the homework cap and short "
        "of sleep. Schools with too few responses are not counted against."
    )
    default_weight = 5

    def available(self, semester: Semester) -> bool:
        return _rounds(semester).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        rounds = list(_rounds(semester).values_list("pk", flat=True))
        rows = (
            SurveyTally.objects.filter(round_id__in=rounds, school_id__in=ids)
            .values("school_id", "round_id")
            .annotate(
                n=Sum("n"), hw_n=Sum("hw_n"), hw_over=Sum("hw_over"), sl_n=Sum("sleep_n"), sl_u=Sum("sleep_under")
            )
        )
        per_school: dict[int, list[tuple[int, float]]] = {}
        for row in rows:
            if row["n"] < min_responses():
                continue
            shares = [row["hw_over"] / row["hw_n"]] if row["hw_n"] else []
            shares += [row["sl_u"] / row["sl_n"]] if row["sl_n"] else []
            if shares:
                per_school.setdefault(row["school_id"], []).append((row["round_id"], sum(shares) / len(shares)))
        out: dict[int, IndicatorResult] = {}
        for school_id in ids:
            found = per_school.get(school_id)
            if not found:
                out[school_id] = IndicatorResult(1.0, _("not surveyed or too few responses; not counted against"))
                continue
            burden = sum(share for _r, share in found) / len(found)
            out[school_id] = IndicatorResult(
                max(0.0, 1.0 - burden),
                _("%(share).0f%% of answers over the homework cap or short of sleep") % {"share": burden * 100},
                [Evidence(_("Survey results"), reverse("surveys:school", args=[r, school_id])) for r, _s in found],
            )
        return out
