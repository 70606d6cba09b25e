from __future__ import annotations

from celery import shared_task

from reports.jobs import services


@shared_task(name="reports.run_report_job", acks_late=True, ignore_result=True)
def run_report_job(job_id: int) -> bool:
    return services.job_run(job_id=job_id)


@shared_task(name="reports.sweep_report_jobs", ignore_result=True)
def sweep_report_jobs() -> int:
    return len(services.jobs_sweep())


@shared_task(name="reports.draft_semester_reports", ignore_result=True)
def draft_semester_reports() -> int:
    return len(services.semester_reports_draft())
