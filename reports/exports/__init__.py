"""Exporters: every report the portal produces, Excel or PDF, is one small
class registered here. Import the modules that define them so they register."""

from __future__ import annotations

from reports.exports.base import EXPORTERS, ExcelExporter, Exporter, PdfExporter, Progress, get_exporter, register

__all__ = ["EXPORTERS", "ExcelExporter", "Exporter", "PdfExporter", "Progress", "get_exporter", "register"]


def load_all() -> None:
    from reports.exports import audit, notices, rankings, register_lists  # noqa: F401
    from supervision.institutions import exports as institutions  # noqa: F401
    from supervision.surveys import exports as surveys  # noqa: F401
