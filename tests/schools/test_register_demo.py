"""The demo leaves a register upload for the demo bureau account to confirm."""

from __future__ import annotations

import pytest

from jianfu.demo import build_demo
from schools.models import ImportBatch, ImportStatus, School
from schools.register.demo import DEMO_FILE_NAME
from schools.register.services import import_batch_apply

pytestmark = pytest.mark.django_db


def test_demo_has_a_pending_register_import_and_stays_idempotent() -> None:
    build_demo()
    batch = ImportBatch.objects.get(file_name=DEMO_FILE_NAME)
    assert batch.status == ImportStatus.PENDING
    assert (batch.count("create"), batch.count("update")) == (1, 2)

    import_batch_apply(batch=batch, by=batch.created_by)
    assert School.objects.get(code="3133000099").name == "示范区新城小学"

    build_demo()  # again: no second upload, and the demo register still builds
    assert ImportBatch.objects.filter(file_name=DEMO_FILE_NAME).count() == 1
