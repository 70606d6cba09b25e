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


@shared_task(name="reports.archive_notice", acks_late=True, ignore_result=True)
def archive_notice(run_id: int) -> bool:
    """Generate and keep the notice of a published run."""
    from reports.scoring.services import notice_archive

    return notice_archive(run_id=run_id) is not None


@shared_task(name="reports.sweep_notices", ignore_result=True)
def sweep_notices() -> int:
    from reports.scoring.services import notices_sweep

    return notices_sweep()
