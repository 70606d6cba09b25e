"""Rotating FIELD_ENCRYPTION_KEY: put the new key first, run
``reseal_complainants``, then drop the old key; every name and phone stays
readable and earlier cases are still found by phone. A value no key opens
is reported and left alone, never blanked."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from supervision.complaints.identity import phone_hash
from supervision.complaints.services import complaint_masked_identity
from supervision.models import ComplaintCase
from tests.supervision.complaint_factories import file_case

pytestmark = pytest.mark.django_db


def test_rotation_keeps_every_identity_readable(world, settings) -> None:  # type: ignore[no-untyped-def]
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    named = file_case(school=world.school_a, by=world.bureau, name="王家长", phone="13812345678").case
    anonymous = file_case(school=world.school_a, by=world.bureau, real_name=False, name="", phone="").case
    before = ComplaintCase.objects.get(pk=named.pk)

    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    out = StringIO()
    call_command("reseal_complainants", stdout=out)
    assert out.getvalue().strip() == "resealed 1, unreadable 0"

    settings.FIELD_ENCRYPTION_KEY = new  # the old key is gone
    after = ComplaintCase.objects.get(pk=named.pk)
    assert after.name_encrypted != before.name_encrypted
    identity = complaint_masked_identity(case=after)
    assert (identity.name, identity.phone) == ("王家长", "13812345678")
    assert after.phone_hash == phone_hash("13812345678") != before.phone_hash
    assert ComplaintCase.objects.get(pk=anonymous.pk).name_encrypted == ""


def test_a_value_no_key_opens_is_reported_and_kept(world, settings) -> None:  # type: ignore[no-untyped-def]
    lost = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = lost
    case = file_case(school=world.school_a, by=world.bureau).case
    stored = ComplaintCase.objects.get(pk=case.pk).name_encrypted

    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="1 case"):
        call_command("reseal_complainants", stdout=StringIO())
    assert ComplaintCase.objects.get(pk=case.pk).name_encrypted == stored
