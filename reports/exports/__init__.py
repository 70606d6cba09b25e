"""Exporters: every report the portal produces, Excel or PDF, is one small
class on the base of ``reports.exports.base``, registered with
``reports.registry.exporter``."""
