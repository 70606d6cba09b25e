"""The status look-up reads what was typed without making the form
(``StatusForm.cleaned_if_valid``) and makes the form only to show it again.
The quick reading must accept exactly what the form accepts, cleaned to the
same values, and refuse everything else: compared here on a corpus of what
parents type (full-width characters, Chinese dashes, spaces, pasted control
characters, too long, missing)."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from supervision.complaints.forms import StatusForm
from tests.supervision.complaint_factories import file_case

NUMBERS = [
    "TS20261201-0001",
    " ts20261201-0001 ",
    "ＴＳ２０２６１２０１－０００１",
    "TS20261201——0001",
    "TS20261201\u20100001",
    "TS202612010001",
    "TS20261201-1",
    "\u3000TS20261201-0001",
    "TS 2026 1201 0001",
    "TS20261201-0001\n",
    "TS2026\x001201-0001",
    "TS2026\x071201-0001",
    "TS2026\u200b1201-0001",
    "x" * 20,
    "x" * 21,
    "ｘ" * 21,
    "",
    "   ",
    None,
]
CODES = [
    "ABCD2345",
    "abcd-2345",
    "ａｂｃｄ ｅｆ２３",
    "AB\u2014CD",
    "AB\rCD",
    "AB\x1bCD",
    "A" * 20,
    "A" * 21,
    " A" * 11,
    "",
    "\t",
    None,
]


def _data(number: str | None, code: str | None) -> QueryDict:
    fields = {name: value for name, value in (("number", number), ("code", code)) if value is not None}
    return QueryDict(urlencode(fields))


def test_the_quick_reading_agrees_with_the_form_on_every_typed_value() -> None:
    valid = refused = 0
    for number, code in itertools.product(NUMBERS, CODES):
        data = _data(number, code)
        form = StatusForm(data)
        expected = form.cleaned_data if form.is_valid() else None
        assert StatusForm.cleaned_if_valid(data) == expected, (number, code, form.errors)
        valid += expected is not None
        refused += expected is None
    # Both ways were compared, many times each.
    assert valid >= 40 and refused >= 100


def test_the_quick_reading_cleans_as_the_form_documents() -> None:
    cleaned = StatusForm.cleaned_if_valid(_data("ＴＳ２０２６１２０１——０００１", "ａｂｃｄ-ｅｆ２３"))
    assert cleaned == {"number": "TS20261201-0001", "code": "ABCDEF23"}
    # A repeated field: the form reads its last value; so does the quick way.
    twice = QueryDict("number=TS1&number=TS20261201-0002&code=ABCD2345")
    assert StatusForm.cleaned_if_valid(twice) == {"number": "TS20261201-0002", "code": "ABCD2345"}
    assert StatusForm.cleaned_if_valid(_data("TS20261201-0001\x00", "ABCD2345")) is None


@pytest.mark.django_db
def test_the_page_shows_the_form_again_only_when_nothing_was_found(world) -> None:  # type: ignore[no-untyped-def]
    filed = file_case(school=world.school_a)
    status = reverse("complaints:public_status")
    found = Client().post(status, {"number": filed.case.number, "code": filed.query_code}, REMOTE_ADDR="10.9.3.1")
    page = found.content.decode()
    assert 'data-testid="case-status"' in page
    # The empty fields (rendered once per language), not the typed values.
    assert filed.query_code not in page
    wrong = Client().post(status, {"number": filed.case.number, "code": "WRONG234"}, REMOTE_ADDR="10.9.3.2")
    page = wrong.content.decode()
    assert 'data-testid="lookup-error"' in page and 'value="WRONG234"' in page
    too_long = Client().post(status, {"number": "T" * 21, "code": "ABCD2345"}, REMOTE_ADDR="10.9.3.3")
    page = too_long.content.decode()
    assert 'data-testid="case-status"' not in page and 'value="ABCD2345"' in page
    assert "20" in page and "invalid-feedback" in page
