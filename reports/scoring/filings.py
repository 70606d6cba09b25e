"""What pledges and self-checks bring to scores and the notice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.exports.notice import Section
from reports.models import ScoreRun
from reports.registry import indicator, notice_section
from reports.scoring.indicators import Evidence, Indicator, IndicatorResult, evidence_url, not_assessed
from schools.models import SchoolPledge, Semester
from schools.selfchecks.models import SelfCheck, SelfCheckRound, selfcheck_on_time_q
from schools.selfchecks.selectors import Timing, selfcheck_timing

# A round closing today and not yet submitted is pending: it weighs like a
# missing one until the school submits.
TIMING_VALUE = {Timing.ON_TIME: 1.0, Timing.LATE: 0.5, Timing.MISSING: 0.0, Timing.PENDING: 0.0}


@indicator
class PledgeSigned(Indicator):
    key = "pledge_signed"
    verbose_name = gettext_lazy("Responsibility pledge signed")
    description = gettext_lazy("The school year's pledge signed, with the signed copy on file.")
    default_weight = 5

    def available(self, semester: Semester) -> bool:
        return SchoolPledge.objects.filter(school_year_id=semester.school_year_id).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        pledges = {
            p.school_id: p
            for p in SchoolPledge.objects.filter(school_year_id=semester.school_year_id, school_id__in=ids).only(
                "school_id", "signed_on", "scan"
            )
        }
        out = {}
        pledge_url = evidence_url("school_pledge")
        label, not_signed = _("Pledge"), _("not signed")
        no_copy, signed = _("signed on %(day)s, signed copy missing"), _("signed on %(day)s")
        for school_id in ids:
            pledge = pledges.get(school_id)
            url = pledge_url(school_id)
            if pledge is None or pledge.signed_on is None:
                out[school_id] = IndicatorResult(0.0, not_signed, [Evidence(label, url)])
            elif not pledge.scan:
                out[school_id] = IndicatorResult(0.5, no_copy % {"day": pledge.signed_on}, [Evidence(label, url)])
            else:
                out[school_id] = IndicatorResult(1.0, signed % {"day": pledge.signed_on})
        return out


def _rounds(semester: Semester) -> Any:
    """Rounds that closed within the semester (and by today)."""
    today = timezone.localdate()
    return SelfCheckRound.objects.filter(
        closes_on__gte=semester.start_date, closes_on__lte=min(semester.end_date, today)
    )


@indicator
class SelfCheckTimeliness(Indicator):
    key = "selfcheck_timeliness"
    verbose_name = gettext_lazy("Self-checks on time")
    description = gettext_lazy("Self-check rounds closed this semester: on time counts 1, late 0.5, missing 0.")
    default_weight = 10

    def available(self, semester: Semester) -> bool:
        return _rounds(semester).exists()

    def compute(
        self, semester: Semester, school_ids: Iterable[int], params: dict[str, Any]
    ) -> dict[int, IndicatorResult]:
        ids = list(school_ids)
        today = timezone.localdate()
        rounds = {r.pk: r for r in _rounds(semester).only("pk", "title", "closes_on")}
        expected: dict[int, list[int]] = defaultdict(list)
        for round_id, school_id in SelfCheckRound.schools.through.objects.filter(
            selfcheckround_id__in=list(rounds), school_id__in=ids
        ).values_list("selfcheckround_id", "school_id"):
            expected[school_id].append(round_id)
        submitted: dict[tuple[int, int], SelfCheck] = {
            (sc.round_id, sc.school_id): sc
            for sc in SelfCheck.objects.filter(round_id__in=list(rounds), school_id__in=ids)
            .exclude(first_submitted_on=None)
            .only("round_id", "school_id", "first_submitted_on")
        }
        today = timezone.localdate()
        out = {}
        for school_id in ids:
            if not expected[school_id]:
                out[school_id] = not_assessed(_("no self-check round was due"))
                continue
            values, evidence = [], []
            counts = {Timing.ON_TIME: 0, Timing.LATE: 0, Timing.MISSING: 0}
            for round_id in expected[school_id]:
                # The one rule of lateness lives with the self-checks.
                timing = selfcheck_timing(
                    round=rounds[round_id], selfcheck=submitted.get((round_id, school_id)), today=today
                )
                counts[Timing.MISSING if timing == Timing.PENDING else timing] += 1
                values.append(TIMING_VALUE[timing])
                if timing != Timing.ON_TIME:
                    shown = Timing.LATE if timing == Timing.LATE else Timing.MISSING
                    evidence.append(
                        Evidence(
                            f"{rounds[round_id].title}（{shown.label}）",
                            reverse("selfcheck_page", args=[school_id, round_id]),
                        )
                    )
            out[school_id] = IndicatorResult(
                sum(values) / len(values),
                _("%(on_time)s on time, %(late)s late, %(missing)s missing")
                % {"on_time": counts[Timing.ON_TIME], "late": counts[Timing.LATE], "missing": counts[Timing.MISSING]},
                evidence,
            )
        return out


@notice_section(30)
def filings_section(semester: Semester, run: ScoreRun, params: dict[str, Any]) -> Section | None:
    year_pledges = SchoolPledge.objects.filter(school_year_id=semester.school_year_id)
    rounds = list(_rounds(semester))
    if not year_pledges.exists() and not rounds:
        return None
    from schools.models import School

    schools = School.objects.filter(active=True).count()
    signed = year_pledges.exclude(signed_on=None).count()
    paragraphs = [
        _("%(signed)s of %(n)s schools have signed this school year's responsibility pledge.")
        % {"signed": signed, "n": schools}
    ]
    if rounds:
        expected = SelfCheckRound.schools.through.objects.filter(selfcheckround__in=rounds).count()
        submitted = SelfCheck.objects.filter(round__in=rounds).exclude(first_submitted_on=None)
        on_time = submitted.filter(selfcheck_on_time_q(F("round__closes_on"))).count()
        paragraphs.append(
            _("%(rounds)s self-check rounds: %(submitted)s of %(expected)s self-checks submitted, %(on_time)s on time.")
            % {"rounds": len(rounds), "submitted": submitted.count(), "expected": expected, "on_time": on_time}
        )
    return Section(title=_("Pledges and self-checks"), paragraphs=paragraphs, summary=" ".join(paragraphs))
