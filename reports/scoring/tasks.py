from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.compute_score_run", acks_late=True, ignore_result=True)
def compute_score_run(scheme_id: int, user_id: int | None = None) -> int:
    """Compute and store one run of the scheme; returns the run's id."""
    from jianfu.models import User
    from reports.models import ScoringScheme
    from reports.scoring.engine import scores_compute

    scheme = ScoringScheme.objects.select_related("semester").get(pk=scheme_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return scores_compute(scheme=scheme, by=user).pk
