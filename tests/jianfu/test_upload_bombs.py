"""Spreadsheet bombs are refused before they are parsed, within seconds,
with a Chinese message and nothing saved: at the homework upload (any
principal) and the register import (bureau), which both read through
jianfu.xlsx.read_rows."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from jianfu import xlsx
from schools.homework.upload import HEADERS
from schools.models import GradeEnrolment, HomeworkDay, ImportBatch
from schools.register.imports import get_importer
from tests.jianfu import hostile_files
from tests.schools.register_files import school_cells, workbook_bytes

pytestmark = pytest.mark.django_db

PACKING = (
    "The file is damaged or abnormally compressed and cannot be read. "
    "Please save it again from Excel using the template."
)
TOO_BIG = (
    "The sheet is too large: %(rows)s rows and %(cols)s columns, at most %(max_rows)s rows and "
    "%(max_cols)s columns are accepted. Delete the unused rows and columns, or copy the data into "
    "the template."
)
TOO_MANY_ROWS = (
    "The sheet has more than %(n)s rows (blank rows included). Delete the unused rows, "
    "or copy the data into the template."
)
TOO_SLOW = (
    "Reading the file took too long (more than %(s)s seconds). "
    "Please copy the data into the template and upload it again."
)
LIMITS = {"max_rows": xlsx.MAX_SHEET_ROWS, "max_cols": xlsx.MAX_SHEET_COLUMNS}


def zh(message: str, **params: Any) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, "the message has no Chinese translation"
    return text % params if params else text


CASES: dict[str, tuple[Callable[[list[str]], bytes], str]] = {
    "dimension-A1:XFD1048576": (
        hostile_files.dimension_bomb,
        zh(TOO_BIG, rows=1048576, cols=16384, **LIMITS),
    ),
    "1-MB-zip-of-1-GiB": (hostile_files.zip_bomb, zh(PACKING)),
    "1048575-rows": (hostile_files.many_rows, zh(TOO_MANY_ROWS, n=xlsx.MAX_SHEET_ROWS)),
}


@pytest.fixture(scope="module")
def hostile() -> dict[tuple[str, str], bytes]:
    """Each hostile file, for both templates, built once per module."""
    headers = {"homework": list(HEADERS), "register": get_importer("schools").headers}
    return {(case, where): build(headers[where]) for case, (build, _) in CASES.items() for where in headers}


def test_the_files_are_what_the_attack_sent(hostile) -> None:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    for where in ("homework", "register"):
        assert len(hostile[("dimension-A1:XFD1048576", where)]) < 4096
        bomb = hostile[("1-MB-zip-of-1-GiB", where)]
        assert len(bomb) < 1_200_000
        with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
            assert archive.getinfo(hostile_files.SHEET).file_size > 1024**3
        rows = hostile[("1048575-rows", where)]
        with zipfile.ZipFile(io.BytesIO(rows)) as archive:
            assert archive.read(hostile_files.SHEET).count(b"<row ") == 1_048_575


def _refused_in_seconds(post: Callable[[], Any], message: str) -> None:
    # CPU time of this process, not wall-clock: the test machine is shared,
    # and what the guards bound is the work a worker spends on a file.
    started = time.process_time()
    response = post()
    elapsed = time.process_time() - started
    assert response.status_code in (200, 400)
    assert escape(message) in response.content.decode()
    # The attack kept a worker 25 to 90 s; the guards answer in about a second at most.
    assert elapsed < 8, f"took {elapsed:.1f} s of CPU"


@pytest.mark.parametrize("case", list(CASES))
def test_homework_upload_refuses_the_bomb_quickly_and_saves_nothing(world, hostile, case) -> None:  # type: ignore[no-untyped-def]
    GradeEnrolment.objects.create(school=world.school_a, grade=3, classes=1, pupils=40)
    client = Client()
    client.force_login(world.principal_a)
    url = reverse("homework_upload", args=[world.school_a.pk])
    upload = SimpleUploadedFile("作业.xlsx", hostile[(case, "homework")])
    _refused_in_seconds(lambda: client.post(url, {"file": upload}), CASES[case][1])
    assert not HomeworkDay.objects.exists()


@pytest.mark.parametrize("case", list(CASES))
def test_register_import_refuses_the_bomb_quickly_and_saves_nothing(world, hostile, case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    url = reverse("register_import", args=["schools"])
    upload = SimpleUploadedFile("名册.xlsx", hostile[(case, "register")])
    _refused_in_seconds(lambda: client.post(url, {"file": upload}), CASES[case][1])
    assert ImportBatch.objects.count() == 0


def test_a_read_past_its_time_budget_is_refused(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(xlsx, "READ_SECONDS", 0.0)
    client = Client()
    client.force_login(world.bureau)
    data = workbook_bytes("schools", [school_cells()])
    response = client.post(
        reverse("register_import", args=["schools"]), {"file": SimpleUploadedFile("名册.xlsx", data)}
    )
    assert escape(zh(TOO_SLOW, s=0)) in response.content.decode()
    assert ImportBatch.objects.count() == 0


def _stored_zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "members",
    [
        pytest.param(lambda: {f"xl/part{i}.xml": b"" for i in range(xlsx.MAX_ZIP_MEMBERS + 1)}, id="too-many-members"),
        # Stored, so its ratio is 1: only the declared size refuses it.
        pytest.param(lambda: {hostile_files.SHEET: b" " * (xlsx.MAX_PART_BYTES + 1)}, id="part-too-large"),
        pytest.param(
            lambda: {f"xl/part{i}.xml": b" " * (xlsx.MAX_TOTAL_BYTES // 3 + 1) for i in range(3)}, id="total-too-large"
        ),
    ],
)
def test_archive_limits_other_than_the_ratio(members) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.exceptions import ValidationError

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        xlsx.check_archive(io.BytesIO(_stored_zip(members())))
    assert exc.value.messages == [zh(PACKING)]
