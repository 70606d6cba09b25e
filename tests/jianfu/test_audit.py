from __future__ import annotations

import datetime
from typing import Any

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
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world.principal_a.set_password("another-secret-pass-1")
    world.principal_a.save()
    key = "48656c6c6f21deadbeef48656c6c6f21deadbeef"
    TOTPDevice.objects.create(user=world.principal_a, name="authenticator", key=key, confirmed=True)
    backup = StaticDevice.objects.create(user=world.principal_a, name="backup")
    StaticToken.objects.create(device=backup, token="backup42")
    assert AuditEvent.objects.filter(object_type="otp_totp.totpdevice", action=AuditAction.CREATE).exists()
    for event in AuditEvent.objects.all():
        text = str(event.changes)
        # The password field and its hash (must_change_password is a mere flag),
        # the device key and the backup codes are never in the trail.
        assert "'password'" not in text and world.principal_a.password not in text
        assert key not in text and "backup42" not in text


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


def test_deleting_a_user_with_entries_keeps_them_untouched(world) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the trigger refuses any UPDATE of the trail: deleting an
    account must not try to null its entries' user (it did, with SET_NULL)."""
    from jianfu.models import User
    from tests.factories import BureauUserFactory

    leaver = BureauUserFactory(username="leaver")
    Client().post(reverse("login"), {"username": "leaver", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    audit_record(action=AuditAction.EXPORT, note="by the leaver", user=leaver)
    leaver_id = leaver.pk
    with audit_context(user=world.bureau):
        leaver.delete()
    assert not User.objects.filter(pk=leaver_id).exists()
    kept = AuditEvent.objects.filter(note="by the leaver").values("user_id", "username").get()
    assert kept == {"user_id": leaver_id, "username": "leaver"}
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, object_type="jianfu.user", object_id=str(leaver_id)
    ).exists()
    # The admin still shows the entries of the deleted account.
    admin = Client()
    admin.force_login(BureauUserFactory(is_superuser=True))
    event = AuditEvent.objects.get(note="by the leaver")
    assert admin.get(reverse("admin:jianfu_auditevent_change", args=[event.pk])).status_code == 200


def test_group_and_permission_changes_are_recorded_from_either_side(world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group, Permission

    unmask = Permission.objects.get(codename="unmask_complainant")
    group = Group.objects.create(name="核查组")
    with audit_context(user=world.bureau, ip="10.4.4.4"):
        world.principal_a.user_permissions.add(unmask)
        world.principal_a.groups.add(group)
        group.permissions.add(unmask)
        group.user_set.remove(world.principal_a)
        world.principal_a.user_permissions.clear()
    events = list(AuditEvent.objects.filter(ip_address="10.4.4.4").order_by("id"))
    changes = [(e.object_type, e.changes) for e in events]
    assert ("jianfu.user", {"user_permissions": {"add": [unmask.pk], "names": [str(unmask)]}}) in changes
    assert ("jianfu.user", {"groups": {"add": [group.pk], "names": ["核查组"]}}) in changes
    assert ("auth.group", {"permissions": {"add": [unmask.pk], "names": [str(unmask)]}}) in changes
    assert ("auth.group", {"users": {"remove": [world.principal_a.pk], "names": [str(world.principal_a)]}}) in changes
    assert ("jianfu.user", {"user_permissions": {"remove": [unmask.pk], "names": [str(unmask)]}}) in changes
    assert all(e.user_id == world.bureau.pk for e in events)
    assert AuditEvent.objects.filter(object_type="auth.group", action=AuditAction.CREATE).exists()


def test_bulk_updates_through_services_are_recorded(world) -> None:  # type: ignore[no-untyped-def]
    """Classes beyond a lowered enrolment count are retired with one UPDATE;
    each retired class still gets its entry (bulk updates send no signals)."""
    from schools.models import GradeEnrolment, SchoolClass
    from schools.register.classes import school_classes_sync

    school = world.school_a
    grade = school.grades[0]
    enrolment = GradeEnrolment.objects.create(school=school, grade=grade, classes=3)
    with audit_context(user=world.bureau, ip="10.5.5.5"):
        school_classes_sync(school=school)
        created = AuditEvent.objects.filter(object_type="schools.schoolclass", action=AuditAction.CREATE).count()
        enrolment.classes = 1
        enrolment.save()
        school_classes_sync(school=school)
    assert created == 3
    retired = SchoolClass.objects.filter(school=school, active=False).values_list("pk", flat=True)
    events = AuditEvent.objects.filter(
        object_type="schools.schoolclass", action=AuditAction.UPDATE, ip_address="10.5.5.5"
    )
    assert sorted(int(e.object_id) for e in events) == sorted(retired) and len(retired) == 2
    assert all(e.changes == {"active": [True, False]} and e.user_id == world.bureau.pk for e in events)


def test_the_other_bulk_writes_of_services_are_recorded(world) -> None:  # type: ignore[no-untyped-def]
    """Bulk writes send no signals: a cancelled institution's white-list
    entry ended with one UPDATE, its fee standards replaced with one INSERT,
    a survey round's school links, a questionnaire's new version and the
    pledge reminders each left no entry."""
    from decimal import Decimal

    from schools.pledges.services import pledge_remind_unsigned, pledge_text_publish
    from supervision.institutions import services as institutions
    from supervision.models import FeeStandard, ListKind
    from supervision.surveys.models import Question, RoundSchool
    from supervision.surveys.services import questionnaire_new_version
    from tests.schools.filing_factories import current_year
    from tests.supervision.institutions.factories import make_institution
    from tests.supervision.surveys.helpers import open_round, parents_questionnaire

    def entries(model: Any, action: str) -> dict[str, dict[str, Any]]:
        rows = AuditEvent.objects.filter(object_type=model._meta.label_lower, action=action, ip_address="10.6.6.6")
        return {e.object_id: e.changes for e in rows}

    world.principal_b.email = "b@school.test"
    world.principal_b.save()
    with audit_context(user=world.bureau, ip="10.6.6.6"):
        institution = make_institution(world.bureau)
        institutions.institution_fees_set(
            institution=institution,
            rows=[institutions.FeeRow("小班数学", "课时", Decimal("55.00"), datetime.date(2026, 9, 1))],
            by=world.bureau,
        )
        entry = institutions.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau)
        institutions.list_entry_publish(entry=entry, by=world.bureau)
        institutions.institution_cancel(institution=institution, by=world.bureau, reason="停办注销")
        survey_round = open_round(world)
        copy = questionnaire_new_version(questionnaire=parents_questionnaire())
        text = pledge_text_publish(
            school_year=current_year(), title="责任书", body="正文", bureau_signatory="王局长", by=world.bureau
        )
        pledge_remind_unsigned(
            school_year=text.school_year, by=world.bureau, link_for=lambda s: f"/school/{s.pk}/pledge/"
        )

    fee = FeeStandard.objects.get(institution=institution)
    assert entries(FeeStandard, AuditAction.CREATE)[str(fee.pk)]["course"] == [None, "小班数学"]
    ended = AuditEvent.objects.filter(
        object_type="supervision.listentry", object_id=str(entry.pk), action=AuditAction.UPDATE
    ).latest("id")
    assert ended.changes["removed_on"][0] is None and ended.changes["removal_reason"] == ["", "停办注销"]
    links = RoundSchool.objects.filter(round=survey_round)
    created_links = entries(RoundSchool, AuditAction.CREATE)
    assert {str(link.pk) for link in links} <= set(created_links)
    # The link's token is a secret of the school's: never in the trail.
    assert all("token" not in changes for changes in created_links.values())
    assert {str(q.pk) for q in Question.objects.filter(questionnaire=copy)} <= set(
        entries(Question, AuditAction.CREATE)
    )
    from schools.models import PledgeReminder

    reminder = PledgeReminder.objects.get()
    assert entries(PledgeReminder, AuditAction.CREATE)[str(reminder.pk)]["school_id"] == [None, world.school_b.pk]


def test_the_documented_app_role_can_neither_truncate_nor_disable_nor_update_the_trail(world, database_vendor) -> None:  # type: ignore[no-untyped-def]
    """The grants of docs/DEPLOYMENT.md ("The database role of the portal"),
    run as written for a role made inside the test's transaction (rolled
    back with it): the portal's role still writes entries, but cannot
    truncate the trail, switch its trigger off or update an entry."""
    import re
    import secrets
    from pathlib import Path

    from django.conf import settings
    from django.db import DatabaseError, connection

    if database_vendor != "postgresql":
        pytest.skip("roles and grants exist on PostgreSQL only")
    guide = (Path(settings.BASE_DIR) / "docs" / "DEPLOYMENT.md").read_text()
    section = guide.split("### The database role of the portal", 1)[1]
    sql = re.search(r"```sql\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    grants = sql.split("-- after each migrate", 1)[1].split("\n", 1)[1]
    statements = [s.strip() for s in grants.split(";") if s.strip()]
    assert any("REVOKE" in s and "jianfu_auditevent" in s for s in statements)
    role = f"jianfu_app_test_{secrets.token_hex(4)}"
    audit_record(action=AuditAction.EXPORT, note="before")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        for statement in statements:
            cursor.execute(statement.replace("jianfu_app", role))
        cursor.execute(f"SET ROLE {role}")
        try:
            audit_record(action=AuditAction.EXPORT, note="as the portal's role")
            for attempt in (
                "TRUNCATE jianfu_auditevent",
                "ALTER TABLE jianfu_auditevent DISABLE TRIGGER ALL",
                "UPDATE jianfu_auditevent SET note = 'changed'",
            ):
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(attempt)
        finally:
            cursor.execute("RESET ROLE")
    assert sorted(AuditEvent.objects.filter(action=AuditAction.EXPORT).values_list("note", flat=True)) == [
        "as the portal's role",
        "before",
    ]
