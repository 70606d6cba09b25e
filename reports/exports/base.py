"""The exporter contract (after pretix's ``base/exporter.py``).

An exporter has an identifier, a verbose name, a form for its parameters, a
rule for who may run it, and ``render(params, user=…, progress=…)`` returning
``(filename, mimetype, bytes)``. Excel exporters only yield rows: the base
class writes the workbook (write-only openpyxl, frozen headers, widths,
formula neutralisation). PDF exporters give a template and a context: the base
class renders it with WeasyPrint, whose URL fetcher reads nothing but the
portal's own static files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise

from jianfu.xlsx import XLSX_MIMETYPE, Sheet, write_workbook
from reports import registry

Progress = Callable[[int, str], None]


def _no_progress(percent: int, note: str = "") -> None:
    return None


class Exporter:
    identifier: ClassVar[str]
    verbose_name: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    form_class: ClassVar[type[forms.Form] | None] = None
    extension: ClassVar[str]
    mimetype: ClassVar[str]

    def allowed(self, user: Any) -> bool:
        """Who may run this report. Bureau staff by default."""
        return bool(getattr(user, "is_authenticated", False) and user.is_bureau)

    def clean_params(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """Validate parameters with the form; returns JSON-safe values."""
        if self.form_class is None:
            return {}
        form = self.form_class(data or {})
        if not form.is_valid():
            # "label：message" per field error, the message alone for the form's own.
            messages = [
                f"{form.fields[name].label}：{error}" if name in form.fields else str(error)
                for name, errors in form.errors.items()
                for error in errors
            ]
            raise forms.ValidationError(messages)
        return {k: _jsonable(v) for k, v in form.cleaned_data.items()}

    def filename(self, params: dict[str, Any]) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.verbose_name}-{stamp}.{self.extension}"

    def render(self, params: dict[str, Any], *, user: Any, progress: Progress = _no_progress) -> tuple[str, str, bytes]:
        raise NotImplementedError


def _jsonable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class ExcelExporter(Exporter):
    extension = "xlsx"
    mimetype = XLSX_MIMETYPE

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        raise NotImplementedError

    def render(self, params: dict[str, Any], *, user: Any, progress: Progress = _no_progress) -> tuple[str, str, bytes]:
        data = write_workbook(self.sheets(params, user=user, progress=progress))
        return self.filename(params), self.mimetype, data


class PdfExporter(Exporter):
    extension = "pdf"
    mimetype = "application/pdf"
    template_name: ClassVar[str]

    def context(self, params: dict[str, Any], *, user: Any, progress: Progress) -> dict[str, Any]:
        raise NotImplementedError

    def render(self, params: dict[str, Any], *, user: Any, progress: Progress = _no_progress) -> tuple[str, str, bytes]:
        from django.conf import settings

        from reports.exports.pdf import render_pdf

        context = {"bureau_name": settings.BUREAU_NAME, **self.context(params, user=user, progress=progress)}
        progress(60, "")
        data = render_pdf(self.template_name, context)
        return self.filename(params), self.mimetype, data


def get_exporter(identifier: str) -> Exporter:
    """The exporter registered under ``identifier`` (reports.registry)."""
    found = registry.exporters.get(identifier)
    if found is None:
        raise Http404
    return found
