"""Exporters: every report the portal produces, Excel or PDF, is one small
class registered here. Import the modules that define them so they register."""

from .base import EXPORTERS, ExcelExporter, Exporter, PdfExporter, Progress, get_exporter, register

__all__ = ["EXPORTERS", "ExcelExporter", "Exporter", "PdfExporter", "Progress", "get_exporter", "register"]


def load_all() -> None:
    from supervision.surveys import exports  # noqa: F401

    from . import audit, notices, rankings, register_lists  # noqa: F401
