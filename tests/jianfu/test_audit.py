from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianfu.audit import audit_context, audit_record
from jianfu.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, SchoolFactory

pytestmark = pytest.mark.django_db


def test_create_change_delete_are_recorded_with_the_diff(world) -> None:  # type: ignore[no-untyped-def]
    with audit_context(user=world.bureau, ip="10.1.2.3"):
        school = SchoolFactory(name="审计小学")
        school.phone = "0573-1234567"
        school.save()
        school_id = school.pk
        school.delete()
    events = list(AuditEvent.objects.filter(object_type="schools.school", object_id=str(school_id)).order_by("id"))
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert all(e.username == world.bureau.username and e.ip_address == "10.1.2.3" for e in events)
    assert events[1].changes == {"phone": ["", "0573-1234567"]}


def test_admin_change_through_the_browser_is_attributed(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    url = reverse("admin:supervision_supervisorydistrict_change", args=[world.district_x.pk])
    data = {
        "name": "第一责任区（新）",
        "number": world.district_x.number,
        "description": "",
        "active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
    }
    response = client.post(url, data, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="supervision.supervisorydistrict", action=AuditAction.UPDATE)
    assert event.user == world.bureau and event.ip_address == "192.0.2.7"
    assert event.changes["name"] == ["第一责任区", "第一责任区（新）"]


def test_passwords_and_secrets_never_enter_the_trail(world) -> None:  # type: ignore[no-untyped-def]
    world.principal_a.set_password("another-secret-pass-1")
    world.principal_a.totp_secret = "JBSWY3DPEHPK3PXP"
    world.principal_a.save()
    for event in AuditEvent.objects.filter(object_type="jianfu.user"):
        text = str(event.changes)
        # The password field and its hash (must_change_password is a mere flag).
        assert "'password'" not in text and world.principal_a.password not in text
        assert "JBSWY3DPEHPK3PXP" not in text and "totp_secret" not in text


def test_sign_in_and_failures_are_recorded(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("login"), {"username": world.bureau.username, "password": "nope"}, REMOTE_ADDR="10.0.0.5")
    client.post(reverse("login"), {"username": world.bureau.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    actions = list(AuditEvent.objects.filter(action__in=["login", "login_failed"]).values_list("action", flat=True))
    assert sorted(actions) == ["login", "login_failed"]


def test_trail_cannot_be_changed_in_the_admin(world) -> None:  # type: ignore[no-untyped-def]
    audit_record(action=AuditAction.EXPORT, note="x", user=world.bureau)
    event = AuditEvent.objects.latest("id")
    client = Client()
    client.force_login(world.bureau)
    assert client.get(reverse("admin:jianfu_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:jianfu_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:jianfu_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_trail_is_append_only_in_postgresql(world, database_vendor) -> None:  # type: ignore[no-untyped-def]
    if database_vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    audit_record(action=AuditAction.EXPORT, note="x")
    event = AuditEvent.objects.latest("id")
    for attempt in (lambda: AuditEvent.objects.filter(pk=event.pk).update(note="changed"), event.delete):
        with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).note == "x"


def test_purge_keeps_at_least_184_days(world, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    settings.AUDIT_RETENTION_DAYS = 10  # below the floor: the floor wins
    audit_record(action=AuditAction.EXPORT, note="recent")
    recent = AuditEvent.objects.latest("id")
    # An entry from 200 days ago, inserted as time would have left it (the
    # trigger guards UPDATE and DELETE, not INSERT).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO jianfu_auditevent (at, username, action, object_type, object_id, object_repr, changes, note)"
            " VALUES (%s, '', 'export', '', '', '', '{}', 'old')",
            [timezone.now() - datetime.timedelta(days=200)],
        )
    call_command("purge_audit")
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert not AuditEvent.objects.filter(note="old").exists()
