"""The Excel of the institutions register, on the exporter base of
:mod:`reports.exports` (write-only workbook, formula-like text
neutralised). Its first sheet is the import template's, so it re-imports
unchanged; a second sheet lists the status and lists, a third the approved
fees."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, Progress
from reports.registry import exporter

from .imports import InstitutionImporter
from .selectors import institution_export_rows


@exporter
class InstitutionRegisterExcel(ExcelExporter):
    identifier = "institutions_register_xlsx"
    verbose_name = gettext_lazy("Training institutions register")
    description = gettext_lazy(
        "Every off-campus training institution with its licence, insurance, status, list entry and approved fees."
    )

    def filename(self, params: dict[str, Any]) -> str:
        return f"{InstitutionImporter.export_name}-{timezone.localdate():%Y-%m-%d}.xlsx"

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        importer = InstitutionImporter()
        institutions = list(institution_export_rows(user=user))
        progress(30, "")
        register_sheet = Sheet(
            title=importer.sheet_title,
            columns=[Column(c.header, c.width, c.number_format) for c in importer.columns],
            rows=([importer.export_cells(i).get(h) for h in importer.headers] for i in institutions),
        )

        def status_lines() -> Iterator[list[Any]]:
            for i in institutions:
                entry = i.current_entries[0] if i.current_entries else None  # type: ignore[attr-defined]
                yield [
                    i.credit_code,
                    i.name,
                    i.get_status_display(),
                    # The bureau's day, as the public page shows it (never UTC's).
                    timezone.localdate(i.status_since) if i.status_since else None,
                    entry.get_kind_display() if entry else "",
                    entry.listed_on if entry else None,
                    (_("yes") if entry.published else _("draft")) if entry else "",
                    entry.reason if entry else "",
                ]

        def fee_lines() -> Iterator[list[Any]]:
            for i in institutions:
                for fee in i.fees.all():
                    yield [i.credit_code, i.name, fee.course, fee.unit, fee.amount, fee.approved_on]

        return [
            register_sheet,
            Sheet(
                title=str(_("Status and lists")),
                columns=[
                    Column(str(_("Unified social credit code")), 22),
                    Column(str(pgettext("institution", "Name")), 28),
                    Column(str(_("Status")), 16),
                    Column(str(_("Status since")), 12, "yyyy-mm-dd"),
                    Column(str(_("List")), 10),
                    Column(str(_("Listed on")), 12, "yyyy-mm-dd"),
                    Column(str(_("Published")), 10),
                    Column(str(_("Public reason")), 40),
                ],
                rows=status_lines(),
            ),
            Sheet(
                title=str(_("Approved fees")),
                columns=[
                    Column(str(_("Unified social credit code")), 22),
                    Column(str(pgettext("institution", "Name")), 28),
                    Column(str(_("Course")), 24),
                    Column(str(_("Charged per")), 10),
                    Column(str(_("Amount (yuan)")), 12, "0.00"),
                    Column(str(_("Approved on")), 12, "yyyy-mm-dd"),
                ],
                rows=fee_lines(),
            ),
        ]
