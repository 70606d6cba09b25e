"""The audit trail exported to Excel for a range of days: only by bureau
staff holding ``jianfu.view_auditevent``; entries outside the range stay out;
the download itself is in the trail."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jianfu.audit import audit_record
from jianfu.models import AuditAction, AuditEvent, User
from jianfu.roles import SECTION_BASIC_EDUCATION
from reports.exports.base import get_exporter
from reports.jobs import services
from reports.jobs.selectors import exporters_for
from reports.models import JobStatus, ReportJob
from tests.factories import BureauUserFactory

pytestmark = pytest.mark.django_db

KIND = "audit_trail_xlsx"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _with_permission(user: Any) -> Any:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="jianfu", codename="view_auditevent"))
    return User.objects.get(pk=user.pk)  # a fresh permission cache


def _entry_at(monkeypatch: pytest.MonkeyPatch, at: datetime.datetime, note: str, user: Any = None) -> None:
    # ``at`` is set by the database layer (auto_now_add) and the trail refuses
    # updates in PostgreSQL: the clock is what moves.
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: at)
        audit_record(action=AuditAction.UPDATE, note=note, user=user, ip="10.9.8.7", changes={"name": ["旧", "=新"]})


def _rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    yield from sheet.iter_rows(values_only=True)


@pytest.fixture
def auditor(world):  # type: ignore[no-untyped-def]
    return _with_permission(world.bureau)


def test_export_holds_the_days_asked_for_and_nothing_else(  # type: ignore[no-untyped-def]
    auditor, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    # Local days: 23:59 on the last day is in, 00:00 on the next is out.
    _entry_at(monkeypatch, datetime.datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI), "before the range")
    _entry_at(monkeypatch, datetime.datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI), "first minute", user=auditor)
    _entry_at(monkeypatch, datetime.datetime(2026, 4, 30, 23, 59, tzinfo=SHANGHAI), "last minute")
    _entry_at(monkeypatch, datetime.datetime(2026, 5, 1, 0, 0, tzinfo=SHANGHAI), "after the range")
    client = Client()
    client.force_login(auditor)
    assert "审计" in client.get(reverse("reports:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request", args=[KIND]), {f"{KIND}-start": "2026-04-01", f"{KIND}-end": "2026-04-30"}
        )
    job = ReportJob.objects.get(kind=KIND)
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error

    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = list(_rows(b"".join(download.streaming_content)))  # type: ignore[arg-type]
    header = rows.index(next(r for r in rows if r and r[0] == "时间"))
    entries = [r for r in rows[header + 1 :] if r and r[0] is not None]
    assert [r[8] for r in entries] == ["first minute", "last minute"]
    first = entries[0]
    assert first[0] == datetime.datetime(2026, 4, 1, 0, 0)  # local time, as the bureau reads it
    assert (first[1], first[2], first[3]) == (auditor.username, "10.9.8.7", "修改")
    # The changes are text, and a value that looks like a formula stays text.
    assert '"=新"' in first[7]
    # Downloading the trail is itself in the trail.
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=auditor, object_id=str(job.pk)).exists()


def test_bureau_staff_without_the_permission_cannot_export_the_trail(world) -> None:  # type: ignore[no-untyped-def]
    # The supervision office's group holds the permission (jianfu.roles); the
    # basic-education section's does not.
    clerk = BureauUserFactory(section=SECTION_BASIC_EDUCATION)
    assert world.bureau.has_perm("jianfu.view_auditevent") and not clerk.has_perm("jianfu.view_auditevent")
    exporter = get_exporter(KIND)
    assert not exporter.allowed(clerk)
    assert exporter not in exporters_for(user=clerk)
    client = Client()
    client.force_login(clerk)
    assert "审计记录" not in client.get(reverse("reports:list")).content.decode()
    response = client.post(
        reverse("reports:request", args=[KIND]), {f"{KIND}-start": "2026-04-01", f"{KIND}-end": "2026-04-30"}
    )
    assert response.status_code == 404
    assert not ReportJob.objects.filter(kind=KIND).exists()


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_other_roles_cannot_export_the_trail_even_with_the_permission(world, persona) -> None:  # type: ignore[no-untyped-def]
    user = _with_permission(getattr(world, persona))
    assert user.has_perm("jianfu.view_auditevent")
    assert not get_exporter(KIND).allowed(user)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("reports:request", args=[KIND]), {f"{KIND}-start": "2026-04-01", f"{KIND}-end": "2026-04-30"}
    )
    assert response.status_code == 404


def test_a_colleague_without_the_permission_cannot_download_an_exported_trail(  # type: ignore[no-untyped-def]
    auditor, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(kind=KIND, params={"start": "2026-04-01", "end": "2026-04-02"}, by=auditor)
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.DONE
    colleague = Client()
    colleague.force_login(BureauUserFactory(section=SECTION_BASIC_EDUCATION))
    assert colleague.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    auditor_client = Client()
    auditor_client.force_login(auditor)
    assert auditor_client.get(reverse("reports:job_download", args=[job.pk])).status_code == 200


@pytest.mark.parametrize(
    ("start", "end"), [("2026-04-30", "2026-04-01"), ("2025-01-01", "2026-04-30"), ("", "2026-04-30")]
)
def test_backwards_too_long_or_open_ranges_are_refused(auditor, start, end) -> None:  # type: ignore[no-untyped-def]
    from django import forms

    with pytest.raises(forms.ValidationError):
        services.job_request(kind=KIND, params={"start": start, "end": end}, by=auditor)
    assert not ReportJob.objects.filter(kind=KIND).exists()
