from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    """Tasks run in-process in these tests even when REDIS_URL names a real
    Redis, so that e-mails land in the locmem outbox."""
    from jianfu.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process even when REDIS_URL points the suite at a
    real broker, for tests that check what a task does (the e-mail it sends)."""
    from jianfu import celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
