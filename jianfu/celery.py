"""The Celery application. Without REDIS_URL the settings make every task run
eagerly in-process, so the portal works with no broker at all."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianfu.settings.dev")

app = Celery("jianfu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Subject packages inside the jianfu app keep their own tasks modules.
app.autodiscover_tasks(["jianfu.accounts"])
