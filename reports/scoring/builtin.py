"""The indicators, veto kinds, notice sections, ranking sheets and dashboard
panels of the features that exist in the portal: one module per feature."""

from . import filings, visits  # noqa: F401
