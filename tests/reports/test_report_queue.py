"""Report runs go to CELERY_REPORTS_QUEUE, everything else stays on Celery's
default queue: a city's dedicated report workers consume only the former."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from jianfu.celery import app; r = app.amqp.router.route; "
    "print(*(r({}, t)['queue'].name for t in ('reports.run_report_job', 'reports.draft_semester_reports', "
    "'supervision.tasks.sweep_notifications', 'reports.sweep_report_jobs')))"
)


def _queues(**env: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={
            **{k: v for k, v in os.environ.items() if k != "CELERY_REPORTS_QUEUE"},
            "DJANGO_SETTINGS_MODULE": "jianfu.settings.test",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_one_queue_by_default() -> None:
    assert _queues() == ["celery"] * 4


def test_report_runs_to_their_own_queue_when_configured() -> None:
    assert _queues(CELERY_REPORTS_QUEUE="reports") == ["reports", "reports", "celery", "celery"]
