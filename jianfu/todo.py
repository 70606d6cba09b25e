"""The bureau's to-do panel on the overview: what needs someone today, each
with its count and a link to the list that shows exactly those rows.

Every rule is asked of the selector or queryset method that owns it (the
complaint deadlines, the overdue rectification, the self-check round's
rates, the monthly visit due day); nothing is re-implemented here. A fixed
number of queries whatever the amount of data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.jobs.selectors import jobs_visible_to
from reports.models import JobStatus
from schools.selfchecks.selectors import selfcheck_rounds_with_rates
from supervision.complaints.models import complaint_due_soon_q, complaint_overdue_q
from supervision.complaints.selectors import complaints_visible_to_bureau
from supervision.models import Rectification
from supervision.visits.coverage import coverage_overdue_count
from supervision.visits.models import month_bounds
from supervision.visits.selectors import month_due_passed

# Failed report jobs older than this are history, not a to-do.
FAILED_JOBS_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: Any
    count: int
    url: str
    note: Any = ""

    @property
    def urgent(self) -> bool:
        return self.count > 0


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def bureau_todo(*, user: Any, today: datetime.date | None = None) -> list[TodoItem]:
    """The to-do items of the overview. Nine queries."""
    day = today or timezone.localdate()
    cases = complaints_visible_to_bureau(user=user)
    items = [
        TodoItem(
            "complaints_overdue",
            _("Complaint cases past their time limit"),
            cases.filter(complaint_overdue_q(day)).count(),
            _url("complaints:staff_list", due="overdue"),
        ),
        TodoItem(
            "complaints_due_soon",
            _("Complaint cases near their time limit"),
            cases.filter(complaint_due_soon_q(day)).count(),
            _url("complaints:staff_list", due="soon"),
        ),
        TodoItem(
            "rectifications_overdue",
            _("Rectifications past their deadline"),
            Rectification.objects.overdue(day).count(),
            _url("rectification_list", state="overdue"),
        ),
    ]

    rounds = [r for r in selfcheck_rounds_with_rates(today=day) if r.late or r.missing]
    late = sum(r.late + r.missing for r in rounds)
    if len(rounds) == 1:
        late_url = _url("selfcheck_round_detail", rounds[0].round.pk, timing="missing" if rounds[0].missing else "late")
    else:
        late_url = _url("selfcheck_rounds")
    items.append(TodoItem("selfchecks_late", _("Self-checks late or missing"), late, late_url))

    failed = (
        jobs_visible_to(user=user)
        .filter(status=JobStatus.FAILED, finished_at__gte=timezone.now() - FAILED_JOBS_WINDOW)
        .count()
    )
    items.append(
        TodoItem("jobs_failed", _("Report jobs that failed this week"), failed, _url("reports:list", status="failed"))
    )

    # Overdue by the rule the supervisors' start page shows: after the
    # month's due day every school not visited yet; before it only those
    # not visited last month either (this item once counted 0 until the due
    # day while the supervisors' page already showed such schools overdue).
    first, _last = month_bounds(day)
    due = month_due_passed(month=first, today=day)
    items.append(
        TodoItem(
            "schools_unvisited",
            _("Schools overdue for their monthly visit"),
            coverage_overdue_count(today=day),
            _url("bureau_coverage", month=day.strftime("%Y-%m")),
            note="" if due else _("before the due day: only schools not visited last month either"),
        )
    )

    never = get_user_model().objects.filter(is_active=True, last_login__isnull=True).count()
    items.append(
        TodoItem(
            "accounts_never_signed_in",
            _("Accounts that have never signed in"),
            never,
            _url("admin:jianfu_user_changelist", last_login__isnull="True", is_active__exact="1"),
        )
    )
    return items
