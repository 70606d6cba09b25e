"""Redis stopped: requests are answered at once, report jobs are recorded and
run when Redis is back, and the cache turns into an empty one instead of an
error. (The public complaint form joins these tests when it is merged: see
conftest.py for how.)"""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from reports.models import JobStatus, ReportJob
from tests.faults.services import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_report_request_with_redis_down_is_recorded_and_runs_when_redis_returns(  # type: ignore[no-untyped-def]
    world, redis_down, client, request
) -> None:
    client.force_login(world.bureau)
    started = time.monotonic()
    response = client.post(reverse("reports:request", args=["supervisor_sign_roster_pdf"]))
    elapsed = time.monotonic() - started

    assert elapsed < 2, f"the request took {elapsed:.2f}s with Redis down"
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    # The pages around it still work, quickly.
    started = time.monotonic()
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    assert client.get(reverse("reports:job_status", args=[job.pk])).json()["status"] == JobStatus.PENDING
    assert client.get(reverse("reports:list")).status_code == 200
    assert time.monotonic() - started < 2

    redis_down.start()
    # The message was lost with Redis: the queue is empty, only the row knows.
    assert redis_down.client().llen("celery") == 0
    worker = request.getfixturevalue("real_worker")
    out = StringIO()
    call_command("sweep_report_jobs", "--older-than", "0", stdout=out)
    assert out.getvalue().strip() == "1"

    done = wait_until(
        lambda: ReportJob.objects.filter(pk=job.pk, status=JobStatus.DONE).first(), 60, "job finished by the worker"
    )
    assert done.attempts == 1
    assert done.file.read()[:4] == b"%PDF"
    assert worker.proc.poll() is None


def test_cache_degrades_while_redis_is_down_and_recovers(redis_down, caplog) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    assert cache.get("answer", "default") == "default"
    assert cache.set("answer", 42) is None
    assert cache.add("answer", 42) is False
    assert cache.get_many(["answer", "other"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("answer") is False
    assert cache.delete("answer") is False
    assert cache.get_or_set("answer", 7) == 7
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert time.monotonic() - started < 2
    assert "cache get failed" in caplog.text

    redis_down.start()
    # Redis is left alone for RETRY_AFTER seconds after a failure, then used again.
    retry_after = cache.retry_after  # type: ignore[attr-defined]
    assert 0 < retry_after <= 10
    assert cache.get("answer", "still paused") == "still paused"
    time.sleep(retry_after + 0.1)
    cache.set("answer", 42)
    assert cache.get("answer") == 42
    assert redis_down.client().dbsize() == 1
