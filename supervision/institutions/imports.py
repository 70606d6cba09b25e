"""Excel import and export of the institutions register, on
:class:`jianfu.imports.Importer` like the school register: the first sheet
is both the template and the export, so an export re-imports as
"unchanged". An institution is identified by its unified social credit
code. The status is never imported: it changes only through the state
machine of :mod:`.services`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianfu.imports import ImportColumn, Importer, RowReader, as_text, display_words
from schools.register.imports import known_district
from supervision.models import InstitutionKind, SupervisoryDistrict, TrainingInstitution

from .checks import contact_phone_error, licence_issued_error, normalize_phone
from .credit_code import credit_code_error, normalize_credit_code
from .services import InstitutionData, institution_create, institution_update

KIND_WORDS = {
    "学科类": InstitutionKind.SUBJECT,
    "体育": InstitutionKind.SPORTS,
    "文化艺术": InstitutionKind.ARTS,
    "科技": InstitutionKind.SCIENCE,
    # accepted too, written back in the first form
    "非学科类体育": InstitutionKind.SPORTS,
    "非学科类文化艺术": InstitutionKind.ARTS,
    "非学科类科技": InstitutionKind.SCIENCE,
}
KIND_WORD = display_words(KIND_WORDS)

CODE, NAME, KIND, ADDRESS, DISTRICT = "统一社会信用代码", "机构名称", "类别", "地址", "督学责任区"
LICENCE, ISSUED, EXPIRES = "办学许可证号", "许可证发证日期", "许可证有效期至"
POLICY, POLICY_EXPIRES = "责任保险单号", "保险有效期至"
PREMISES, AREA, CAPACITY, PHONE = "培训场所", "场所面积（平方米）", "容纳人数", "联系电话"

MAX_CAPACITY = 100000


@dataclass
class InstitutionRow:
    data: InstitutionData
    existing: TrainingInstitution | None


class InstitutionImporter(Importer):
    kind = "institutions"
    verbose_name = gettext_lazy("Training institutions")
    sheet_title = "校外培训机构"
    export_name = "校外培训机构名册"
    template_name = "校外培训机构导入模板"
    keep_when_blank = frozenset({DISTRICT})
    columns: ClassVar[Sequence[ImportColumn]] = [
        ImportColumn(
            CODE,
            True,
            gettext_lazy(
                "The 18-character unified social credit code; a code already in the register updates that institution."
            ),
            22,
        ),
        ImportColumn(NAME, True, "", 28),
        ImportColumn(KIND, True, gettext_lazy("One of: 学科类, 体育, 文化艺术, 科技."), 10),
        ImportColumn(ADDRESS, False, "", 30),
        ImportColumn(
            DISTRICT,
            False,
            gettext_lazy("The name of a supervisory district of the register; empty leaves it as it is."),
            16,
        ),
        ImportColumn(LICENCE, False, "", 20),
        ImportColumn(ISSUED, False, gettext_lazy("A date such as 2024-09-01."), 14),
        ImportColumn(EXPIRES, False, gettext_lazy("A date such as 2024-09-01."), 14),
        ImportColumn(POLICY, False, gettext_lazy("The liability insurance policy number."), 20),
        ImportColumn(POLICY_EXPIRES, False, gettext_lazy("A date such as 2024-09-01."), 14),
        ImportColumn(PREMISES, False, "", 24),
        ImportColumn(AREA, False, gettext_lazy("Square metres, for example 320 or 320.5."), 12),
        ImportColumn(CAPACITY, False, gettext_lazy("How many pupils the premises hold at once."), 10),
        ImportColumn(PHONE, False, gettext_lazy("Digits, for example 0573-85012345."), 16),
    ]

    def prepare(self, raw_rows: Sequence[Mapping[str, Any]]) -> None:
        codes = {
            normalize_credit_code(as_text(r["values"][CODE])) for r in raw_rows if r["values"].get(CODE) is not None
        }
        self.existing = {i.credit_code: i for i in TrainingInstitution.objects.filter(credit_code__in=codes)}
        self.districts = {d.name: d for d in SupervisoryDistrict.objects.all()}
        self.seen: dict[str, int] = {}

    def _area(self, r: RowReader) -> Decimal | None:
        text = r.text(AREA)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not re.fullmatch(r"\d{1,7}(\.\d)?", text) or value < 0:
            r.error(AREA, _("“%(value)s” is not an area in square metres.") % {"value": text})
            return None
        return value

    def parse_row(self, r: RowReader) -> tuple[InstitutionRow | None, TrainingInstitution | None]:
        code = normalize_credit_code(r.text(CODE, required=True))
        if code:
            message = credit_code_error(code)
            if message:
                r.error(CODE, message)
            elif code in self.seen:
                r.error(
                    CODE,
                    _("The code %(value)s appears again in row %(other)s.") % {"value": code, "other": self.seen[code]},
                )
            else:
                self.seen[code] = r.number
        name = r.text(NAME, required=True, max_length=100)
        kind = r.choice(KIND, KIND_WORDS)
        address = r.text(ADDRESS, max_length=200)
        district = known_district(r, self.districts, DISTRICT, r.text(DISTRICT))
        licence = r.text(LICENCE, max_length=50)
        issued, expires = r.date(ISSUED), r.date(EXPIRES)
        if issued and expires and expires < issued:
            r.error(EXPIRES, _("The licence cannot expire before it was issued."))
        # The register's own rules (as on its page), so that a row the
        # preview accepts is one the services accept on confirmation.
        message = licence_issued_error(issued)
        if message:
            r.error(ISSUED, message)
        policy = r.text(POLICY, max_length=50)
        policy_expires = r.date(POLICY_EXPIRES)
        premises = r.text(PREMISES, max_length=200)
        area = self._area(r)
        capacity = r.integer(CAPACITY, maximum=MAX_CAPACITY)
        phone = normalize_phone(r.phone(PHONE))
        message = contact_phone_error(phone) if phone and not r.failed(PHONE) else None
        if message:
            r.error(PHONE, message)
        existing = self.existing.get(code)
        if (
            existing is not None
            and kind is not None
            and kind != existing.kind
            and InstitutionKind.SUBJECT in (kind, existing.kind)
        ):
            r.error(KIND, _("A subject-training institution changes to non-subject training only by conversion."))
        if r.failed() or kind is None:
            return None, None
        data = InstitutionData(
            name=name,
            credit_code=code,
            kind=kind,
            address=address,
            district=district if district is not None else (existing.district if existing else None),
            licence_number=licence,
            licence_issued_on=issued,
            licence_expires_on=expires,
            insurance_policy=policy,
            insurance_expires_on=policy_expires,
            premises=premises,
            premises_area=area,
            capacity=capacity,
            contact_phone=phone,
            internal_note=existing.internal_note if existing else "",
        )
        return InstitutionRow(data=data, existing=existing), existing

    def cells_of(self, row: InstitutionRow) -> dict[str, Any]:
        return self._cells(row.data)

    def _cells(self, d: Any) -> dict[str, Any]:
        return {
            CODE: d.credit_code,
            NAME: d.name,
            KIND: KIND_WORD.get(d.kind, d.kind),
            ADDRESS: d.address,
            DISTRICT: d.district.name if d.district else "",
            LICENCE: d.licence_number,
            ISSUED: d.licence_issued_on,
            EXPIRES: d.licence_expires_on,
            POLICY: d.insurance_policy,
            POLICY_EXPIRES: d.insurance_expires_on,
            PREMISES: d.premises,
            AREA: _area_text(d.premises_area),
            CAPACITY: d.capacity,
            PHONE: d.contact_phone,
        }

    def export_cells(self, obj: TrainingInstitution) -> dict[str, Any]:
        return self._cells(obj)

    def apply_row(self, parsed: InstitutionRow, *, by: Any) -> None:
        if parsed.existing is None:
            institution_create(data=parsed.data, by=by)
        else:
            institution_update(institution=parsed.existing, data=parsed.data, by=by)


def _area_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    # 320.0 and 320 are the same area: written without a trailing .0.
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def today_plan(importer: InstitutionImporter, raw_rows: Sequence[Mapping[str, Any]]) -> Any:
    from django.utils import timezone

    return importer.plan(raw_rows, today=timezone.localdate())


__all__ = ["KIND_WORD", "KIND_WORDS", "InstitutionImporter", "today_plan"]
