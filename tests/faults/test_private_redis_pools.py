"""The fault tests' own plumbing: a private Redis that gets a port an earlier
test's private Redis had gets a working broker pool, not the closed one
kombu kept under the same URL (a CI run failed so: "Acquire on closed
pool")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.faults.conftest import _detach_broker_pools
from tests.faults.services import PrivateRedis

pytestmark = [pytest.mark.services]


def test_a_port_used_before_gets_an_open_pool(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian redis-server) for a private Redis")
    from jianfu.celery import app

    port = PrivateRedis(tmp_path / "probe").port
    saved = app.conf.broker_url
    for turn in range(2):
        server = PrivateRedis(tmp_path / f"redis{turn}")
        server.port = port  # as the kernel may hand the released port out again
        server.start()
        app.conf.broker_url = server.url
        _detach_broker_pools(app, close=False)
        try:
            app.control.purge()  # takes a connection from the URL's pool
        finally:
            _detach_broker_pools(app, close=True)
            app.conf.broker_url = saved
            server.stop()
