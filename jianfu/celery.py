"""The Celery application. Without REDIS_URL the settings make every task run
eagerly in-process, so the portal works with no broker at all."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianfu.settings.dev")

app = Celery("jianfu")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_packages() -> list[str]:
    """Every installed app of the portal and each of its subject packages
    (``supervision/complaints/``...): Celery's discovery imports ``<package>.tasks``
    where there is one."""
    from pathlib import Path

    from django.conf import settings

    packages = []
    for app in settings.INSTALLED_APPS:
        folder = Path(settings.BASE_DIR) / app.replace(".", "/")
        if not folder.is_dir():
            continue
        packages.append(app)
        packages += [f"{app}.{sub.name}" for sub in sorted(folder.iterdir()) if (sub / "tasks.py").exists()]
    return packages


app.autodiscover_tasks(_task_packages)
