"""Settings of the processes the fault tests start (a Celery worker, gunicorn):
the test settings, plus the two things those tests vary through the
environment. Never used by the portal itself."""

import os
from pathlib import Path

from jianfu.settings.test import *  # noqa: F403

# The worker writes report files where the test looks for them, so that the
# test can count every file a job left on disk.
if os.environ.get("JIANFU_FAULTS_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["JIANFU_FAULTS_MEDIA_ROOT"])

# The control server of the PostgreSQL-restart test: without the health
# check, a connection the restart killed is used as is (and the request fails).
if os.environ.get("JIANFU_FAULTS_NO_HEALTH_CHECKS") == "1":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
