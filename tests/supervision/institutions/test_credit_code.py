"""The unified social credit code's check character (GB 32100-2015)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from supervision.institutions.credit_code import check_character, credit_code_error, validate_credit_code
from supervision.institutions.services import InstitutionData, InstitutionError, institution_create
from tests.supervision.institutions.factories import VALID_CODES


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_codes_pass(code: str) -> None:
    assert credit_code_error(code) is None
    assert check_character(code[:17]) == code[17]
    validate_credit_code(code.lower())  # typed in lower case: normalised first


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "校验码"),  # wrong check character
        ("91350100M000100Y4", "18"),  # too short
        ("91350100M000100Y433", "18"),  # too long
        ("91350100MO00100Y43", "O"),  # letter O is not in the alphabet
        ("91350100M000010Y43", "校验码"),  # two digits swapped
    ],
)
def test_bad_codes_are_refused_in_chinese(code: str, fragment: str) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        message = credit_code_error(code)
        assert message is not None and fragment in message
        with pytest.raises(ValidationError):
            validate_credit_code(code)


def test_every_single_character_typo_is_caught() -> None:
    code = VALID_CODES[1]
    from supervision.institutions.credit_code import ALPHABET

    for position in range(17):
        for ch in ALPHABET:
            if ch != code[position]:
                typo = code[:position] + ch + code[position + 1 :]
                assert credit_code_error(typo) is not None, typo


@pytest.mark.django_db
def test_register_refuses_a_bad_code_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.models import TrainingInstitution

    with pytest.raises(InstitutionError):
        institution_create(
            data=InstitutionData(name="某培训学校", credit_code="91350100M000100Y44", kind="subject"), by=world.bureau
        )
    assert not TrainingInstitution.objects.exists()
    created = institution_create(
        data=InstitutionData(name="某培训学校", credit_code=" 91350100m000100y43 ", kind="subject"), by=world.bureau
    )
    assert created.credit_code == "91350100M000100Y43"
    with pytest.raises(InstitutionError):
        institution_create(
            data=InstitutionData(name="另一家", credit_code="91350100M000100Y43", kind="subject"), by=world.bureau
        )
