"""Every read of a complainant's unmasked identity is in the audit trail
(who, when, from which address, which case, why), besides the case's own
log; a refused reveal leaves neither, and the entry never holds the
identity itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from jianfu.audit import audit_context
from jianfu.models import AuditAction, AuditEvent, User
from supervision.complaints import services
from supervision.complaints.services import ComplaintError
from supervision.models import ComplainantIdentityView
from tests.supervision.complaint_factories import file_case

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳秘密", "13987654321"


def _unmasker(user):  # type: ignore[no-untyped-def]
    user.user_permissions.add(Permission.objects.get(codename="unmask_complainant"))
    return User.objects.get(pk=user.pk)


def _reads():  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(action=AuditAction.READ_IDENTITY)


def test_reveal_service_writes_one_audit_entry_per_read(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau, name=NAME, phone=PHONE).case
    staff = _unmasker(world.bureau)
    with audit_context(user=staff, ip="192.0.2.15"):
        services.complaint_reveal_identity(case=case, by=staff, reason="回访投诉人")
        services.complaint_reveal_identity(case=case, by=staff, reason="核实电话")
    entries = list(_reads().order_by("id"))
    assert len(entries) == 2 == ComplainantIdentityView.objects.count()
    first = entries[0]
    assert (first.user, first.username, first.ip_address) == (staff, staff.username, "192.0.2.15")
    assert (first.object_type, first.object_id) == ("supervision.complaintcase", str(case.pk))
    assert case.number in first.object_repr
    assert [e.note for e in entries] == ["回访投诉人", "核实电话"]
    for entry in AuditEvent.objects.all():
        text = f"{entry.object_repr} {entry.changes} {entry.note}"
        assert NAME not in text and PHONE not in text


def test_reveal_through_the_page_is_audited_with_the_address(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau, name=NAME, phone=PHONE).case
    client = Client()
    client.force_login(_unmasker(world.bureau))
    response = client.post(
        reverse("complaints:staff_reveal", args=[case.pk]), {"reveal-reason": "回访"}, REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 200 and PHONE in response.content.decode()
    entry = _reads().get()
    assert (entry.user_id, entry.ip_address, entry.object_id, entry.note) == (
        world.bureau.pk,
        "198.51.100.4",
        str(case.pk),
        "回访",
    )


def test_refused_reveal_is_not_a_read(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau).case
    with pytest.raises(ComplaintError):
        services.complaint_reveal_identity(case=case, by=world.bureau)  # no permission
    client = Client()
    client.force_login(world.bureau)
    assert client.post(reverse("complaints:staff_reveal", args=[case.pk])).status_code == 404
    assert not _reads().exists()


def test_masked_display_is_not_an_identity_read(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau, name=NAME, phone=PHONE).case
    client = Client()
    client.force_login(world.bureau)
    assert client.get(reverse("complaints:staff_detail", args=[case.pk])).status_code == 200
    assert not _reads().exists()
