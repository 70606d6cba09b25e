"""Institutions made through the services, so that their status history is
the one the state machine writes."""

from __future__ import annotations

import itertools
from typing import Any

from supervision.institutions.credit_code import check_character
from supervision.institutions.services import InstitutionData, institution_create
from supervision.models import InstitutionKind, TrainingInstitution

_numbers = itertools.count(1)

# Real, public codes with their correct check characters.
VALID_CODES = ["91350100M000100Y43", "914403001922038216", "9144030071526726XG"]


def credit_code(n: int | None = None) -> str:
    first = f"52330482MJ{(n if n is not None else next(_numbers)):07d}"
    return first + check_character(first)


def make_institution(
    by: Any, *, name: str = "", kind: str = InstitutionKind.SUBJECT, **extra: Any
) -> TrainingInstitution:
    n = next(_numbers)
    extra.setdefault("address", f"当湖街道{n}号")
    return institution_create(
        data=InstitutionData(name=name or f"测试培训学校{n}", credit_code=credit_code(n), kind=kind, **extra),
        by=by,
    )
