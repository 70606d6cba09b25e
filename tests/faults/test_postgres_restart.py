"""PostgreSQL restarted: the portal's next requests succeed, no 500.

The portal keeps database connections open between requests (CONN_MAX_AGE)
and checks them before reuse (CONN_HEALTH_CHECKS), so a connection that the
restart killed is replaced instead of failing the request. A control server
with the check switched off shows that the test sees the difference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.services import ROOT, PrivateCluster, django_env, gunicorn, http_status

pytestmark = pytest.mark.services

SCHOOL_CODE = "3304000001"
MIGRATE_AND_SEED = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from schools.models import School
School.objects.create(code="{SCHOOL_CODE}", name="平湖市当湖街道中心小学", school_type="primary")
"""


def test_requests_succeed_after_postgres_restart(private_cluster: PrivateCluster, tmp_path: Path) -> None:
    env = django_env(DATABASE_URL=private_cluster.url())
    subprocess.run([sys.executable, "-c", MIGRATE_AND_SEED], cwd=ROOT, env=env, check=True, timeout=120)
    pages = ["/healthz/", f"/schools/{SCHOOL_CODE}/"]

    with (
        gunicorn(env, tmp_path / "portal.log") as portal,
        gunicorn({**env, "JIANFU_FAULTS_NO_HEALTH_CHECKS": "1"}, tmp_path / "control.log") as control,
    ):
        # Both servers hold an open connection from these requests.
        assert [http_status(portal + page) for page in pages] == [200, 200]
        assert [http_status(control + page) for page in pages] == [200, 200]

        private_cluster.restart()

        statuses = [http_status(portal + page) for page in pages * 3]
        assert statuses == [200] * 6, (tmp_path / "portal.log").read_text(errors="replace")[-3000:]
        # Without the health check the dead connection fails the next
        # request; the one after it reconnects.
        assert [http_status(control + page) for page in pages] == [500, 200]
