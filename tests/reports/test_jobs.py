"""The report job's state machine: claim, run once, survive a second run,
re-check permissions, sweep lost jobs."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.jobs import services
from reports.models import JobStatus, ReportJob

pytestmark = pytest.mark.django_db

KIND = "district_roster_xlsx"


def _pending(user) -> ReportJob:  # type: ignore[no-untyped-def]
    return ReportJob.objects.create(kind=KIND, params={}, requested_by=user)


def test_request_runs_in_process_without_redis(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(kind=KIND, params={}, by=world.bureau)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.progress == 100
    assert job.file.name.endswith(".xlsx")
    assert job.attempts == 1


def test_bad_parameters_are_refused_and_nothing_recorded(world) -> None:  # type: ignore[no-untyped-def]
    from django import forms

    with pytest.raises(forms.ValidationError):
        services.job_request(kind=KIND, params={"on": "not a date"}, by=world.bureau)
    assert ReportJob.objects.count() == 0


def test_running_twice_produces_one_file(world) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    assert services.job_run(job_id=job.pk) is True
    first = ReportJob.objects.get(pk=job.pk).file.name
    assert services.job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.file.name == first
    assert job.attempts == 1


def test_second_run_cannot_claim_while_lease_is_alive(world) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    assert services._claim(job.pk) is not None
    assert services.job_run(job_id=job.pk) is False
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_expired_lease_is_taken_over_and_the_dead_run_cannot_store(world) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    claim = services._claim(job.pk)
    assert claim is not None
    _, dead_token = claim
    ReportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.job_run(job_id=job.pk) is True
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert job.claim_token != dead_token


def test_permission_checked_again_inside_the_task(world) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    world.bureau.role = "principal"
    world.bureau.school = world.school_a
    world.bureau.save()
    assert services.job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "不再有权" in job.error
    assert not job.file


def test_deactivated_requester_gets_no_file(world) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    world.bureau.is_active = False
    world.bureau.save()
    services.job_run(job_id=job.pk)
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_sweeper_requeues_lost_jobs_and_gives_up_after_attempts(world) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - datetime.timedelta(minutes=5)
    lost = _pending(world.bureau)
    ReportJob.objects.filter(pk=lost.pk).update(created_at=old)
    fresh = _pending(world.bureau)
    dead = _pending(world.bureau)
    ReportJob.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING, attempts=3, lease_expires_at=old, created_at=old
    )
    queued = services.jobs_sweep()
    assert queued == [lost.pk]  # eager: it ran at once
    assert ReportJob.objects.get(pk=lost.pk).status == JobStatus.DONE
    assert ReportJob.objects.get(pk=fresh.pk).status == JobStatus.PENDING
    assert ReportJob.objects.get(pk=dead.pk).status == JobStatus.FAILED


def test_failing_exporter_records_the_error(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reports.exports.base import get_exporter

    exporter = get_exporter(KIND)

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(exporter, "render", boom)
    job = _pending(world.bureau)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.error


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_other_roles_cannot_reach_bureau_reports(world, persona) -> None:  # type: ignore[no-untyped-def]
    job = _pending(world.bureau)
    services.job_run(job_id=job.pk)
    client = Client()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("reports:list")).status_code == 404
    assert client.post(reverse("reports:request", args=[KIND])).status_code == 404
    for name in ("reports:job", "reports:job_status", "reports:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert ReportJob.objects.count() == 1


def test_anonymous_is_sent_to_login(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("reports:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bureau_requests_and_downloads_through_pages(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    assert "督学责任区名册" in client.get(reverse("reports:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request", args=[KIND]), {f"{KIND}-on": ""})
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    status = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_history_query_count_is_fixed(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world.bureau)
    for _ in range(2):
        _pending(world.bureau)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:list"))
    for _ in range(10):
        _pending(world.principal_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:list"))
    assert len(many) == len(few)


def test_semester_end_drafts_ranking_and_notice_once(scheme, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tests.factories import SchoolFactory

    SchoolFactory(name="甲小学")
    end = scheme.semester.end_date
    assert services.semester_reports_draft(today=end) == []  # not over yet
    with django_capture_on_commit_callbacks(execute=True):
        jobs = services.semester_reports_draft(today=end + dt.timedelta(days=1))
    assert sorted(j.kind for j in jobs) == ["ranking_xlsx", "semester_notice_pdf"]
    assert all(ReportJob.objects.get(pk=j.pk).status == JobStatus.DONE for j in jobs)
    assert services.semester_reports_draft(today=end + dt.timedelta(days=2)) == []
    assert services.semester_reports_draft(today=end + dt.timedelta(days=30)) == []


def test_finished_in_process_job_says_done_with_its_size(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """An eager run finishes before the page opens: the page shows the final
    state and the file size, not the last step's note."""
    client = Client()
    client.force_login(world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request", args=[KIND]), {f"{KIND}-on": ""})
    job = ReportJob.objects.get()
    assert job.progress_note == ""
    html = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'data-status="done">已完成</span>' in html
    size = job.file.size
    assert job.filename in html and ("KB" in html or f"{size} 字节" in html)
    assert client.get(reverse("reports:job_status", args=[job.pk])).json()["note"].startswith(job.filename)
